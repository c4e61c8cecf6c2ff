package dev.joblib.beam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Parallel;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * joblib-beam on a class path that lacks a library it needs (the Beam artifacts are {@code
 * provided}, so users add them): a JVM started with the test class path minus that jar. The other
 * backends keep working, and the beam backend's error names the artifact to add, before any
 * pipeline is built.
 */
class MissingLibrariesTest {
  /**
   * The child JVM: one call on threads, one on beam; prints what happened.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println(
        "threads "
            + Parallel.create().backend("threads").nJobs(2).map(List.of(1, 2, 3), x -> x * 2));
    try {
      Parallel.create().backend("beam").map(List.of(1), x -> x);
      System.out.println("beam ran");
    } catch (RuntimeException e) {
      System.out.println("beam failed: " + e.getMessage());
    }
  }

  @Test
  void withoutParquetIoTheBeamBackendNamesTheArtifactAndThreadsStillRun() throws Exception {
    String out = runWithout("beam-sdks-java-io-parquet-");

    assertThat(out).contains("threads [2, 4, 6]");
    assertThat(out).contains("beam failed:").contains("org.apache.beam:beam-sdks-java-io-parquet");
  }

  @Test
  void withoutBeamCoreTheOtherBackendsStillRunAndBeamSaysWhyItIsMissing() throws Exception {
    // the DirectRunner's jar holds a copy of Beam's core classes: without both, Beam is missing
    String out = runWithout("beam-sdks-java-core-", "beam-runners-direct-java-");

    assertThat(out).contains("threads [2, 4, 6]");
    assertThat(out)
        .contains("beam failed: backend: unknown backend 'beam'")
        .contains("could not load")
        .contains("org.apache.beam:beam-sdks-java-core");
  }

  /** Runs {@link #main} on the test class path without the jars whose names start so. */
  private static String runWithout(String... jarPrefixes) throws Exception {
    List<String> entries =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(
                e ->
                    Arrays.stream(jarPrefixes)
                        .noneMatch(p -> Path.of(e).getFileName().toString().startsWith(p)))
            .collect(Collectors.toList());
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                String.join(File.pathSeparator, entries),
                MissingLibrariesTest.class.getName())
            .redirectErrorStream(true)
            .start();
    byte[] output = child.getInputStream().readAllBytes();
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
    return new String(output, StandardCharsets.UTF_8);
  }
}
