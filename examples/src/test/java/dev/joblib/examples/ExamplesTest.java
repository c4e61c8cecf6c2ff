package dev.joblib.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs each example job through the launcher and checks what it prints. */
class ExamplesTest {
  static String run(String... args) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Examples.main(args);
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
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
}
