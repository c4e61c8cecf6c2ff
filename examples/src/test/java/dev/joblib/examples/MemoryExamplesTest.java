package dev.joblib.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the Memory example jobs and checks what they print. */
class MemoryExamplesTest {
  @TempDir Path dir;

  interface Main {
    void run(String[] args) throws Exception;
  }

  static String capture(Main main, String... args) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      main.run(args);
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theSecondRunOfACachedFunctionInsideParallelComputesNothing() throws Exception {
    Path location = dir.resolve("cache");
    String out = capture(CachedParallel::main, location.toString());

    assertThat(out)
        .containsPattern("first run: 10 results, 10 computed in \\d+\\.\\d+ s")
        .containsPattern("second run: 10 results, 0 computed in \\d+\\.\\d+ s")
        .contains("same results: true");
    assertThat(Files.exists(location.resolve("joblib"))).isTrue();

    String again = capture(CachedParallel::main, location.toString());
    assertThat(again).containsPattern("first run: 10 results, 0 computed");
  }

  @Test
  void theGridSearchReRunComputesOnlyTheTwoNewPoints() throws Exception {
    String out = capture(GridSearchMemory::main);

    assertThat(out)
        .contains("run 1: 6 grid points, 6 computed, best c=1.0 gamma=0.1 score=0.950")
        .contains("run 2: 8 grid points, 2 computed, best c=1.0 gamma=0.1 score=0.950");
  }

  @Test
  void theGridSearchRunsUnchangedOnSparkWithTheSameCache() throws Exception {
    String location = dir.resolve("grid-cache").toUri().toString();
    String out = capture(GridSearchMemory::main, "--backend", "spark", "--location", location);

    assertThat(out)
        .contains("run 1: 6 grid points, 6 computed, best c=1.0 gamma=0.1 score=0.950")
        .contains("run 2: 8 grid points, 2 computed, best c=1.0 gamma=0.1 score=0.950");
    String again = capture(GridSearchMemory::main, "--location", location);
    assertThat(again).contains("run 2: 8 grid points, 0 computed");
  }
}
