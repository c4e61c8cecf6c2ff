package dev.joblib.internal.parallel;

import dev.joblib.BackendFailedException;
import dev.joblib.JoblibException;
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
import java.util.concurrent.locks.ReentrantLock;

/**
 * One run of a {@code Parallel}: reads the tasks lazily, batches them, feeds the backend, and hands
 * out the results in input order (or completion order), failing fast on the first error.
 *
 * <p>All state is owned by the thread that iterates (it holds {@link #consumer} while inside);
 * backends only add to {@link #events}, the timeout {@link Watchdog} reads {@link #pending}, and
 * {@link #abort()} (the owner closing its {@code Parallel}) may come from any thread.
 */
public final class ParallelCall<R> implements Iterator<R>, AutoCloseable {
  /** Wakes the iterating thread after {@link #abort()}. */
  private static final Object WAKE = new Object();

  /** A batch that ran longer than the timeout; queued by the watchdog. */
  private record TimedOut(int firstIndex) {}

  /**
   * A dispatched batch not yet completed; {@code startNanos} is set when the backend reports that
   * the batch began to run on a worker ({@link BatchSink#started}).
   */
  static final class Pending {
    final int firstIndex;
    final long dispatchNanos;
    volatile long startNanos;
    volatile boolean started;
    volatile boolean completed;

    Pending(int firstIndex, long dispatchNanos) {
      this.firstIndex = firstIndex;
      this.dispatchNanos = dispatchNanos;
    }
  }

  private final CallPlan plan;
  private final Iterator<? extends Task<? extends R>> input;
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
  private final ConcurrentSkipListMap<Integer, Pending> pending = new ConcurrentSkipListMap<>();
  private final TreeMap<Integer, BatchOutcome> inOrder = new TreeMap<>();
  private final ArrayDeque<BatchOutcome> inCompletionOrder = new ArrayDeque<>();

  private final ReentrantLock consumer = new ReentrantLock();

  private volatile BackendCall call;
  private volatile boolean aborted;
  private boolean closedWhileRunning;
  private Watchdog.Registration watchdog;
  private int nextIndex;
  private int nextSequence;
  private int nextToYield;
  private boolean inputDone;
  private int inFlightTasks;
  private int inFlightBatches;
  private long tasksDone;
  private List<Object> current = List.of();
  private int cursor;
  private boolean ended;
  private boolean streaming = true;
  private volatile boolean timedOut;

  /**
   * Prepares a call; nothing runs before {@link #start()}.
   *
   * @param plan the resolved settings
   * @param input the tasks, read lazily
   * @param total the number of tasks, when known
   * @param ordered whether results come in input order (else in completion order)
   * @param onFinish run once when the call ends, however it ends
   */
  public ParallelCall(
      CallPlan plan,
      Iterator<? extends Task<? extends R>> input,
      OptionalLong total,
      boolean ordered,
      Runnable onFinish) {
    this.plan = plan;
    this.input = input;
    this.total = total;
    this.ordered = ordered;
    this.onFinish = onFinish;
    this.backend = plan.backend();
    this.policy = backend.dispatchPolicy();
    this.inJvm = backend.capabilities().contains(Capability.SHARED_MEMORY);
    this.batcher = new AutoBatcher(policy, plan.timeout());
    this.reporter = new VerboseReporter(plan.verbose(), plan.nJobs(), total);
  }

