package dev.joblib.internal.parallel;

import dev.joblib.Task;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a {@code Parallel} and its stream hold of one running call: lets one thread at a time into
 * the call (whose state belongs to the thread inside it), and lets the owner {@linkplain #abort()
 * abort} it from any thread when the {@code Parallel} is closed.
 *
 * @param <R> the result type
 */
public final class CallHandle<R> implements Iterator<R>, AutoCloseable {
  private final ParallelCall<R> call;
  private final ReentrantLock consumer = new ReentrantLock();

  private CallHandle(ParallelCall<R> call) {
    this.call = call;
  }

  /**
   * Starts a call on the plan's backend; on failure everything is released again.
   *
   * @param plan the resolved settings
   * @param tasks the tasks, read lazily
   * @param total the number of tasks, when known
   * @param ordered whether results come in input order (else in completion order)
   * @param onFinish run once when the call ends, however it ends
   * @param <R> the result type
   * @return the running call
   */
  public static <R> CallHandle<R> start(
      CallPlan plan,
      Iterator<? extends Task<? extends R>> tasks,
      OptionalLong total,
      boolean ordered,
      Runnable onFinish) {
    return new CallHandle<>(new ParallelCall<R>(plan, tasks, total, ordered, onFinish).start());
  }

  /**
   * {@inheritDoc}
   *
   * @throws CancellationException if the {@code Parallel} was closed while the call was running
   */
  @Override
  public boolean hasNext() {
    consumer.lock();
    try {
      return call.hasNext();
    } catch (RuntimeException e) {
      throw stoppedFailure(e);
    } finally {
      release();
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws CancellationException if the {@code Parallel} was closed while the call was running
   */
  @Override
  public R next() {
    consumer.lock();
    try {
      return call.next();
    } catch (RuntimeException e) {
      throw stoppedFailure(e);
    } finally {
      release();
    }
  }

  /**
   * Collects every result in order.
   *
   * @return all results
   * @throws CancellationException if the {@code Parallel} was closed while the call was running
   */
  public List<R> toList() {
    consumer.lock();
    try {
      return call.toList();
    } catch (RuntimeException e) {
      throw stoppedFailure(e);
    } finally {
      release();
    }
  }

  /** Ends the call early (its stream was closed): cancels what runs, releases the backend call. */
  @Override
  public void close() {
    consumer.lock();
    try {
      call.close();
    } finally {
      release();
    }
  }

  /**
   * Aborts the call because its {@code Parallel} is being closed; safe from any thread, never
   * blocks on the thread using the call. The backend call is cancelled (queued batches dropped,
   * running ones interrupted where the backend can); the call ends here if no thread is inside it,
   * else that thread ends it at once and throws. From then on {@link #hasNext()}, {@link #next()}
   * and {@link #toList()} throw a {@link CancellationException}. A call that had already ended is
   * left as it was.
   */
  public void abort() {
    call.stop();
    endIfStopped();
  }

  /**
   * What a failure becomes once the call was aborted: a {@link CancellationException} carrying it
   * (a task interrupted by the abort, a backend closed under the call); itself otherwise.
   */
  private RuntimeException stoppedFailure(RuntimeException failure) {
    if (failure instanceof CancellationException || !call.stopped()) {
      return failure;
    }
    return call.cancelledByStop(failure);
  }

  /** Leaves the call; ends it if an abort came while this thread was inside it. */
  private void release() {
    consumer.unlock();
    if (call.stopped() && !consumer.isHeldByCurrentThread()) {
      endIfStopped();
    }
  }

  private void endIfStopped() {
    if (consumer.tryLock()) {
      try {
        call.endStopped();
      } finally {
        consumer.unlock();
      }
    }
  }
}
