package dev.joblib.internal.processes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A Java agent that delays a worker JVM's start by the milliseconds in its argument, so that a test
 * sees a cold worker that is slow to start, whatever the machine's load. The agent jar holds only a
 * manifest: the class itself comes from the test class path, which workers inherit.
 */
public final class SlowStartAgent {
  private SlowStartAgent() {}

  /**
   * Sleeps before the worker's main method runs.
   *
   * @param millis how long, in milliseconds
   * @throws InterruptedException never in practice
   */
  public static void premain(String millis) throws InterruptedException {
    Thread.sleep(Long.parseLong(millis));
  }

  /** The worker JVM option that delays its start by {@code millis}; the jar goes in {@code dir}. */
  static String jvmArg(Path dir, long millis) throws IOException {
    Path jar = dir.resolve("slow-start-agent.jar");
    if (!Files.exists(jar)) {
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      manifest.getMainAttributes().putValue("Premain-Class", SlowStartAgent.class.getName());
      try (OutputStream out = Files.newOutputStream(jar);
          JarOutputStream unused = new JarOutputStream(out, manifest)) {
        // the manifest is the whole jar
      }
    }
    return "-javaagent:" + jar + "=" + millis;
  }
}
