package dev.joblib;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts child JVMs on the test class path. */
final class Jvms {
  private Jvms() {}

  static Process start(Class<?> main, String... args) throws IOException {
    return new ProcessBuilder(command(main, args)).redirectErrorStream(true).start();
  }

  /** Starts a child JVM with extra JVM flags, such as a small {@code -Xmx}. */
  static Process start(List<String> jvmFlags, Class<?> main, String... args) throws IOException {
    return new ProcessBuilder(command(jvmFlags, main, args)).redirectErrorStream(true).start();
  }

  /** The command line {@link #start} runs, for a caller that wraps it (in a shell, say). */
  static List<String> command(Class<?> main, String... args) {
    return command(List.of(), main, args);
  }

  /** The command line of a child JVM with extra JVM flags. */
  static List<String> command(List<String> jvmFlags, Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-Xshare:auto");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return command;
  }

  /** Waits for a child and returns its output; fails if it does not exit with 0. */
  static String finish(Process process) throws Exception {
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "child JVM did not finish: " + new String(out, StandardCharsets.UTF_8));
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new AssertionError("child JVM exited with " + process.exitValue() + ":\n" + text);
    }
    return text;
  }

  static String run(Class<?> main, String... args) throws Exception {
    return finish(start(main, args));
  }
}
