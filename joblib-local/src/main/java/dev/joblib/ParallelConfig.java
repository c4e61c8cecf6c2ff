package dev.joblib;

import dev.joblib.internal.BackendRegistry;
import dev.joblib.internal.parallel.PreDispatch;
import dev.joblib.internal.parallel.Settings;
import dev.joblib.spi.ParallelBackend;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Default settings for the {@link Parallel} calls made by the current thread: joblib's {@code
 * parallel_config}, as a try-with-resources scope.
 *
 * <pre>{@code
 * try (var scope = ParallelConfig.use("spark")) {
 *   List<Model> models = Parallel.create().map(grid, this::fit);    // runs on Spark
 * }                                                                 // previous settings restored
 *
 * try (var scope = ParallelConfig.builder().backend("threads").nJobs(4).verbose(5).open()) { ... }
 * }</pre>
 *
 * <p>Settings resolve as: a value set on the {@code Parallel} itself, else the innermost open scope
 * that sets it, else the default. Scopes nest and merge: an inner scope overrides only what it
 * sets. Scopes belong to the thread that opened them (tasks running on worker threads do not see
 * them) and must be closed in reverse order of opening, on that thread.
 *
 * @since 0.1
 */
public final class ParallelConfig {
  private static final ThreadLocal<Deque<Scope>> SCOPES = ThreadLocal.withInitial(ArrayDeque::new);

  private ParallelConfig() {}

  /**
   * Opens a scope in which calls use the given backend.
   *
   * @param backend a backend id such as {@code "threads"}, {@code "processes"}, {@code "spark"}
   * @return the open scope; close it to restore the previous settings
   * @throws NullPointerException if {@code backend} is null
   * @throws IllegalArgumentException if {@code backend} is blank
   */
  public static Scope use(String backend) {
    return builder().backend(backend).open();
  }

  /**
   * Starts building a scope with several settings.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The merged settings of the open scopes of this thread (empty outside any scope), which {@link
   * Parallel} hands to the engine with its own.
   */
  static Settings current() {
    Scope top = SCOPES.get().peek();
    return top == null ? Settings.EMPTY : top.merged;
  }

  /**
   * Refuses the options of {@code own} that the backend they go with does not declare: the backend
   * {@code own} names, else the one {@code enclosing} names; options where none is named must be
   * known to some backend. Options beside a backend instance are the instance's business.
   *
   * @param own the settings of a {@code Parallel} or a scope being opened
   * @param enclosing the merged settings of the scopes around it
   * @throws IllegalArgumentException if an option is unknown to its backend
   */
  static void checkOptions(Settings own, Settings enclosing) {
    if (own.options().isEmpty()) {
      return;
    }
    Settings named = own.namesBackend() ? own : enclosing;
    if (named.backendInstance() == null) {
      BackendRegistry.checkOptions(named.backendId(), own.options().keySet());
    }
  }

  /**
   * Builds a {@link Scope}. Each method sets one setting; what is not set is inherited from the
   * enclosing scope.
   *
   * @since 0.1
   */
  public static final class Builder {
    private Settings settings = Settings.EMPTY;

    private Builder() {}

    /**
     * Sets the backend by id.
     *
     * @param id such as {@code "threads"}
     * @return this builder
     * @throws NullPointerException if {@code id} is null
     * @throws IllegalArgumentException if {@code id} is blank
     */
    public Builder backend(String id) {
      settings = settings.withBackend(Check.backendId(id));
      return this;
    }

    /**
     * Sets a backend instance, such as one wrapping an existing Spark session. The scope does not
     * close it.
     *
     * @param backend the backend, never null
     * @return this builder
     */
    public Builder backend(ParallelBackend backend) {
      settings = settings.withBackend(Check.notNull(backend, "backend"));
      return this;
    }

    /**
     * Sets the number of workers; see {@link Parallel#nJobs(int)}.
     *
     * @param nJobs positive, or negative to count back from the CPUs
     * @return this builder
     * @throws IllegalArgumentException if {@code nJobs} is 0
     */
    public Builder nJobs(int nJobs) {
      settings = settings.withNJobs(Check.nJobs(nJobs));
      return this;
    }

    /**
     * Sets a fixed batch size; see {@link Parallel#batchSize(int)}.
     *
     * @param batchSize at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code batchSize} is less than 1
     */
    public Builder batchSize(int batchSize) {
      settings = settings.withBatchSize(Check.batchSize(batchSize));
      return this;
    }

