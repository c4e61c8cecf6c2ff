package dev.joblib.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the threads-vs-processes job and checks what it prints. */
class ThreadsVsProcessesTest {
  @Test
  void sameEstimatesOnBothBackendsAndACrashIsIsolated() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ThreadsVsProcesses.main(new String[] {"200000"});
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("run_mcmc, 8 chains of 200000 steps")
        .contains("same estimates on both backends: true")
        .contains("processes: task 3 killed its worker (exit code 66); the caller lives on")
        .contains("the next call on the same pool works: [0, 1, 4, 9, 16, 25, 36, 49]");
  }
}
