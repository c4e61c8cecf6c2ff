package dev.joblib.spi;

import java.util.Set;

/**
 * Runs batches of tasks somewhere: in the calling thread, on a thread pool, in worker JVMs, on a
 * Spark cluster or in a Beam pipeline.
 *
 * <p>A backend is a transport. {@code Parallel} decides what runs (it reads the tasks lazily,
 * groups them into {@link Batch}es, orders results, applies the timeout and fails fast); the
 * backend gets each batch to a worker, calls {@link Batch#run()} there, and brings the {@link
 * BatchOutcome} back. A backend lives as long as the {@code Parallel} that created it, which may
 * make several calls one after the other; each call is one {@link BackendCall}.
 *
 * <p>Implementations must pass {@code ParallelBackendContract} from joblib-local's test jar.
 *
 * @since 0.1
 */
public interface ParallelBackend extends AutoCloseable {
  /**
   * Returns the id this backend is registered under, used in messages and exceptions.
   *
   * @return the id, never null
   */
  String id();

  /**
   * Returns what this backend can do beyond running batches.
   *
   * @return the capabilities, never null
   */
  Set<Capability> capabilities();

  /**
   * Returns the number of batches this backend runs at once, with negative requests resolved (for a
   * cluster: its current cores). It may change between calls.
   *
   * @return at least 1
   */
  int nJobs();

  /**
   * Returns how batches should be sized and fed to this backend.
   *
   * @return the policy, never null
   */
  default DispatchPolicy dispatchPolicy() {
    return DispatchPolicy.incremental();
  }

  /**
   * Returns the id of the backend a {@code Parallel} started inside one of this backend's tasks
   * uses, so that nested calls never oversubscribe the workers.
   *
   * @return a backend id, {@code "sequential"} unless overridden
   */
  default String nestedBackend() {
    return "sequential";
  }

  /**
   * Starts one call: from now until {@link BackendCall#close()} batches are submitted to it and
   * their outcomes are given to {@code sink}.
   *
   * @param info the call's id, timeout and size, never null
   * @param sink receives exactly one outcome per submitted batch (until the call is cancelled),
   *     from any thread; never null
   * @return the call, never null
   * @throws IllegalStateException if this backend is closed
   */
  BackendCall startCall(CallInfo info, BatchSink sink);

  /** Releases the backend's workers and connections. Closing twice has no further effect. */
  @Override
  void close();

  /**
   * Releases the backend because the {@code Parallel} that created and kept it became unreachable
   * without being closed; called once, on a cleaner thread, instead of {@link #close()}. It should
   * release what this instance holds (threads, workers, connections) but never end what other code
   * of the process may be using by then: a Spark session the backend created and made the process
   * default, for example, which user code may have fetched with {@code getOrCreate()}. The default
   * calls {@link #close()}.
   */
  default void abandon() {
    close();
  }
}