    /**
     * Sets the pre-dispatch window; see {@link Parallel#preDispatch(String)}.
     *
     * @param expression {@code "all"}, a count, or an expression in {@code n_jobs}
     * @return this builder
     * @throws IllegalArgumentException if the expression is not valid
     */
    public Builder preDispatch(String expression) {
      PreDispatch.validate(expression);
      settings = settings.withPreDispatch(expression);
      return this;
    }

    /**
     * Sets the timeout; see {@link Parallel#timeout(Duration)}.
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder timeout(Duration timeout) {
      settings = settings.withTimeout(Check.timeout(timeout));
      return this;
    }

    /**
     * Sets the verbosity; see {@link Parallel#verbose(int)}.
     *
     * @param verbose 0 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code verbose} is negative
     */
    public Builder verbose(int verbose) {
      settings = settings.withVerbose(Check.verbose(verbose));
      return this;
    }

    /**
     * Sets the hard backend constraint; see {@link Parallel#require(Require)}.
     *
     * @param require the constraint, never null
     * @return this builder
     */
    public Builder require(Require require) {
      settings = settings.withRequire(Check.notNull(require, "require"));
      return this;
    }

    /**
     * Sets the soft backend hint; see {@link Parallel#prefer(Prefer)}.
     *
     * @param prefer the hint, never null
     * @return this builder
     */
    public Builder prefer(Prefer prefer) {
      settings = settings.withPrefer(Check.notNull(prefer, "prefer"));
      return this;
    }

    /**
     * Sets a backend option (joblib's {@code backend_params}); see {@link Parallel#option(String,
     * String)}.
     *
     * @param name the option's name, never null or blank
     * @param value its value, never null
     * @return this builder
     */
    public Builder option(String name, String value) {
      Check.option(name, value);
      settings = settings.withOption(name, value);
      return this;
    }

    /**
     * Limits the threads inside each worker, joblib's {@code inner_max_num_threads}: the {@code
     * processes} backend sets {@code OMP_NUM_THREADS}, {@code OPENBLAS_NUM_THREADS}, {@code
     * MKL_NUM_THREADS}, {@code BLIS_NUM_THREADS}, {@code VECLIB_MAXIMUM_THREADS}, {@code
     * NUMEXPR_NUM_THREADS} and {@code NUMBA_NUM_THREADS} (and {@code -XX:ActiveProcessorCount}) of
     * its worker JVMs to it, and a {@code Parallel} call made inside a task of a {@code processes}
     * or {@code threads} call runs on up to this many threads: its own {@code nJobs}, capped.
     * Without it, a worker JVM's variables are its share of the CPUs ({@code max(1, cpuCount /
     * nJobs)}, unless set in this JVM's environment), a call inside a {@code processes} task gets
     * the threads its {@code nJobs} asks for, and a call inside a {@code threads} task runs
     * sequentially. Calls nested deeper run sequentially either way.
     *
     * @param innerMaxNumThreads at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code innerMaxNumThreads} is less than 1
     */
    public Builder innerMaxNumThreads(int innerMaxNumThreads) {
      settings = settings.withInnerMaxNumThreads(Check.innerMaxNumThreads(innerMaxNumThreads));
      return this;
    }

    /**
     * Opens the scope on the current thread.
     *
     * @return the open scope
     * @throws IllegalArgumentException if an option is not one the backend it goes with declares
     *     (the backend this scope names, else the enclosing scope's; with none named, some
     *     backend's); the message names the option and the known names
     */
    public Scope open() {
      checkOptions(settings, current());
      Deque<Scope> stack = SCOPES.get();
      Scope scope = new Scope(current().overlaidWith(settings), Thread.currentThread());
      stack.push(scope);
      return scope;
    }
  }

  /**
   * An open {@link ParallelConfig}; closing it restores the settings that were in effect before.
   *
   * @since 0.1
   */
  public static final class Scope implements AutoCloseable {
    private final Settings merged;
    private final Thread owner;
    private boolean closed;

    private Scope(Settings merged, Thread owner) {
      this.merged = merged;
      this.owner = owner;
    }

    /**
     * Closes the scope. Closing it again has no effect.
     *
     * @throws IllegalStateException if an inner scope is still open, or if called from another
     *     thread than the one that opened it
     */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      if (Thread.currentThread() != owner) {
        throw new IllegalStateException(
            "a ParallelConfig scope must be closed by the thread that opened it ("
                + owner.getName()
                + "), not "
                + Thread.currentThread().getName());
      }
      Deque<Scope> stack = SCOPES.get();
      if (stack.peek() != this) {
        throw new IllegalStateException(
            "ParallelConfig scopes must be closed in reverse order of opening: an inner scope is"
                + " still open");
      }
      stack.pop();
      closed = true;
    }
  }
}
