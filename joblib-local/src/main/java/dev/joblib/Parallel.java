package dev.joblib;

import dev.joblib.internal.parallel.CallHandle;
import dev.joblib.internal.parallel.CallPlan;
import dev.joblib.internal.parallel.CallPlanner;
import dev.joblib.internal.parallel.KeptBackend;
import dev.joblib.internal.parallel.MappedItems;
import dev.joblib.internal.parallel.PreDispatch;
import dev.joblib.internal.parallel.Settings;
import dev.joblib.spi.ParallelBackend;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Runs a list of function calls in parallel: joblib's {@code Parallel}.
 *
 * <pre>{@code
 * import static dev.joblib.Joblib.delayed;
 *
 * List<Double> roots = Parallel.create().nJobs(2)
 *     .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
 * List<Double> same = Parallel.create().nJobs(-1).map(xs, x -> Math.sqrt(x));
 *
 * try (Parallel p = Parallel.create().nJobs(4)) {       // workers kept for several calls
 *   try (Stream<Result> results = p.stream(tasks)) {   // lazy, in input order
 *     results.forEach(this::save);
 *   }
 * }
 * }</pre>
 *
 * <p>A {@code Parallel} is an immutable set of settings; each setting method returns a changed
 * copy. Settings not set here come from the innermost open {@link ParallelConfig} scope, else from
 * the defaults: one job (which runs in the calling thread), the {@code threads} backend, automatic
 * batching.
 *
 * <p><b>Execution.</b> Tasks are read from the input lazily (at most {@linkplain
 * #preDispatch(String) preDispatch} ahead of the results; with one job, as in joblib, a batch is
 * read only after the previous one ran and its results were handed out), grouped into batches, and
 * run by the backend. Results come back in input order ({@link #run}, {@link #map}, {@link
 * #stream}) or in completion order ({@link #streamUnordered}). The first failure stops dispatching,
 * cancels what is queued or running and is thrown as a {@link TaskFailedException} carrying the
 * task index and the original exception; later results are discarded.
 *
 * <p><b>Workers.</b> The backend's workers start with the first call and stay until {@link
 * #close()}, so a {@code Parallel} in try-with-resources reuses them across calls. One that is
 * never closed does not leak: its idle threads end after a few seconds and its backend is closed
 * once the instance is unreachable. Only one call runs on an instance at a time; a stream counts as
 * running until it is consumed or closed. Closing the instance cancels a call still running on it
 * (see {@link #close()}).
 *
 * <p><b>Nesting.</b> A {@code Parallel} started inside a task runs on the backend's nested backend
 * (sequential inside {@code threads}, {@code sequential} and distributed tasks), so nested calls
 * never oversubscribe the machine.
 *
 * @since 0.1
 */
public final class Parallel implements AutoCloseable {
  private final Settings settings;
  private final KeptBackend backends = new KeptBackend(this);

  private Parallel(Settings settings) {
    this.settings = settings;
  }

  /**
   * Returns a {@code Parallel} with nothing set: everything comes from the open {@link
   * ParallelConfig} scope or the defaults.
   *
   * @return a new instance
   */
  public static Parallel create() {
    return new Parallel(Settings.EMPTY);
  }

  /**
   * Sets the number of workers. Negative values count back from the CPUs as in joblib: -1 uses all
   * of them, -2 all but one. An effective value of 1 runs the tasks in the calling thread.
   *
   * @param nJobs positive, or negative
   * @return a copy with this setting
   * @throws IllegalArgumentException if {@code nJobs} is 0
   */
  public Parallel nJobs(int nJobs) {
    return new Parallel(settings.withNJobs(Check.nJobs(nJobs)));
  }

  /**
   * Selects the backend by id: {@code "sequential"}, {@code "threads"}, {@code "processes"}, or a
   * plug-in's such as {@code "spark"} or {@code "beam"}. The id is checked when a call starts.
   *
   * @param id the backend's id
   * @return a copy with this setting
   * @throws NullPointerException if {@code id} is null
   * @throws IllegalArgumentException if {@code id} is blank
   */
  public Parallel backend(String id) {
    return new Parallel(settings.withBackend(Check.backendId(id)));
  }

  /**
   * Uses a backend instance, such as one built around an existing Spark session. This {@code
   * Parallel} does not close it.
   *
   * @param backend the backend
   * @return a copy with this setting
   * @throws NullPointerException if {@code backend} is null
   */
  public Parallel backend(ParallelBackend backend) {
    return new Parallel(settings.withBackend(Check.notNull(backend, "backend")));
  }

  /**
   * Sets a fixed number of tasks per batch instead of automatic batching. Automatic batching (the
   * default) starts at 1 and grows until a batch takes about 0.2 to 2 seconds, so that tiny tasks
   * do not pay a per-task overhead.
   *
   * @param batchSize at least 1
   * @return a copy with this setting
   * @throws IllegalArgumentException if {@code batchSize} is less than 1
   */
  public Parallel batchSize(int batchSize) {
    return new Parallel(settings.withBatchSize(Check.batchSize(batchSize)));
  }

  /**
   * Sets how many tasks are read from the input ahead of the results: {@code "all"}, a whole
   * number, or an arithmetic expression in {@code n_jobs} such as {@code "3*n_jobs"}. The default
   * is {@code "2*n_jobs"}. A call whose effective {@code nJobs} is 1 ignores it, as joblib does: it
   * reads one batch (one task unless {@link #batchSize(int)} is larger) after the previous one ran.
   *
   * @param expression the window
   * @return a copy with this setting
   * @throws NullPointerException if {@code expression} is null
   * @throws IllegalArgumentException if the expression is not valid or not positive
   */
  public Parallel preDispatch(String expression) {
    PreDispatch.validate(expression);
    return new Parallel(settings.withPreDispatch(expression));
  }

  /**
   * Sets how many tasks are read from the input ahead of the results.
   *
   * @param tasks at least 1
   * @return a copy with this setting
   * @throws IllegalArgumentException if {@code tasks} is less than 1
   */
  public Parallel preDispatch(int tasks) {
    if (tasks < 1) {
      throw new IllegalArgumentException("preDispatch must be at least 1, got " + tasks);
    }
    return new Parallel(settings.withPreDispatch(Integer.toString(tasks)));
  }

  /**
   * Fails the call when a batch of tasks runs longer than this, and interrupts it. The clock of a
   * batch starts when a worker is free to run it; with automatic batching a batch is kept well
   * under the timeout. The failure is a {@link TaskTimeoutException}. Every built-in backend
   * honours it, the sequential one too.
   *
   * @param timeout positive
   * @return a copy with this setting
   * @throws IllegalArgumentException if {@code timeout} is not positive or longer than {@code
   *     Long.MAX_VALUE} nanoseconds (about 292 years)
   */
  public Parallel timeout(Duration timeout) {
    return new Parallel(settings.withTimeout(Check.timeout(timeout)));
  }

  /**
   * Prints joblib's progress messages: nothing at 0, ever more lines up to 10, every batch above
   * 10; on standard error below 50, on standard output from 50.
   *
   * @param verbose 0 or more
   * @return a copy with this setting
   * @throws IllegalArgumentException if {@code verbose} is negative
   */
  public Parallel verbose(int verbose) {
    return new Parallel(settings.withVerbose(Check.verbose(verbose)));
  }

  /**
   * Reports progress to a listener, in the calling thread, after each completed batch.
   *
   * @param listener the listener, such as {@link ProgressListener#consoleBar()}
   * @return a copy with this setting
   * @throws NullPointerException if {@code listener} is null
   */
  public Parallel progress(ProgressListener listener) {
    return new Parallel(settings.withProgress(Check.notNull(listener, "progress")));
  }

  /**
   * Sets a hard constraint: {@link Require#SHAREDMEM} runs on threads even inside a scope that
   * names another backend.
   *
   * @param require the constraint
   * @return a copy with this setting
   * @throws NullPointerException if {@code require} is null
   */
  public Parallel require(Require require) {
    return new Parallel(settings.withRequire(Check.notNull(require, "require")));
  }

  /**
   * Sets a soft hint, used only when no backend is named here or by a scope.
   *
   * @param prefer the hint
   * @return a copy with this setting
   * @throws NullPointerException if {@code prefer} is null
   */
  public Parallel prefer(Prefer prefer) {
    return new Parallel(settings.withPrefer(Check.notNull(prefer, "prefer")));
  }

  /**
   * Seeds the tasks' random numbers ({@link TaskContext#random()}): the same seed gives the same
   * numbers per task on every backend, for every {@code nJobs} and batch size.
   *
   * @param seed any value
   * @return a copy with this setting
   */
  public Parallel seed(long seed) {
    return new Parallel(settings.withSeed(seed));
  }

  /**
   * Sets a backend-specific option (joblib's {@code backend_params}), such as the processes
   * backend's idle timeout. The name is checked when a call starts, before any task runs: a name
   * the backend named next to it does not declare (Python's {@code max_nbytes} for {@code
   * maxNbytes}), or, with no backend named here or in the scope, a name no backend declares, fails
   * the call with an {@link IllegalArgumentException} naming the option and the known names.
   *
   * @param name the option's name
   * @param value its value
   * @return a copy with this setting
   * @throws NullPointerException if either is null
   * @throws IllegalArgumentException if the name is blank
   */
  public Parallel option(String name, String value) {
    Check.option(name, value);
    return new Parallel(settings.withOption(name, value));
  }

  /**
   * Runs the tasks and returns their results in input order.
   *
   * @param tasks the tasks, read lazily; never null, no null elements
   * @param <R> the result type
   * @return the results, one per task, in input order; elements may be null
   * @throws TaskFailedException if a task failed (the first failure found)
   * @throws IllegalArgumentException if a setting is invalid for the chosen backend
   * @throws IllegalStateException if another call is running on this instance
   * @throws java.util.concurrent.CancellationException if this instance is {@linkplain #close()
   *     closed} by another thread while the call runs
   */
  public <R> List<R> run(Stream<? extends Task<? extends R>> tasks) {
    Check.notNull(tasks, "tasks");
    return collect(startStream(tasks, true));
  }

  /**
   * Runs the tasks and returns their results in input order.
   *
   * @param tasks the tasks, read lazily; never null, no null elements
   * @param <R> the result type
   * @return the results, one per task, in input order; elements may be null
   * @throws TaskFailedException if a task failed (the first failure found)
   * @throws IllegalArgumentException if a setting is invalid for the chosen backend
   * @throws IllegalStateException if another call is running on this instance
   * @throws java.util.concurrent.CancellationException if this instance is {@linkplain #close()
   *     closed} by another thread while the call runs
   */
  public <R> List<R> run(Iterable<? extends Task<? extends R>> tasks) {
    Check.notNull(tasks, "tasks");
    return collect(start(tasks.iterator(), sizeOf(tasks), true));
  }

  /**
   * Calls {@code fn} on every item and returns the results in input order.
   *
   * @param items the arguments, read lazily; never null
   * @param fn the function
   * @param <T> the argument type
   * @param <R> the result type
   * @return the results, one per item, in input order
   * @throws NullPointerException if {@code items} or {@code fn} is null
   * @throws TaskFailedException if a call failed (the first failure found)
   * @throws IllegalStateException if another call is running on this instance
   * @throws java.util.concurrent.CancellationException if this instance is {@linkplain #close()
   *     closed} by another thread while the call runs
   */
  public <T, R> List<R> map(Iterable<? extends T> items, Fn1<? super T, ? extends R> fn) {
    Check.notNull(items, "items");
    Check.notNull(fn, "fn");
    return collect(start(MappedItems.of(items, fn), sizeOf(items), true));
  }

  /**
   * Runs the tasks and streams their results in input order as they become available (joblib's
   * {@code return_as="generator"}). Close the stream, or consume it fully, to end the call; closing
   * it early cancels the tasks still running. If this {@code Parallel} is {@linkplain #close()
   * closed} first, the stream throws a {@link java.util.concurrent.CancellationException}.
   *
   * @param tasks the tasks, read lazily as the stream is consumed
   * @param <R> the result type
   * @return a sequential, lazy stream of results
   * @throws IllegalStateException if another call is running on this instance
   */
  public <R> Stream<R> stream(Stream<? extends Task<? extends R>> tasks) {
    Check.notNull(tasks, "tasks");
    return asStream(startStream(tasks, true));
  }

  /**
   * Runs the tasks and streams their results in input order; see {@link #stream(Stream)}.
   *
   * @param tasks the tasks, read lazily as the stream is consumed
   * @param <R> the result type
   * @return a sequential, lazy stream of results
   * @throws IllegalStateException if another call is running on this instance
   */
  public <R> Stream<R> stream(Iterable<? extends Task<? extends R>> tasks) {
    Check.notNull(tasks, "tasks");
    return asStream(start(tasks.iterator(), sizeOf(tasks), true));
  }

  /**
   * Runs the tasks and streams their results in completion order (joblib's {@code
   * return_as="generator_unordered"}). Close the stream, or consume it fully, to end the call.
   *
   * @param tasks the tasks, read lazily as the stream is consumed
   * @param <R> the result type
   * @return a sequential, lazy stream of results in completion order
   * @throws IllegalStateException if another call is running on this instance
   */
  public <R> Stream<R> streamUnordered(Stream<? extends Task<? extends R>> tasks) {
    Check.notNull(tasks, "tasks");
    return asStream(startStream(tasks, false));
  }

  /**
   * Runs the tasks and streams their results in completion order; see {@link
   * #streamUnordered(Stream)}.
   *
   * @param tasks the tasks, read lazily as the stream is consumed
   * @param <R> the result type
   * @return a sequential, lazy stream of results in completion order
   * @throws IllegalStateException if another call is running on this instance
   */
  public <R> Stream<R> streamUnordered(Iterable<? extends Task<? extends R>> tasks) {
    Check.notNull(tasks, "tasks");
    return asStream(start(tasks.iterator(), sizeOf(tasks), false));
  }

  /**
   * Stops this instance's workers, first cancelling the call still running on it, if any, as
   * joblib's {@code with Parallel(...)} exit aborts an unfinished generator: queued tasks are
   * dropped, running ones interrupted where the backend can (threads and the calling thread are
   * interrupted, {@code processes} kills the worker JVMs running them, Spark cancels the call's job
   * group, Beam cancels its pipelines). A stream or iterator of that call then throws a {@link
   * java.util.concurrent.CancellationException} (it does not end as if every result had been seen),
   * and so does a {@link #run} or {@link #map} blocked in another thread, promptly. Closing never
   * fails because a call is running, and the instance stays usable: a later call starts new
   * workers.
   */
  @Override
  public void close() {
    backends.close();
  }

  @Override
  public String toString() {
    return "Parallel(n_jobs=" + (settings.nJobs() == null ? "unset" : settings.nJobs()) + ")";
  }

  private static <R> List<R> collect(CallHandle<R> call) {
    try (call) {
      return call.toList();
    }
  }

  private static <R> Stream<R> asStream(CallHandle<R> call) {
    Spliterator<R> spliterator = Spliterators.spliteratorUnknownSize(call, Spliterator.ORDERED);
    return StreamSupport.stream(spliterator, false).onClose(call::close);
  }

  private static OptionalLong sizeOf(Iterable<?> items) {
    return items instanceof Collection<?> c ? OptionalLong.of(c.size()) : OptionalLong.empty();
  }

  private <R> CallHandle<R> startStream(
      Stream<? extends Task<? extends R>> tasks, boolean ordered) {
    Spliterator<? extends Task<? extends R>> spliterator = tasks.spliterator();
    long size = spliterator.getExactSizeIfKnown();
    return start(
        Spliterators.iterator(spliterator),
        size >= 0 ? OptionalLong.of(size) : OptionalLong.empty(),
        ordered);
  }

  /**
   * The one way into the engine ({@code dev.joblib.internal.parallel}): it receives this instance's
   * settings and the scope's as immutable values, and the kept backend; it needs no package-private
   * member of this package.
   */
  private <R> CallHandle<R> start(
      Iterator<? extends Task<? extends R>> tasks, OptionalLong total, boolean ordered) {
    long number = backends.begin(); // before planning: a plan may replace the kept backend
    try {
      Settings scope = ParallelConfig.current();
      ParallelConfig.checkOptions(settings, scope);
      CallPlan plan = CallPlanner.plan(settings, scope, backends, total);
      CallHandle<R> call =
          CallHandle.start(plan, tasks, total, ordered, () -> backends.end(number));
      backends.started(number, call);
      return call;
    } catch (RuntimeException | Error e) {
      backends.end(number);
      throw e;
    }
  }
}
