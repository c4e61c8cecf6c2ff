package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code Parallel} calls made inside tasks (joblib's nested parallelism): on which threads they
 * run, and the thread limits {@code ParallelConfig.Builder.innerMaxNumThreads} sets for workers.
 */
class NestedCallsTest {
  private static final List<String> THREAD_VARIABLES =
      List.of(
          "OMP_NUM_THREADS",
          "OPENBLAS_NUM_THREADS",
          "MKL_NUM_THREADS",
          "BLIS_NUM_THREADS",
          "VECLIB_MAXIMUM_THREADS",
          "NUMEXPR_NUM_THREADS",
          "NUMBA_NUM_THREADS");

  /**
   * Runs two tasks in a call with {@code nJobs} made inside the current task; returns on how many
   * threads they ran at the same time (1 when the inner call runs sequentially).
   */
  static int innerThreads(int nJobs) {
    CountDownLatch both = new CountDownLatch(2);
    List<String> seen =
        Parallel.create()
            .nJobs(nJobs)
            .batchSize(1)
            .map(
                List.of(0, 1),
                y -> {
                  if ("sequential".equals(TaskContext.current().backend())) {
                    return ""; // one task at a time: waiting for the other would be in vain
                  }
                  both.countDown();
                  // a generous wait: a loaded machine may start the second task late
                  return both.await(60, TimeUnit.SECONDS) ? Thread.currentThread().getName() : "";
                });
    return seen.contains("") ? 1 : new HashSet<>(seen).size();
  }

  /** The worker's thread-limit variables, as "NAME=value ...". */
  static String threadVariables() {
    return THREAD_VARIABLES.stream()
        .map(name -> name + "=" + System.getenv(name))
        .collect(Collectors.joining(" "));
  }

  private static String expectedVariables(String value) {
    return THREAD_VARIABLES.stream()
        .map(name -> name + "=" + (value != null ? value : System.getenv(name)))
        .collect(Collectors.joining(" "));
  }

  private static List<Integer> innerThreadsIn(String backend, int innerNJobs) {
    return Parallel.create()
        .backend(backend)
        .nJobs(2)
        .map(List.of(0, 1), x -> innerThreads(innerNJobs));
  }

  @Test
  void insideAProcessesTaskACallGetsItsNJobsUpToInnerMaxNumThreads() {
    try (var scope = ParallelConfig.builder().innerMaxNumThreads(2).open()) {
      assertThat(innerThreadsIn("processes", 2)).containsExactly(2, 2);
      assertThat(innerThreadsIn("processes", 3)).containsExactly(2, 2);
    }
    try (var scope = ParallelConfig.builder().innerMaxNumThreads(1).open()) {
      assertThat(innerThreadsIn("processes", 2)).containsExactly(1, 1);
    }
    // joblib: without a limit, the inner call's nJobs is honoured on threads
    assertThat(innerThreadsIn("processes", 2)).containsExactly(2, 2);
  }

  @Test
  void insideAThreadsTaskACallIsSequentialUnlessInnerMaxNumThreadsIsSet() {
    assertThat(innerThreadsIn("threads", 2)).containsExactly(1, 1);
    try (var scope = ParallelConfig.builder().innerMaxNumThreads(2).open()) {
      assertThat(innerThreadsIn("threads", 2)).containsExactly(2, 2);
      assertThat(innerThreadsIn("threads", 4)).containsExactly(2, 2);
      assertThat(
              Parallel.create()
                  .backend("threads")
                  .nJobs(2)
                  .map(
                      List.of(0),
                      x ->
                          Parallel.create()
                              .nJobs(2)
                              .map(List.of(0), y -> innerThreads(2)) // level 2: sequential
                              .get(0)))
          .containsExactly(1);
    }
  }

  @Test
  void processesWorkersGetTheThreadVariablesOfInnerMaxNumThreads() {
    try (var scope = ParallelConfig.builder().innerMaxNumThreads(3).open()) {
      assertThat(
              Parallel.create()
                  .backend("processes")
                  .nJobs(2)
                  .map(List.of(0, 1), x -> threadVariables()))
          .containsOnly(expectedVariables("3"));
    }
    String share = String.valueOf(Math.max(1, Joblib.cpuCount() / 2));
    String unset =
        THREAD_VARIABLES.stream()
            .map(name -> name + "=" + (System.getenv(name) != null ? System.getenv(name) : share))
            .collect(Collectors.joining(" "));
    assertThat(
            Parallel.create()
                .backend("processes")
                .nJobs(2)
                .map(List.of(0, 1), x -> threadVariables()))
        .containsOnly(unset);
  }

  @Test
  void effectiveNJobsInsideATaskIsWhatACallThereWouldGet() {
    assertThat(
            Parallel.create()
                .backend("threads")
                .nJobs(2)
                .map(List.of(0), x -> Joblib.effectiveNJobs(4)))
        .containsExactly(1);
    try (var scope = ParallelConfig.builder().innerMaxNumThreads(2).open()) {
      assertThat(
              Parallel.create()
                  .backend("processes")
                  .nJobs(2)
                  .map(List.of(0), x -> Joblib.effectiveNJobs(4)))
          .containsExactly(2);
    }
  }
}