  /**
   * Starts the call on the backend; on failure everything is released again.
   *
   * @return this call
   */
  public ParallelCall<R> start() {
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
   * @throws CancellationException if the {@code Parallel} was closed while this call was running
   */
  @Override
  public boolean hasNext() {
    consumer.lock();
    try {
      return advance();
    } catch (RuntimeException e) {
      throw closedWhileRunning(e);
    } finally {
      release();
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws CancellationException if the {@code Parallel} was closed while this call was running
   */
  @Override
  @SuppressWarnings("unchecked")
  public R next() {
    consumer.lock();
    try {
      if (!advance()) {
        throw new NoSuchElementException("the call has no more results");
      }
      return (R) current.get(cursor++);
    } catch (RuntimeException e) {
      throw closedWhileRunning(e);
    } finally {
      release();
    }
  }

  /**
   * Collects every result in order, copying whole batches at a time.
   *
   * @return all results
   * @throws CancellationException if the {@code Parallel} was closed while this call was running
   */
  public List<R> toList() {
    consumer.lock();
    try {
      streaming = false; // every result is kept anyway: keep the workers busy behind a slow head
      List<R> out = new ArrayList<>((int) Math.min(total.orElse(16), 1 << 24));
      while (advance()) {
        @SuppressWarnings("unchecked")
        List<R> rest = (List<R>) current.subList(cursor, current.size());
        out.addAll(rest);
        cursor = current.size();
      }
      return out;
    } catch (RuntimeException e) {
      throw closedWhileRunning(e);
    } finally {
      release();
    }
  }

  /** Stops the call early: cancels what runs and releases the backend call. */
  @Override
  public void close() {
    consumer.lock();
    try {
      if (!ended) {
        if (call != null) {
          call.cancel();
        }
        end();
      }
    } finally {
      release();
    }
  }

  /**
   * Ends the call because its {@code Parallel} is being closed; safe from any thread. Cancels the
   * backend call (queued batches dropped, running ones interrupted where the backend can), wakes
   * the iterating thread, and ends the call here unless that thread is inside it, in which case it
   * ends the call itself as soon as it looks. From then on the call's {@code hasNext}, {@code next}
   * and {@code toList} throw a {@link CancellationException}; a call that had already ended is left
   * as it was.
   */
  public void abort() {
    aborted = true;
    BackendCall running = call;
    if (running != null) {
      running.cancel();
    }
    events.add(WAKE);
    endIfAborted();
  }

  /** The loop behind {@link #hasNext()}: true once {@link #current} has a result at the cursor. */
  private boolean advance() {
    while (true) {
      if (aborted) {
        if (!ended) {
          closedWhileRunning = true;
          call.cancel();
          end();
        }
        if (closedWhileRunning) {
          throw closedWhileRunning(null);
        }
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
      if (inputDone && inFlightBatches == 0) {
        finish();
        return false;
      }
      pump();
    }
  }

  /** Leaves the call; ends it if an abort came while this thread was inside and could not. */
  private void release() {
    consumer.unlock();
    if (aborted && !consumer.isHeldByCurrentThread()) {
      endIfAborted();
    }
  }

  private void endIfAborted() {
    if (consumer.tryLock()) {
      try {
        if (!ended) {
          closedWhileRunning = true;
          end();
        }
      } finally {
        consumer.unlock();
      }
    }
  }

  /**
   * What a failure becomes once the call was closed under the consumer: a {@link
   * CancellationException} carrying it (a task interrupted by the close, a backend already shut
   * down) when the close ended the call; the failure itself otherwise.
   */
  private RuntimeException closedWhileRunning(RuntimeException failure) {
    if (failure instanceof CancellationException || (failure != null && !aborted)) {
      return failure;
    }
    closedWhileRunning = true;
    CancellationException cancelled =
        new CancellationException(
            "the Parallel was closed while this call was running; its remaining results were"
                + " discarded");
    if (failure != null) {
      cancelled.initCause(failure);
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
    Pending dispatched = pending.remove(outcome.sequence());
    inFlightBatches--;
    inFlightTasks -= outcome.size();
    if (!outcome.succeeded()
        && outcome.failure() instanceof TaskTimeoutException timedOut
        && backend.capabilities().contains(Capability.TIMEOUT)) {
      throw fail(timedOut);
    }
    if (!outcome.succeeded()) {
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
  private long batchNanos(BatchOutcome outcome, Pending dispatched) {
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
    List<Task<?>> tasks = read(batchSize());
    return tasks.isEmpty() ? null : register(tasks);
  }

  private List<Batch> nextWave() {
    List<Task<?>> slice = read(plan.preDispatch());
    if (slice.isEmpty()) {
      return List.of();
    }
    int size =
        plan.batchSize() != null
            ? plan.batchSize()
            : (int) Math.max(1, (slice.size() + 2L * plan.nJobs() - 1) / (2L * plan.nJobs()));
    List<Batch> wave = new ArrayList<>();
    for (int from = 0; from < slice.size(); from += size) {
      wave.add(register(slice.subList(from, Math.min(from + size, slice.size()))));
    }
    return wave;
  }

  /**
   * The size of the next batch: fixed, or tuned; near the end of an input of known size, batches
   * get smaller (joblib splits the last slice finer) so that no worker is left with a long tail.
   */
  private int batchSize() {
    if (plan.batchSize() != null) {
      return plan.batchSize();
    }
    if (!policy.autoBatching()) {
      return 1;
    }
    int size = batcher.size();
    if (total.isPresent()) {
      long remaining = total.getAsLong() - nextIndex;
      if (remaining < (long) size * plan.nJobs()) {
        size = (int) Math.max(1, Math.min(size, remaining / (10L * plan.nJobs())));
      }
    }
    return size;
  }

  /** Reads up to {@code count} tasks from the input. */
  private List<Task<?>> read(int count) {
    List<Task<?>> tasks = new ArrayList<>(Math.min(count, 1 << 16));
    while (tasks.size() < count && !inputDone) {
      if (!input.hasNext()) {
        inputDone = true;
        break;
      }
      Task<? extends R> task = input.next();
      if (task == null) {
        throw new NullPointerException(
            "tasks: the task at index " + (nextIndex + tasks.size()) + " is null");
      }
      tasks.add(task);
    }
    return tasks;
  }

  /** Makes a batch of the tasks and records it as in flight. */
  private Batch register(List<Task<?>> tasks) {
    if (nextIndex == 0 && backend.capabilities().contains(Capability.REMOTE)) {
      SerializationCheck.requireSerializable(tasks.get(0), "task 0");
    }
    Batch batch =
        new Batch(
            nextSequence++,
            nextIndex,
            tasks,
            plan.seed(),
            backend.id(),
            plan.nestedBackend(),
            plan.nestingLevel());
    pending.put(batch.sequence(), new Pending(batch.firstIndex(), System.nanoTime()));
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
    for (Pending p : pending.values()) {
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
      Pending p = pending.get(batch.sequence());
      if (p != null && !p.started) {
        p.startNanos = System.nanoTime();
        p.started = true;
      }
    }

    @Override
    public void accept(BatchOutcome outcome) {
      Pending p = pending.get(outcome.sequence());
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
