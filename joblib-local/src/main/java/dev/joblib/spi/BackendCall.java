package dev.joblib.spi;

import java.util.List;

/**
 * One {@code Parallel} call on a {@link ParallelBackend}.
 *
 * <p>{@code Parallel} uses a call from one thread at a time: it submits batches, possibly cancels,
 * and always closes. Outcomes arrive at the call's {@link BatchSink}. When the {@code Parallel} is
 * closed while the call runs, {@link #cancel()} comes from the closing thread, and {@link #submit}
 * or {@link #close()} may still come after the backend itself was closed: the call then only needs
 * to end without blocking for long (a rejected submission is reported to the user as the
 * cancellation it is).
 *
 * @since 0.1
 */
public interface BackendCall extends AutoCloseable {
  /**
   * Hands batches to the backend. It should return quickly; a backend whose submission is
   * synchronous (such as {@code sequential}) may run them before returning.
   *
   * @param batches the batches, in task order, never empty
   */
  void submit(List<Batch> batches);

  /**
   * Stops the call's work as far as the backend can: batches not started are dropped, running ones
   * interrupted where the backend has {@link Capability#INTERRUPT}. Outcomes may still arrive
   * afterwards and are ignored. Safe to call from any thread and more than once.
   */
  void cancel();

  /** Ends the call and releases what it holds (not the backend's workers). */
  @Override
  void close();
}
