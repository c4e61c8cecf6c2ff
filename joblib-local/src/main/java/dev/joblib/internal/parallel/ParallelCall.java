package dev.joblib.internal.parallel;

import dev.joblib.BackendFailedException;
import dev.joblib.JoblibException;
import dev.joblib.NestingDepthException;
import dev.joblib.ProgressEvent;
import dev.joblib.Task;
import dev.joblib.TaskFailedException;
import dev.joblib.TaskTimeoutException;
import dev.joblib.internal.Watchdog;
import dev.joblib.spi.BackendCall;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.Capability;
import dev.joblib.spi.DispatchPolicy;
import dev.joblib.spi.ParallelBackend;
import dev.joblib.spi.SerializationCheck;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One run of a {@code Parallel}: reads the tasks lazily, batches them, feeds the backend, and hands
 * out the results in input order (or completion order), failing fast on the first error.
 *
 * <p>All state is owned by the thread that iterates, one at a time ({@link CallHandle} sees to
 * that); backends only add to {@link #events}, the timeout {@link Watchdog} reads {@link #pending},
 * and {@link #stop()} may come from any thread.
 */
final class ParallelCall<R> implements Iterator<R>, AutoCloseable {
  /** Wakes the iterating thread after {@link #stop()}. */
  private static final Object WAKE = new Object();

  /** A batch that ran longer than the timeout; queued by the watchdog. */
  private record TimedOut(int firstIndex) {}

  private final CallPlan plan;
  private final TaskFeed feed;
  private final OptionalLong total;
  private final boolean ordered;
  private final Runnable onFinish;
  private final ParallelBackend backend;
  private final DispatchPolicy policy;
  private final boolean inJvm;
  private final AutoBatcher batcher;
  private final VerboseReporter reporter;
  private final long startNanos = System.nanoTime();

  private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final ConcurrentSkipListMap<Integer, PendingBatch> pending =
      new ConcurrentSkipListMap<>();
  private final TreeMap<Integer, BatchOutcome> inOrder = new TreeMap<>();
  private final ArrayDeque<BatchOutcome> inCompletionOrder = new ArrayDeque<>();

  private volatile BackendCall call;
  private volatile boolean stopped;
  private boolean endedByStop;
  private Watchdog.Registration watchdog;
  private int nextIndex;
  private int nextSequence;
  private int nextToYield;
  private int inFlightTasks;
  private int inFlightBatches;
  private long tasksDone;
  private List<Object> current = List.of();
  private int cursor;
  private boolean ended;
  private boolean streaming = true;
  private volatile boolean timedOut;

  /** Prepares a call, nothing runs before {@link #start()}; see {@link CallHandle#start}. */
  ParallelCall(
      CallPlan plan,
      Iterator<? extends Task<? extends R>> input,
      OptionalLong total,
      boolean ordered,
      Runnable onFinish) {
    this.plan = plan;
    this.total = total;
    this.ordered = ordered;
    this.onFinish = onFinish;
    this.backend = plan.backend();
    this.policy = backend.dispatchPolicy();
    this.inJvm = backend.capabilities().contains(Capability.SHARED_MEMORY);
    this.batcher = new AutoBatcher(policy, plan.timeout());
    this.feed = new TaskFeed(input, plan, policy, batcher, total);
    this.reporter = new VerboseReporter(plan.verbose(), plan.nJobs(), total);
  }

  /**
   * Starts the call on the backend; on failure everything is released again.
   *
   * @return this call
   */
  ParallelCall<R> start() {
    try {
      CallInfo info =
          new CallInfo(
              UUID.randomUUID().toString(),
              Optional.ofNullable(plan.timeout()),
              total,
              plan.verbose());
      call = backend.startCall(info, new Sink());
      if (plan.timeout() != null && !backend.capabilities().contains(Capability.TIMEOUT)) {
        watchdog = Watchdog.watch(this::checkTimeout);
      }
      reporter.started(backend.id());
      return this;
    } catch (RuntimeException | Error e) {
      end();
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws CancellationException if the call was {@linkplain #stop() stopped} before it ended
   */
  @Override
  public boolean hasNext() {
    while (true) {
      if (stopped && endStopped()) {
        throw cancelledByStop(null);
      }
      if (cursor < current.size()) {
        return true;
      }
      BatchOutcome next = nextCompleted();
      if (next != null) {
        current = next.results();
        cursor = 0;
        continue;
      }
      if (ended) {
        return false;
      }
      if (feed.done() && inFlightBatches == 0) {
        finish();
        return false;
      }
      pump();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public R next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the call has no more results");
    }
    return (R) current.get(cursor++);
  }

  /**
   * Collects every result in order, copying whole batches at a time.
   *
   * @return all results
   */
  List<R> toList() {
    streaming = false; // every result is kept anyway: keep the workers busy behind a slow head
    batcher.collecting(); // and the whole input is read anyway: batches may grow at once
    List<R> out = new ArrayList<>((int) Math.min(total.orElse(16), 1 << 24));
    while (hasNext()) {
      // a whole batch is copied with one arraycopy; a sublist would be copied element by element
      @SuppressWarnings("unchecked")
      List<R> rest = (List<R>) (cursor == 0 ? current : current.subList(cursor, current.size()));
      out.addAll(rest);
      cursor = current.size();
    }
    return out;
  }

  /** Stops the call early: cancels what runs and releases the backend call. */
  @Override
  public void close() {
    if (!ended) {
      if (call != null) {
        call.cancel();
      }
      end();
    }
  }

  /**
   * Asks the call to stop because its {@code Parallel} is closed; safe from any thread. Cancels the
   * backend call (queued batches dropped, running ones interrupted where the backend can) and wakes
   * the iterating thread; the call ends when its owner next looks, or at {@link #endStopped()}.
   */
  void stop() {
    stopped = true;
    BackendCall running = call;
    if (running != null) {
      running.cancel();
    }
    events.add(WAKE);
  }

  /** Whether {@link #stop()} was called. */
  boolean stopped() {
    return stopped;
  }

  /**
   * Ends the call if it was stopped before it ended (by the iterating thread, or with it outside).
   *
   * @return whether a stop ended the call, now or before (a call that had ended is left as it was)
   */
  boolean endStopped() {
    if (stopped && !ended) {
      endedByStop = true;
      end();
    }
    return endedByStop;
  }

  /**
   * The exception of a stopped call: it ends the call, and carries the failure the stop caused, if
   * any (a task interrupted by it, a backend already closed).
   */
  CancellationException cancelledByStop(RuntimeException cause) {
    endedByStop = true;
    end();
    CancellationException cancelled =
        new CancellationException(
            "the Parallel was closed while this call was running; its remaining results were"
                + " discarded");
    if (cause != null) {
      cancelled.initCause(cause);
    }
    return cancelled;
  }

  private BatchOutcome nextCompleted() {
    if (!ordered) {
      return inCompletionOrder.poll();
    }
    if (!inOrder.isEmpty() && inOrder.firstKey() == nextToYield) {
      BatchOutcome outcome = inOrder.pollFirstEntry().getValue();
      nextToYield += outcome.size();
      return outcome;
    }
    return null;
  }

  /** Dispatches what the window allows, waits for at least one event and handles all queued. */
  private void pump() {
    try {
      dispatch();
      if (inFlightBatches == 0 && events.isEmpty()) {
        return;
      }
      Object event = events.poll(100, TimeUnit.MILLISECONDS);
      while (event != null) {
        handle(event);
        event = events.poll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail(
          new JoblibException("interrupted while waiting for the results of a Parallel call", e));
    } catch (RuntimeException | Error e) {
      if (!ended) {
        call.cancel();
        end();
      }
      throw e;
    }
  }

  private void handle(Object event) {
    if (event == WAKE) {
      return;
    }
    if (event instanceof TimedOut timedOut) {
      throw fail(new TaskTimeoutException(timedOut.firstIndex(), backend.id(), plan.timeout()));
    }
    BatchOutcome outcome = (BatchOutcome) event;
    PendingBatch dispatched = pending.remove(outcome.sequence());
    inFlightBatches--;
    inFlightTasks -= outcome.size();
    if (!outcome.succeeded()
        && outcome.failure() instanceof TaskTimeoutException timedOut
        && backend.capabilities().contains(Capability.TIMEOUT)) {
      throw fail(timedOut);
    }
    if (!outcome.succeeded()) {
      if (outcome.failure() instanceof NestingDepthException tooDeep
          && plan.nesting().depth() > 1) {
        throw fail(tooDeep); // passed up as is: one stack trace however deep the recursion went
      }
      if (outcome.failure() instanceof BackendFailedException failed
          && failed.backend().equals(backend.id())) {
        throw fail(failed); // no task failed: this call's backend did (not a nested call's)
      }
      throw fail(new TaskFailedException(outcome.failedIndex(), backend.id(), outcome.failure()));
    }
    batcher.completed(outcome.size(), batchNanos(outcome, dispatched));
    tasksDone += outcome.size();
    if (ordered) {
      inOrder.put(outcome.firstIndex(), outcome);
    } else {
      inCompletionOrder.add(outcome);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    reporter.batchDone(tasksDone, elapsed);
    if (plan.progress() != null) {
      plan.progress().onProgress(new ProgressEvent(tasksDone, total, elapsed, false));
    }
  }

  /** In-JVM backends report the pure run time; for others the round trip is what batching saves. */
  private long batchNanos(BatchOutcome outcome, PendingBatch dispatched) {
    if (outcome.runNanos() > 0 && inJvm) {
      return outcome.runNanos();
    }
    return System.nanoTime() - dispatched.dispatchNanos;
  }

  private void dispatch() {
    if (streaming && inOrder.size() + inCompletionOrder.size() >= 2 * plan.nJobs()) {
      // the consumer (or a slow head of line) lags: read no further until it catches up, so a
      // stream's memory stays bounded and batches do not keep growing ahead of it
      return;
    }
    if (plan.nJobs() == 1) {
      // joblib's sequential path: the next batch is read only once the previous one has run and
      // its results are handed out, so input, tasks and results strictly alternate
      Batch batch = inFlightBatches == 0 ? nextBatch() : null;
      if (batch != null) {
        submit(List.of(batch));
      }
      return;
    }
    if (policy.waves()) {
      if (inFlightBatches == 0) {
        submit(nextWave());
      }
      return;
    }
    int preDispatch = plan.preDispatch();
    int minBatches = Math.max(plan.nJobs(), Math.min(2 * plan.nJobs(), preDispatch));
    List<Batch> batches = new ArrayList<>();
    while (inFlightTasks < preDispatch || inFlightBatches < minBatches) {
      Batch batch = nextBatch();
      if (batch == null) {
        break;
      }
      batches.add(batch);
    }
    submit(batches);
  }

  private void submit(List<Batch> batches) {
    if (!batches.isEmpty()) {
      call.submit(batches);
    }
  }

  private Batch nextBatch() {
    TaskSlice tasks = feed.nextBatch();
    return tasks.isEmpty() ? null : register(tasks);
  }

  private List<Batch> nextWave() {
    List<Batch> wave = new ArrayList<>();
    for (TaskSlice tasks : feed.nextWave()) {
      wave.add(register(tasks));
    }
    return wave;
  }

  /** Makes a batch of the tasks and records it as in flight. */
  private Batch register(TaskSlice tasks) {
    if (nextIndex == 0 && backend.capabilities().contains(Capability.REMOTE)) {
      SerializationCheck.requireSerializable(tasks.first(), "task 0");
    }
    Batch batch = tasks.batch(nextSequence++, nextIndex, plan.seed(), backend.id(), plan.nesting());
    pending.put(batch.sequence(), new PendingBatch(batch.firstIndex(), System.nanoTime()));
    nextIndex += batch.size();
    inFlightTasks += batch.size();
    inFlightBatches++;
    return batch;
  }

  /**
   * Called by the watchdog: fires when a batch has run longer than the timeout since the backend
   * reported its start (time spent starting workers or queued behind busy ones does not count).
   */
  private boolean checkTimeout() {
    if (timedOut) {
      return false;
    }
    long now = System.nanoTime();
    long limit = plan.timeout().toNanos();
    for (PendingBatch p : pending.values()) {
      if (p.completed || !p.started) {
        continue;
      }
      if (now - p.startNanos > limit) {
        timedOut = true;
        events.add(new TimedOut(p.firstIndex));
        call.cancel();
        return false;
      }
    }
    return true;
  }

  /** What the backend reports: starts go to the timeout clock, outcomes to the calling thread. */
  private final class Sink implements BatchSink {
    @Override
    public void started(Batch batch) {
      PendingBatch p = pending.get(batch.sequence());
      if (p != null && !p.started) {
        p.startNanos = System.nanoTime();
        p.started = true;
      }
    }

    @Override
    public void accept(BatchOutcome outcome) {
      PendingBatch p = pending.get(outcome.sequence());
      if (p != null) {
        p.completed = true;
      }
      events.add(outcome);
    }
  }

  /** Cancels the call and collects the sibling failures already reported; returns the failure. */
  private JoblibException fail(JoblibException failure) {
    Object event;
    while ((event = events.poll()) != null) {
      if (event instanceof BatchOutcome outcome
          && !outcome.succeeded()
          && outcome.failure() != failure.getCause()
          && outcome.failure() != failure) {
        failure.addSuppressed(outcome.failure());
      }
    }
    try {
      call.cancel();
    } catch (RuntimeException e) {
      failure.addSuppressed(e); // the failure is what the caller needs; this rides along
    }
    end();
    return failure;
  }

  private void finish() {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    reporter.finished(tasksDone, elapsed);
    if (plan.progress() != null) {
      plan.progress().onProgress(new ProgressEvent(tasksDone, total, elapsed, true));
    }
    end();
  }

  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    current = List.of();
    inOrder.clear();
    inCompletionOrder.clear();
    try {
      if (watchdog != null) {
        watchdog.cancel();
      }
      if (call != null) {
        call.close();
      }
    } finally {
      onFinish.run();
    }
  }
}
