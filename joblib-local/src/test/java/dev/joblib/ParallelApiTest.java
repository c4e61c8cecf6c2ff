package dev.joblib;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.joblib.spi.BackendCall;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.Capability;
import dev.joblib.spi.ParallelBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Backend-independent behaviour of the API: validation, backend choice, verbosity. */
class ParallelApiTest {
  private final Probe probe = Probe.create();

  private List<Task<Integer>> probedTasks() {
    Probe p = probe;
    return IntStream.range(0, 5)
        .mapToObj(i -> delayed(x -> p.mark("ran-" + x) ? x : x, i))
        .collect(Collectors.toList());
  }

  @Test
  void badSettingsFailBeforeAnyTaskRuns() {
    assertThatThrownBy(() -> Parallel.create().nJobs(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nJobs")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> Parallel.create().batchSize(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchSize")
        .hasMessageContaining("-3");
    assertThatThrownBy(() -> Parallel.create().timeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> Parallel.create().verbose(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("verbose");
    assertThatThrownBy(() -> Parallel.create().preDispatch(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("preDispatch");
    assertThatThrownBy(() -> Joblib.delayed((Fn1<Integer, Integer>) null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("fn");
    assertThatThrownBy(() -> Parallel.create().map(List.of(1), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("fn");
    assertThatThrownBy(() -> Parallel.create().run((List<Task<Integer>>) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("tasks");
    assertThat(probe.count("ran-")).isZero();
  }

  @Test
  void unknownBackendNamesWhatIsAvailableAndWhereToFindIt() {
    assertThatThrownBy(() -> Parallel.create().backend("spark").nJobs(2).run(probedTasks()))
        .isInstanceOf(UnknownBackendException.class)
        .hasMessageContaining("'spark'")
        .hasMessageContaining("threads")
        .hasMessageContaining("dev.joblib:joblib-spark");
    assertThatThrownBy(() -> Parallel.create().backend("nope").run(probedTasks()))
        .isInstanceOf(UnknownBackendException.class)
        .hasMessageContaining("'nope'")
        .hasMessageContaining("sequential");
    assertThat(probe.count("ran-")).isZero();
  }

  @Test
  void aNullTaskInTheInputIsNamedByIndex() {
    List<Task<Integer>> tasks = new java.util.ArrayList<>(probedTasks());
    tasks.set(2, null);
    assertThatThrownBy(() -> Parallel.create().nJobs(2).run(tasks))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("index 2");
  }

  @Test
  void requireSharedMemoryForcesThreadsUnderAScope() {
    try (var scope = ParallelConfig.builder().backend("sequential").nJobs(2).open()) {
      // joblib: a scope's backend without shared memory is replaced by threads; sequential has it
      assertThat(
              Parallel.create()
                  .require(Require.SHAREDMEM)
                  .map(List.of(1, 2), x -> TaskContext.current().backend()))
          .containsOnly("sequential");
    }
    assertThat(
            Parallel.create()
                .nJobs(2)
                .require(Require.SHAREDMEM)
                .map(List.of(1, 2), x -> TaskContext.current().backend()))
        .containsOnly("threads");
  }

  @Test
  void conflictingHintsAreRefused() {
    assertThatThrownBy(
            () ->
                Parallel.create()
                    .require(Require.SHAREDMEM)
                    .prefer(Prefer.PROCESSES)
                    .run(probedTasks()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SHAREDMEM");
    assertThat(probe.count("ran-")).isZero();
  }

  @Test
  void preferThreadsPicksThreads() {
    assertThat(
            Parallel.create()
                .nJobs(2)
                .prefer(Prefer.THREADS)
                .map(List.of(1, 2), x -> TaskContext.current().backend()))
        .containsOnly("threads");
  }

  @Test
  void effectiveNJobsHonoursTheOpenScopeAndItsBackend() {
    assertThat(Joblib.effectiveNJobs(1)).isEqualTo(1);
    try (var scope = ParallelConfig.builder().nJobs(3).open()) {
      assertThat(Joblib.effectiveNJobs(2)).isEqualTo(2); // the argument wins, as on a Parallel
    }
    try (var scope = ParallelConfig.use("sequential")) {
      assertThat(Joblib.effectiveNJobs(4)).isEqualTo(1);
      assertThat(Joblib.effectiveNJobs(-1)).isEqualTo(1);
    }
    try (var scope = ParallelConfig.builder().backend(new BrokenEngine()).open()) {
      assertThat(Joblib.effectiveNJobs(-1)).isEqualTo(new BrokenEngine().nJobs());
    }
    try (var scope = ParallelConfig.use("processes")) {
      assertThat(Joblib.effectiveNJobs(-1)).isEqualTo(Joblib.cpuCount());
    }
  }

  @Test
  void negativeNJobsCountBackFromTheCpus() {
    int cpus = Joblib.cpuCount();
    assertThat(Joblib.effectiveNJobs(-1)).isEqualTo(cpus);
    assertThat(Joblib.effectiveNJobs(-2)).isEqualTo(Math.max(cpus - 1, 1));
    assertThat(Joblib.effectiveNJobs(-1000)).isEqualTo(1);
    assertThat(Joblib.effectiveNJobs(3)).isEqualTo(3);
    assertThatThrownBy(() -> Joblib.effectiveNJobs(0)).hasMessageContaining("nJobs");
    assertThat(Joblib.cpuCount(true)).isBetween(1, cpus);
    assertThat(Parallel.create().nJobs(-1).map(List.of(1, 2, 3), x -> x)).containsExactly(1, 2, 3);
  }

  @Test
  void verbosePrintsJoblibProgressLines() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Parallel.create()
          .nJobs(2)
          .verbose(11)
          .map(IntStream.range(0, 100).boxed().collect(Collectors.toList()), x -> x);
    } finally {
      System.setErr(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("[Parallel(n_jobs=2)]: Using backend threads with 2 concurrent workers.")
        .containsPattern("\\[Parallel\\(n_jobs=2\\)\\]: Done +\\d+ out of 100 \\| elapsed: ")
        .contains("Done 100 out of 100 | elapsed: ")
        .contains("finished");
  }

  @Test
  void consoleBarDrawsProgress() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
    Parallel.create()
        .nJobs(2)
        .progress(ProgressListener.consoleBar(out))
        .map(IntStream.range(0, 40).boxed().collect(Collectors.toList()), x -> x);
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("40/40").contains("#");
  }

  @Test
  void tasksOutsideParallelHaveNoContext() {
    assertThatThrownBy(TaskContext::current)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inside a task");
  }

  @Test
  void anUnclosedParallelReleasesItsThreadsWhenIdle() throws InterruptedException {
    Parallel.create().nJobs(2).map(List.of(1, 2, 3, 4), x -> x);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (liveJoblibThreads() > 0 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(100);
    }
    assertThat(liveJoblibThreads()).isZero();
  }

  /**
   * A call refused because another runs on the instance must not touch that call's backend: here
   * the second call's scope asks for another pool size, which would replace the kept pool.
   */
  @Test
  void aRefusedSecondCallLeavesTheRunningCallsBackendAlone() {
    List<Integer> xs = IntStream.range(0, 40).boxed().collect(Collectors.toList());
    try (Parallel p = Parallel.create()) {
      Iterator<Integer> first;
      try (ParallelConfig.Scope two = ParallelConfig.builder().backend("threads").nJobs(2).open()) {
        first =
            p.<Integer>stream(xs.stream().map(i -> delayed(ParallelApiTest::slowIdentity, i)))
                .iterator();
        assertThat(first.next()).isZero();
      }
      try (ParallelConfig.Scope three =
          ParallelConfig.builder().backend("threads").nJobs(3).open()) {
        assertThatThrownBy(() -> p.map(List.of(1, 2), x -> x))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("already running");
      }
      List<Integer> rest = new ArrayList<>();
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> first.forEachRemaining(rest::add));
      assertThat(rest).isEqualTo(xs.subList(1, xs.size()));
    }
  }

  static int slowIdentity(int x) throws InterruptedException {
    Thread.sleep(20);
    return x;
  }

  private static long liveJoblibThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("joblib-threads-") && t.isAlive())
        .count();
  }

  /** A backend whose engine fails every batch it is given, as a lost cluster would. */
  private static final class BrokenEngine implements ParallelBackend {
    @Override
    public String id() {
      return "broken-engine";
    }

    @Override
    public Set<Capability> capabilities() {
      return Set.of(Capability.REMOTE);
    }

    @Override
    public int nJobs() {
      return 2;
    }

    @Override
    public BackendCall startCall(CallInfo info, BatchSink sink) {
      return new BackendCall() {
        @Override
        public void submit(List<Batch> batches) {
          for (Batch batch : batches) {
            sink.accept(
                BatchOutcome.failure(
                    batch,
                    batch.firstIndex(),
                    new BackendFailedException(
                        "broken-engine",
                        "backend 'broken-engine': lost its cluster",
                        new java.net.ConnectException("Connection refused"))));
          }
        }

        @Override
        public void cancel() {}

        @Override
        public void close() {}
      };
    }

    @Override
    public void close() {}
  }

  @Test
  void aBackendReportingItsOwnFailureFailsTheCallWithItNotWithATaskFailure() {
    assertThatThrownBy(
            () -> Parallel.create().backend(new BrokenEngine()).map(List.of(1, 2, 3), x -> x))
        .isExactlyInstanceOf(BackendFailedException.class)
        .hasMessageContaining("lost its cluster")
        .hasRootCauseInstanceOf(java.net.ConnectException.class)
        .satisfies(
            e -> assertThat(((BackendFailedException) e).backend()).isEqualTo("broken-engine"));
  }

  @Test
  void aNestedCallsBackendFailureInsideATaskIsThatTasksFailure() {
    BackendFailedException nested =
        new BackendFailedException("beam", "backend 'beam': the runner failed", null);
    assertThatThrownBy(
            () ->
                Parallel.create()
                    .backend("threads")
                    .nJobs(2)
                    .map(
                        List.of(0, 1, 2, 3),
                        x -> {
                          if (x == 2) {
                            throw nested;
                          }
                          return x;
                        }))
        .isInstanceOf(TaskFailedException.class)
        .satisfies(e -> assertThat(((TaskFailedException) e).taskIndex()).isEqualTo(2))
        .hasCause(nested);
  }

  /** Nests calls {@code levels} deep below the caller, each on two threads at the top. */
  private static int nest(int levels) {
    if (levels == 0) {
      return 0;
    }
    return Parallel.create().nJobs(2).map(List.of(levels - 1), ParallelApiTest::nest).get(0) + 1;
  }

  @Test
  void callsNestedDeeperThanTheLimitAreRefusedWithOneDepthErrorUnderTheTopTask() {
    String previous = System.setProperty(NestingDepthException.LIMIT_PROPERTY, "3");
    try {
      assertThat(nest(3)).isEqualTo(3);
      assertThatThrownBy(() -> nest(4))
          .isExactlyInstanceOf(TaskFailedException.class)
          .cause() // the levels between pass the depth error up as it is
          .isExactlyInstanceOf(NestingDepthException.class)
          .hasMessageContaining("Parallel calls nested 4 deep inside tasks (limit 3")
          .hasNoCause()
          .satisfies(e -> assertThat(((NestingDepthException) e).depth()).isEqualTo(4));
      System.setProperty(NestingDepthException.LIMIT_PROPERTY, "none");
      assertThatThrownBy(() -> nest(1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(NestingDepthException.LIMIT_PROPERTY)
          .hasMessageContaining("none");
    } finally {
      if (previous == null) {
        System.clearProperty(NestingDepthException.LIMIT_PROPERTY);
      } else {
        System.setProperty(NestingDepthException.LIMIT_PROPERTY, previous);
      }
    }
    assertThat(nest(10)).isEqualTo(10);
  }
}
