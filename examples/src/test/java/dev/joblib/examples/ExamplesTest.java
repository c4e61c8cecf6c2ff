package dev.joblib.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs each example job through the launcher and checks what it prints. */
class ExamplesTest {
  @TempDir Path dir;

  /** What a job printed: standard output, or standard error with {@link #runErr}. */
  static String run(String... args) throws Exception {
    return runBoth(args)[0];
  }

  static String runErr(String... args) throws Exception {
    return runBoth(args)[1];
  }

  private static String[] runBoth(String... args) throws Exception {
    if (args.length > 0) {
      // an unknown job would exit the JVM: check the launcher lists it first
      assertThat(capture(new String[0])[1]).as("the launcher's job list").contains(args[0]);
    }
    return capture(args);
  }

  private static String[] capture(String[] args) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
    ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
    System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
    try {
      Examples.main(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new String[] {
      capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8)
    };
  }

  @Test
  void quickstartPrintsTheRootsInOrder() throws Exception {
    assertThat(run("quickstart").strip())
        .isEqualTo("[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]");
  }

  @Test
  void sharedMemorySeesEveryWrite() throws Exception {
    assertThat(run("shared-memory")).contains("shared set holds 100 values");
  }

  @Test
  void randomStateIsIdenticalAcrossBackendsAndDistinctPerTask() throws Exception {
    String out = run("random-state");
    assertThat(out)
        .contains("sequential nJobs=1")
        .contains("threads nJobs=2")
        .contains("identical across backends: true")
        .contains("unseeded draws are distinct per task: true");
  }

  @Test
  void reuseKeepsTheSameTwoWorkers() throws Exception {
    String out = run("reuse");
    // how many of the two threads got work depends on the machine's load; the pool does not
    assertThat(out)
        .contains("round 5: mean")
        .containsPattern("worker threads used over all rounds: [12]\\R")
        .contains("all rounds ran on one pool: true");
  }

  @Test
  void aTaskMutatingItsArgumentChangesTheCallersCopyOnlyOnThreads() throws Exception {
    String out = run("process-isolation");
    assertThat(out)
        .contains(
            "threads: the task saw [a, b, added by the task];"
                + " the caller now has [a, b, added by the task], big[0] = 42.0")
        .contains(
            "processes: the task saw [a, b, added by the task];"
                + " the caller still has [a, b], big[0] = 0.0")
        .contains("processes: what a task returns comes back: [a, b, added by the task]");
  }

  @Test
  void dumpLoadPicksTheCompressorFromTheNameAndMapsBuffers() throws Exception {
    String out = run("dump-load", dir.toString());
    assertThat(out)
        .containsPattern("model\\.jbl: \\d+ bytes, uncompressed, loads back equal: true")
        .containsPattern(
            "model\\.jbl\\.gz: \\d+ bytes, gzip chosen by the file name, smaller: true,"
                + " loads back equal: true")
        .containsPattern(
            "model\\.jbl\\.lz4: \\d+ bytes, lz4 chosen by the file name, smaller: true,"
                + " loads back equal: true")
        .containsPattern(
            "model\\.bin: \\d+ bytes, Compression\\.zlib\\(3\\) given, smaller: true,"
                + " loads back equal: true")
        .contains(
            "column.jbl with LoadOptions.mmap(): mapped on the file (direct, read-only): true,"
                + " 1000000 values, equal: true")
        .contains(
            "column.jbl.gz with LoadOptions.mmap(): compressed, so read into the heap:"
                + " true, equal: true");
    assertThat(Files.exists(dir.resolve("model.jbl.gz"))).isTrue();
  }

  @Test
  void preferIsAHintAndCpuCountTheMachinesCpus() throws Exception {
    String out = run("prefer");
    assertThat(out)
        .containsPattern("cpuCount\\(\\) = \\d+, cpuCount\\(true\\) = \\d+ physical cores")
        .contains("effectiveNJobs(-1) == cpuCount(): true")
        .contains("effectiveNJobs(-2) == max(cpuCount() - 1, 1): true")
        .contains("no hint: tasks ran on threads")
        .contains("prefer(THREADS): tasks ran on threads")
        .contains("prefer(PROCESSES): tasks ran on processes")
        .contains(
            "prefer(PROCESSES) in a ParallelConfig.use(\"threads\") scope: tasks ran on threads")
        .contains(
            "require(SHAREDMEM) in a ParallelConfig.use(\"processes\") scope: tasks ran on threads");
  }

  @Test
  void memoryVerbosePrintsJoblibsLines() throws Exception {
    String[] args = {"memory-verbose", dir.resolve("cache").toString()};
    String out = run(args);
    assertThat(out)
        .contains("call 1: squares of [1.0, 2.0, 3.0] = [1.0, 4.0, 9.0], computed: true")
        .contains("call 2: squares of [1.0, 2.0, 3.0] = [1.0, 4.0, 9.0], computed: false")
        .contains("call 3: squares of [4.0, 5.0] = [16.0, 25.0], computed: true");
    String err = runErr(args); // a second run: every call is a hit now
    assertThat(err)
        .doesNotContain("[Memory] Calling")
        .containsPattern("\\[Memory\\] Loading MemoryVerbose\\.squares from cache \\S+");
  }

  @Test
  void memoryVerboseLinesOfAFirstRun() throws Exception {
    String err = runErr("memory-verbose", dir.resolve("fresh").toString());
    assertThat(
            err.split(
                "\\[Memory\\] Calling dev\\.joblib\\.examples\\.MemoryVerbose\\.squares\\.\\.\\.",
                -1))
        .hasSize(3); // two computations
    assertThat(err)
        .contains("_".repeat(80))
        .contains("MemoryVerbose.squares(")
        .containsPattern("_+MemoryVerbose\\.squares - \\d+\\.\\ds, \\d+\\.\\dmin")
        .containsPattern("\\[Memory\\] Loading MemoryVerbose\\.squares from cache \\S+");
  }
}
