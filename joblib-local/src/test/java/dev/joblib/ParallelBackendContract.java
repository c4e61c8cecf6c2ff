package dev.joblib;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.joblib.internal.BackendRegistry;
import dev.joblib.spi.BackendCall;
import dev.joblib.spi.BackendSpec;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.Capability;
import dev.joblib.spi.ParallelBackend;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link ParallelBackend} must honour. A backend's test subclasses this and names its
 * backend; the suite then runs each behaviour through the public API ({@link Parallel}).
 *
 * <p>Tasks here only capture serializable values and count what ran with a {@link Probe} (files),
 * so the suite works for backends whose tasks run in other JVMs of this machine.
 *
 * <p>Tests that need a capability carry a tag: {@code incremental} ({@link
 * Capability#INCREMENTAL_RESULTS}). A backend without the capability skips them by the capability
 * check below, so skipping is never silent: the reason is the declared capability set.
 */
@Timeout(120)
public abstract class ParallelBackendContract {

  /** The id of the backend under test, as registered with ServiceLoader. */
  protected abstract String backendId();

  /** A {@code Parallel} on the backend under test; override to pass options or an instance. */
  protected Parallel parallel(int nJobs) {
    return Parallel.create().backend(backendId()).nJobs(nJobs);
  }

  /** The backend the tasks' own Parallel calls run on. */
  protected String expectedNestedBackend() {
    return "sequential";
  }

  /** The number of workers the parallel tests use. */
  protected int workers() {
    return 2;
  }

  /**
   * The timeout of the timeout tests: a task far shorter than it must not time out, one far longer
   * must. 1 s by default; a backend whose batches count a remote round trip from their reported
   * start (a Spark Connect execution, an executor JVM) returns more, so a loaded machine cannot
   * time out the short task.
   */
  protected Duration shortTimeout() {
    return Duration.ofSeconds(1);
  }

  /** The backend's declared capabilities. */
  protected Set<Capability> capabilities() {
    try (ParallelBackend backend =
        BackendRegistry.provider(backendId()).create(new BackendSpec(workers(), Map.of(), 0))) {
      return backend.capabilities();
    }
  }

  /** The backend id reported by tasks and failures; sequential when nJobs resolves to 1. */
  private String idFor(int nJobs) {
    return nJobs == 1 ? "sequential" : backendId();
  }

  // --- results and ordering ---------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void mapReturnsResultsInInputOrder(int nJobs) {
    List<Integer> xs = IntStream.range(0, 200).boxed().collect(Collectors.toList());
    List<Integer> doubled = parallel(nJobs).map(xs, ParallelBackendContract::slowDouble);
    assertThat(doubled).isEqualTo(xs.stream().map(x -> 2 * x).collect(Collectors.toList()));
  }

  @Test
  void runAcceptsTasksOfEveryArityFromStreamsAndIterables() {
    List<Task<Integer>> tasks =
        List.of(
            delayed(() -> 1),
            delayed(a -> a + 1, 1),
            delayed((a, b) -> a + b, 1, 2),
            delayed((a, b, c) -> a + b + c, 1, 2, 1),
            delayed((a, b, c, d) -> a + b + c + d, 1, 1, 1, 2));
    assertThat(parallel(workers()).run(tasks)).containsExactly(1, 2, 3, 4, 5);
    assertThat(parallel(workers()).run(tasks.stream())).containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void emptyInputGivesEmptyResults() {
    assertThat(parallel(workers()).run(List.<Task<String>>of())).isEmpty();
    try (Stream<Object> s = parallel(workers()).stream(Stream.<Task<Object>>empty())) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void nullResultsAreKept() {
    List<String> results = parallel(workers()).map(List.of(1, 2, 3), x -> x == 2 ? null : "v" + x);
    assertThat(results).containsExactly("v1", null, "v3");
  }

  @Test
  void manyTinyTasksAllComeBackInOrder() {
    List<Integer> xs = IntStream.range(0, 100_000).boxed().collect(Collectors.toList());
    List<Integer> squares = parallel(workers()).map(xs, x -> x * x);
    assertThat(squares).hasSize(100_000);
    for (int i = 0; i < squares.size(); i += 997) {
      assertThat(squares.get(i)).isEqualTo(i * i);
    }
  }

  @Test
  void fixedBatchSizeKeepsOrder() {
    List<Integer> xs = IntStream.range(0, 500).boxed().collect(Collectors.toList());
    assertThat(parallel(workers()).batchSize(7).map(xs, x -> x + 1))
        .isEqualTo(xs.stream().map(x -> x + 1).collect(Collectors.toList()));
  }

  @Test
  void anyPreDispatchWindowKeepsOrder() {
    List<Integer> xs = IntStream.range(0, 48).boxed().collect(Collectors.toList());
    List<Integer> expected = xs.stream().map(x -> x + 1).collect(Collectors.toList());
    assertThat(parallel(workers()).preDispatch("8*n_jobs").map(xs, x -> x + 1)).isEqualTo(expected);
    assertThat(parallel(workers()).batchSize(3).preDispatch("all").map(xs, x -> x + 1))
        .isEqualTo(expected);
  }

  // --- failures -----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void failureCarriesTaskIndexBackendAndOriginalCause(int nJobs) {
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () -> parallel(nJobs).map(range(20), ParallelBackendContract::failAtSeven));
    assertThat(e.taskIndex()).isEqualTo(7);
    assertThat(e.backend()).isEqualTo(idFor(nJobs));
    assertThat(e.getCause()).isInstanceOf(ContractFailure.class).hasMessage("boom at 7");
    assertThat(e.getMessage()).contains("Task 7").contains(idFor(nJobs));
  }

  @Test
  void inJvmBackendsThrowTheVeryExceptionObject() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        capabilities().contains(Capability.SHARED_MEMORY), "tasks run in other JVMs");
    RuntimeException boom = new IllegalStateException("the same object");
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                parallel(workers())
                    .map(
                        range(10),
                        x -> {
                          if (x == 3) {
                            throw boom;
                          }
                          return x;
                        }));
    assertThat(e.getCause()).isSameAs(boom);
  }

  @Test
  void checkedExceptionsArriveAsTheCause() {
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                parallel(workers())
                    .run(List.of(delayed(ParallelBackendContract::throwIo, "disk full"))));
    assertThat(e.getCause()).isInstanceOf(IOException.class).hasMessage("disk full");
    assertThat(e.taskIndex()).isZero();
  }

  @Test
  void earlyFailureStopsMostOfTheRemainingTasks() throws InterruptedException {
    Probe probe = Probe.create();
    int n = 400;
    assertThatThrownBy(
            () ->
                parallel(workers())
                    .map(
                        range(n),
                        i -> {
                          probe.mark("ran-" + i);
                          try {
                            if (i == 3) {
                              throw new ContractFailure("early failure");
                            }
                            Thread.sleep(50);
                            return i;
                          } finally {
                            probe.mark("left-" + i);
                          }
                        }))
        .isInstanceOf(TaskFailedException.class)
        .hasCauseInstanceOf(ContractFailure.class);
    // anything still running after the call returned shows up once every started task has left
    awaitNoTaskRunning(probe);
    assertThat(probe.count("ran-")).isLessThan(n / 4);
  }

  @Test
  void failureInTheTaskInputIsRethrown() {
    Iterator<Task<Integer>> broken =
        new Iterator<>() {
          int i;

          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Task<Integer> next() {
            if (i == 5) {
              throw new IllegalStateException("input broke at 5");
            }
            return delayed(x -> x, i++);
          }
        };
    Iterable<Task<Integer>> input = () -> broken;
    assertThatThrownBy(() -> parallel(workers()).run(input))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("input broke at 5");
  }

  // --- laziness and streams -----------------------------------------------------------------

  @Test
  void streamReadsTheInputLazily() {
    AtomicInteger produced = new AtomicInteger();
    Stream<Task<Integer>> endless =
        Stream.iterate(0, i -> i + 1)
            .map(
                i -> {
                  produced.incrementAndGet();
                  return delayed(x -> x * 3, i);
                });
    List<Integer> first;
    try (Stream<Integer> results = parallel(workers()).stream(endless)) {
      first = results.limit(10).collect(Collectors.toList());
    }
    assertThat(first).containsExactly(0, 3, 6, 9, 12, 15, 18, 21, 24, 27);
    assertThat(produced.get()).isLessThan(5_000);
  }

  @Test
  void aSlowHeadOfLineDoesNotMakeAStreamReadAhead() {
    AtomicInteger produced = new AtomicInteger();
    Stream<Task<Integer>> endless =
        Stream.iterate(0, i -> i + 1)
            .map(
                i -> {
                  produced.incrementAndGet();
                  return delayed(ParallelBackendContract::sleepThenReturn, i == 0 ? 1_000 : 0, i);
                });
    try (Stream<Integer> results = parallel(workers()).stream(endless)) {
      assertThat(results.limit(3).collect(Collectors.toList())).containsExactly(0, 1, 2);
    }
    assertThat(produced.get()).isLessThan(5_000);
  }

  @Test
  void preDispatchBoundsTheTasksReadAheadOfTheCompletedOnes() {
    Probe probe = Probe.create();
    AtomicInteger produced = new AtomicInteger();
    Stream<Task<Integer>> endless =
        Stream.iterate(0, i -> i + 1)
            .map(
                i -> {
                  produced.incrementAndGet();
                  return delayed(
                      x -> {
                        probe.mark("done-" + x);
                        return x;
                      },
                      i);
                });
    try (Stream<Integer> results =
        parallel(workers()).batchSize(1).preDispatch("n_jobs").stream(endless)) {
      assertThat(results.findFirst()).contains(0);
      // completions free the window again, so only the tasks read beyond the completed ones are
      // bounded: the window, one batch per worker to keep them busy, one refill per completion
      long read = produced.get();
      assertThat(read).isLessThanOrEqualTo(probe.count("done-") + 4 * workers() + 2);
    }
  }

  /**
   * With one job joblib runs the input lazily one task at a time: produce task 0, run it, hand out
   * its result, produce task 1, ... (its sequential path); so does every backend here when the
   * effective nJobs is 1, with a batch size of 1 or automatic batching.
   */
  @ParameterizedTest
  @ValueSource(strings = {"run", "run-batchSize-1", "stream", "stream-batchSize-1"})
  void oneJobReadsTheNextTaskOnlyAfterThePreviousOneRan(String how) {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    Iterator<Task<Integer>> input =
        new Iterator<>() {
          int i;

          @Override
          public boolean hasNext() {
            return i < 4;
          }

          @Override
          public Task<Integer> next() {
            log.add("produced-" + i);
            return delayed(
                x -> {
                  log.add("ran-" + x);
                  return x;
                },
                i++);
          }
        };
    Iterable<Task<Integer>> tasks = () -> input;
    Parallel p = how.endsWith("batchSize-1") ? parallel(1).batchSize(1) : parallel(1);
    List<String> expected = new ArrayList<>();
    if (how.startsWith("run")) {
      assertThat(p.run(tasks)).containsExactly(0, 1, 2, 3);
      for (int i = 0; i < 4; i++) {
        expected.addAll(List.of("produced-" + i, "ran-" + i));
      }
    } else {
      try (Stream<Integer> results = p.stream(tasks)) {
        results.forEach(x -> log.add("got-" + x));
      }
      for (int i = 0; i < 4; i++) {
        expected.addAll(List.of("produced-" + i, "ran-" + i, "got-" + i));
      }
    }
    assertThat(log).isEqualTo(expected);
  }

  @Test
  void orderedStreamGivesEveryResultInInputOrder() {
    try (Stream<Integer> results =
        parallel(workers()).stream(range(300).stream().map(i -> delayed(x -> x - 1, i)))) {
      assertThat(results.collect(Collectors.toList()))
          .isEqualTo(range(300).stream().map(x -> x - 1).collect(Collectors.toList()));
    }
  }

  @Test
  void unorderedStreamGivesEveryResultOnce() {
    try (Stream<Integer> results =
        parallel(workers())
            .streamUnordered(
                range(300).stream().map(i -> delayed(ParallelBackendContract::slowDouble, i)))) {
      List<Integer> all = results.collect(Collectors.toList());
      assertThat(all).hasSize(300);
      assertThat(new HashSet<>(all))
          .isEqualTo(range(300).stream().map(x -> 2 * x).collect(Collectors.toSet()));
    }
  }

  @Test
  @Tag("incremental")
  void unorderedStreamDoesNotWaitForASlowFirstTask() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        capabilities().contains(Capability.INCREMENTAL_RESULTS), "results arrive all at once");
    Probe probe = Probe.create();
    List<Task<Integer>> tasks = new ArrayList<>();
    // the first task finishes only once the test has read a result, however slow the machine
    tasks.add(delayed(x -> awaitMarkThenReturn(probe, "first-read", x), -1));
    for (int i = 0; i < 20; i++) {
      tasks.add(delayed(ParallelBackendContract::sleepThenReturn, 10, i));
    }
    try (Stream<Integer> results = parallel(workers()).batchSize(1).streamUnordered(tasks)) {
      assertThat(results.findFirst()).isPresent().get().isNotEqualTo(-1);
      probe.mark("first-read");
    }
  }

  @Test
  @Tag("incremental")
  void orderedStreamDeliversEarlyResultsBeforeTheCallEnds() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        capabilities().contains(Capability.INCREMENTAL_RESULTS), "results arrive all at once");
    Probe probe = Probe.create();
    Stream<Task<Integer>> tasks =
        range(40).stream()
            .map(
                i ->
                    delayed(
                        x -> {
                          // all but the first finish only once the test has read the first
                          int value = x == 0 ? x : awaitMarkThenReturn(probe, "first-read", x);
                          probe.mark("done-" + x);
                          return value;
                        },
                        i));
    try (Stream<Integer> results = parallel(workers()).batchSize(1).stream(tasks)) {
      assertThat(results.findFirst()).contains(0);
      assertThat(probe.count("done-")).isLessThan(40);
      probe.mark("first-read");
    }
  }

  @Test
  void closingAStreamEarlyEndsTheCallAndFreesTheInstance() {
    try (Parallel p = parallel(workers())) {
      try (Stream<Integer> results = p.stream(range(1000).stream().map(i -> delayed(x -> x, i)))) {
        assertThat(results.findFirst()).contains(0);
      }
      assertThat(p.map(List.of(1, 2), x -> x + 1)).containsExactly(2, 3);
    }
  }

  // --- closing a Parallel while a call runs ----------------------------------------------------

  /**
   * Closing the instance ends the open call, like joblib's {@code with Parallel(...)} exit: no
   * exception from {@code close()}, the abandoned iterator then fails with a {@link
   * CancellationException} (it never ends silently as if every result had been seen), and the
   * instance serves the next call.
   */
  @Test
  void closingAParallelWithAnOpenStreamCancelsTheCall() {
    Parallel p = parallel(workers());
    Iterator<Integer> open;
    try (p) {
      open = p.stream(range(1000).stream().map(i -> delayed(x -> x, i))).iterator();
      assertThat(open.next()).isZero();
    }
    assertThatThrownBy(open::hasNext)
        .isInstanceOf(CancellationException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(open::next).isInstanceOf(CancellationException.class);
    try (p) {
      assertThat(p.map(List.of(1, 2), x -> x + 1)).containsExactly(2, 3);
    }
  }

  /**
   * A blocking {@code run} in one thread, {@code close()} in another: the run ends promptly with a
   * {@link CancellationException}, and tasks running in this JVM are interrupted.
   */
  @Test
  void closingAParallelFromAnotherThreadCancelsARunningCall() throws InterruptedException {
    Probe probe = Probe.create();
    Parallel p = parallel(workers());
    List<Task<Integer>> tasks =
        range(2 * workers()).stream()
            .map(i -> delayed(x -> markThenSleepRecordingInterrupt(probe, x), i))
            .collect(Collectors.toList());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                p.run(tasks);
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "contract-run");
    caller.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (probe.count("sleeping-") == 0 && System.nanoTime() < deadline) {
      pause();
    }
    assertThat(probe.count("sleeping-")).as("a task started").isPositive();
    long start = System.nanoTime();
    p.close();
    caller.join(TimeUnit.SECONDS.toMillis(45));
    assertThat(caller.isAlive()).as("run() still blocked after close()").isFalse();
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(45_000);
    assertThat(failure.get())
        .isInstanceOf(CancellationException.class)
        .hasMessageContaining("closed");
    assertThat(probe.count("finished-")).isZero();
    if (capabilities().contains(Capability.SHARED_MEMORY)) {
      awaitMark(probe, "interrupted-" + firstSleeping(probe));
    }
  }

  // --- timeout --------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void timeoutInterruptsASleepingTaskAndFailsTheCall(int nJobs) {
    Probe probe = Probe.create();
    // warm the backend (worker JVMs, executors) so that nothing here depends on how loaded the
    // machine is; the timeout clock itself starts only when a batch really starts
    assertThat(parallel(nJobs).map(range(2 * nJobs), x -> x)).hasSize(2 * nJobs);
    Duration timeout = shortTimeout();
    long start = System.nanoTime();
    TaskTimeoutException e =
        catchThrowableOfType(
            TaskTimeoutException.class,
            () ->
                parallel(nJobs)
                    .timeout(timeout)
                    .run(
                        List.of(
                            delayed(ParallelBackendContract::sleepThenReturn, 1, 0),
                            delayed(x -> sleepRecordingInterrupt(probe, x), 1))));
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(e.taskIndex()).isEqualTo(1);
    assertThat(e.backend()).isEqualTo(idFor(nJobs));
    assertThat(e.timeout()).isEqualTo(timeout);
    assertThat(probe.saw("finished-1")).isFalse();
    // the task sleeps for 60 s: returning long before that shows it was stopped
    assertThat(elapsedMillis).isLessThan(30_000);
    if (capabilities().contains(Capability.SHARED_MEMORY)) {
      awaitMark(probe, "interrupted-1"); // in this JVM the sleeping task saw the interrupt
    }
  }

  /**
   * The timeout clock of a batch starts when the backend reports it started ({@link
   * BatchSink#started}), so a backend that times nothing itself must report every batch, before its
   * outcome.
   */
  @Test
  void everyBatchIsReportedStartedBeforeItsOutcome() throws Exception {
    Assumptions.assumeFalse(
        capabilities().contains(Capability.TIMEOUT), "the backend applies timeouts itself");
    assertEveryBatchStartsBeforeItsOutcome(backendId(), workers(), 4);
  }

  /**
   * Runs {@code batchCount} one-task batches straight through the SPI of the backend {@code
   * backendId} and checks that it reported every batch started, and before that batch's outcome.
   * Public so a backend's own tests can run it under conditions only they can set up.
   */
  public static void assertEveryBatchStartsBeforeItsOutcome(
      String backendId, int workers, int batchCount) throws InterruptedException {
    List<Batch> batches = new ArrayList<>();
    for (int i = 0; i < batchCount; i++) {
      batches.add(new Batch(i, i, List.of(delayed(x -> x * 10, i)), 0, backendId, "sequential", 1));
    }
    ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    CountDownLatch outcomes = new CountDownLatch(batches.size());
    BatchSink sink =
        new BatchSink() {
          @Override
          public void started(Batch batch) {
            events.add("started-" + batch.sequence());
          }

          @Override
          public void accept(BatchOutcome outcome) {
            events.add((outcome.succeeded() ? "done-" : "failed-") + outcome.sequence());
            outcomes.countDown();
          }
        };
    try (ParallelBackend backend =
            BackendRegistry.provider(backendId).create(new BackendSpec(workers, Map.of(), 0));
        BackendCall call =
            backend.startCall(
                new CallInfo("contract-starts", Optional.empty(), OptionalLong.of(batchCount), 0),
                sink)) {
      call.submit(batches);
      assertThat(outcomes.await(60, TimeUnit.SECONDS)).as("all outcomes arrived").isTrue();
    }
    List<String> seen = new ArrayList<>(events);
    for (int i = 0; i < batches.size(); i++) {
      assertThat(seen).contains("started-" + i, "done-" + i);
      assertThat(seen.indexOf("started-" + i))
          .as("batch %d's start comes before its outcome in %s", i, seen)
          .isLessThan(seen.indexOf("done-" + i));
    }
  }

  private static void awaitMark(Probe probe, String event) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!probe.saw(event) && System.nanoTime() < deadline) {
      pause();
    }
    assertThat(probe.saw(event)).as(event).isTrue();
  }

  /**
   * Waits until no task is running any more: every task marked "ran-" has marked "left-", or, where
   * a cancel kills the worker mid-task (so "left-" never comes), no task has started for 3 s. A
   * condition, not a time: a loaded machine only makes it slower.
   */
  private static void awaitNoTaskRunning(Probe probe) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long previous = -1;
    long unchangedSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long ran = probe.count("ran-");
      if (ran != previous) {
        unchangedSince = System.nanoTime();
      } else if (ran == probe.count("left-")
          || System.nanoTime() - unchangedSince > TimeUnit.SECONDS.toNanos(3)) {
        return;
      }
      previous = ran;
      pause();
    }
    throw new AssertionError("tasks kept starting for 60 s after the call failed");
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }

  // --- seeds and task context ---------------------------------------------------------------

  @Test
  void seededRandomNumbersDoNotDependOnNJobsOrBatching() {
    List<Integer> xs = range(64);
    List<Long> one = parallel(1).seed(42).map(xs, ParallelBackendContract::draw);
    List<Long> two = parallel(workers()).seed(42).map(xs, ParallelBackendContract::draw);
    List<Long> batched =
        parallel(workers()).seed(42).batchSize(5).map(xs, ParallelBackendContract::draw);
    List<Long> reference =
        Parallel.create().backend("sequential").seed(42).map(xs, ParallelBackendContract::draw);
    assertThat(two).isEqualTo(one).isEqualTo(batched).isEqualTo(reference);
    assertThat(new HashSet<>(two)).hasSize(64);
    assertThat(parallel(workers()).seed(43).map(xs, ParallelBackendContract::draw))
        .isNotEqualTo(two);
  }

  @Test
  void unseededCallsGiveEveryTaskItsOwnStream() {
    List<Long> draws = parallel(workers()).map(range(64), ParallelBackendContract::draw);
    assertThat(new HashSet<>(draws)).hasSize(64);
  }

  @Test
  void taskContextKnowsIndexAndBackend() {
    List<String> seen =
        parallel(workers())
            .map(
                range(30),
                x -> TaskContext.current().taskIndex() + "@" + TaskContext.current().backend());
    assertThat(seen)
        .isEqualTo(range(30).stream().map(i -> i + "@" + backendId()).collect(Collectors.toList()));
  }

  // --- nesting, scopes, reuse ---------------------------------------------------------------

  @Test
  void nestedParallelRunsOnTheNestedBackend() {
    List<List<String>> inner =
        parallel(workers())
            .map(
                range(4),
                x ->
                    Parallel.create()
                        .nJobs(2)
                        .map(List.of(x, x + 10), y -> y + ":" + TaskContext.current().backend()));
    String nested = expectedNestedBackend();
    assertThat(inner.get(3)).containsExactly("3:" + nested, "13:" + nested);
  }

  @Test
  void aScopeSelectsThisBackendAndIsRestoredOnClose() {
    try (var outer = ParallelConfig.use("sequential")) {
      try (var scope = ParallelConfig.builder().backend(backendId()).nJobs(workers()).open()) {
        assertThat(Parallel.create().map(range(4), x -> TaskContext.current().backend()))
            .containsOnly(backendId());
      }
      assertThat(Parallel.create().nJobs(2).map(range(4), x -> TaskContext.current().backend()))
          .containsOnly("sequential");
    }
  }

  @Test
  void anInstanceServesSeveralCallsButOneAtATime() {
    try (Parallel p = parallel(workers())) {
      assertThat(p.map(range(10), x -> x + 1)).hasSize(10);
      try (Stream<Integer> open = p.stream(range(100).stream().map(i -> delayed(x -> x, i)))) {
        assertThat(open.findFirst()).contains(0);
        // findFirst consumed one element only: the call is still running
      }
      Stream<Integer> running = p.stream(range(100).stream().map(i -> delayed(x -> x, i)));
      assertThat(running.iterator().next()).isZero();
      assertThatThrownBy(() -> p.map(range(3), x -> x))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already running");
      running.close();
      assertThat(p.map(range(3), x -> x * 2)).containsExactly(0, 2, 4);
    }
  }

  @Test
  void progressListenerSeesEveryTask() {
    List<ProgressEvent> events = new ArrayList<>();
    parallel(workers()).progress(events::add).map(range(50), x -> x);
    ProgressEvent last = events.get(events.size() - 1);
    assertThat(last.finished()).isTrue();
    assertThat(last.done()).isEqualTo(50);
    assertThat(last.total()).hasValue(50);
  }

  // --- task functions (static, so lambdas capture nothing unserializable) ---------------------

  static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  static int slowDouble(int x) throws InterruptedException {
    if (x % 50 == 0) {
      Thread.sleep(5);
    }
    return 2 * x;
  }

  static int failAtSeven(int x) {
    if (x == 7) {
      throw new ContractFailure("boom at " + x);
    }
    return x;
  }

  static String throwIo(String message) throws IOException {
    throw new IOException(message);
  }

  static int sleepThenReturn(int millis, int value) throws InterruptedException {
    Thread.sleep(millis);
    return value;
  }

  static int awaitMarkThenReturn(Probe probe, String event, int value) {
    awaitMark(probe, event);
    return value;
  }

  static int sleepRecordingInterrupt(Probe probe, int index) {
    try {
      Thread.sleep(60_000);
      probe.mark("finished-" + index);
    } catch (InterruptedException e) {
      probe.mark("interrupted-" + index);
      Thread.currentThread().interrupt();
    }
    return index;
  }

  static int markThenSleepRecordingInterrupt(Probe probe, int index) {
    probe.mark("sleeping-" + index);
    return sleepRecordingInterrupt(probe, index);
  }

  /** The index of a task that marked "sleeping-". */
  private static int firstSleeping(Probe probe) {
    for (int i = 0; ; i++) {
      if (probe.saw("sleeping-" + i)) {
        return i;
      }
    }
  }

  static long draw(int x) {
    return TaskContext.current().random().nextLong();
  }

  /** A task's own exception type, to check that the cause keeps its type. */
  public static final class ContractFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ContractFailure(String message) {
      super(message);
    }
  }
}
