package dev.joblib.internal.parallel;

import dev.joblib.Prefer;
import dev.joblib.ProgressListener;
import dev.joblib.Require;
import dev.joblib.spi.ParallelBackend;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The settings of a {@code Parallel} or a {@code ParallelConfig} scope; null means "not set here".
 * Immutable: the {@code with} methods return changed copies. This is the one value the API hands to
 * the engine: {@link CallPlanner} resolves it into a {@link CallPlan}. Values are checked by the
 * API before they get here.
 *
 * @param backendId the backend named by id, or null
 * @param backendInstance the backend given as an instance, or null
 * @param nJobs the requested number of workers, or null
 * @param batchSize a fixed batch size, or null
 * @param preDispatch the pre-dispatch expression, or null
 * @param timeout the per-batch timeout, or null
 * @param verbose joblib's verbosity level, or null
 * @param progress a progress listener, or null
 * @param require a hard constraint, or null
 * @param prefer a soft hint, or null
 * @param seed the seed of the tasks' random numbers, or null
 * @param options backend options, never null
 * @param innerMaxNumThreads the thread limit inside the workers (their nested calls and native
 *     thread pools), or null
 */
public record Settings(
    String backendId,
    ParallelBackend backendInstance,
    Integer nJobs,
    Integer batchSize,
    String preDispatch,
    Duration timeout,
    Integer verbose,
    ProgressListener progress,
    Require require,
    Prefer prefer,
    Long seed,
    Map<String, String> options,
    Integer innerMaxNumThreads) {

  /** Nothing set. */
  public static final Settings EMPTY =
      new Settings(
          null, null, null, null, null, null, null, null, null, null, null, Map.of(), null);

  /**
   * Returns these settings with every field that {@code over} sets replaced; options are merged.
   *
   * @param over the settings that win
   * @return the merged settings
   */
  public Settings overlaidWith(Settings over) {
    Map<String, String> merged = new HashMap<>(options);
    merged.putAll(over.options);
    boolean overNamesBackend = over.backendId != null || over.backendInstance != null;
    return new Settings(
        overNamesBackend ? over.backendId : backendId,
        overNamesBackend ? over.backendInstance : backendInstance,
        pick(over.nJobs, nJobs),
        pick(over.batchSize, batchSize),
        pick(over.preDispatch, preDispatch),
        pick(over.timeout, timeout),
        pick(over.verbose, verbose),
        pick(over.progress, progress),
        pick(over.require, require),
        pick(over.prefer, prefer),
        pick(over.seed, seed),
        Map.copyOf(merged),
        pick(over.innerMaxNumThreads, innerMaxNumThreads));
  }

  private static <T> T pick(T preferred, T fallback) {
    return preferred != null ? preferred : fallback;
  }

  /**
   * Tells whether these settings name a backend, by id or as an instance.
   *
   * @return true if a backend is set
   */
  public boolean namesBackend() {
    return backendId != null || backendInstance != null;
  }

  /**
   * Returns a copy that names the backend by id (dropping any instance).
   *
   * @param id the backend's id
   * @return the changed copy
   */
  public Settings withBackend(String id) {
    return with(
        d -> {
          d.backendId = id;
          d.backendInstance = null;
        });
  }

  /**
   * Returns a copy that uses a backend instance (dropping any id).
   *
   * @param instance the backend
   * @return the changed copy
   */
  public Settings withBackend(ParallelBackend instance) {
    return with(
        d -> {
          d.backendId = null;
          d.backendInstance = instance;
        });
  }

  /**
   * Returns a copy with one more backend option.
   *
   * @param name the option's name
   * @param value its value
   * @return the changed copy
   */
  public Settings withOption(String name, String value) {
    return with(d -> d.options.put(name, value));
  }

  /**
   * Returns a copy with the number of workers set.
   *
   * @param nJobs the requested number of workers
   * @return the changed copy
   */
  public Settings withNJobs(int nJobs) {
    return with(d -> d.nJobs = nJobs);
  }

  /**
   * Returns a copy with a fixed batch size.
   *
   * @param batchSize the batch size
   * @return the changed copy
   */
  public Settings withBatchSize(int batchSize) {
    return with(d -> d.batchSize = batchSize);
  }

  /**
   * Returns a copy with the pre-dispatch expression set.
   *
   * @param preDispatch the expression
   * @return the changed copy
   */
  public Settings withPreDispatch(String preDispatch) {
    return with(d -> d.preDispatch = preDispatch);
  }

  /**
   * Returns a copy with the per-batch timeout set.
   *
   * @param timeout the timeout
   * @return the changed copy
   */
  public Settings withTimeout(Duration timeout) {
    return with(d -> d.timeout = timeout);
  }

  /**
   * Returns a copy with the verbosity set.
   *
   * @param verbose joblib's verbosity level
   * @return the changed copy
   */
  public Settings withVerbose(int verbose) {
    return with(d -> d.verbose = verbose);
  }

  /**
   * Returns a copy with a progress listener.
   *
   * @param progress the listener
   * @return the changed copy
   */
  public Settings withProgress(ProgressListener progress) {
    return with(d -> d.progress = progress);
  }

  /**
   * Returns a copy with a hard constraint.
   *
   * @param require the constraint
   * @return the changed copy
   */
  public Settings withRequire(Require require) {
    return with(d -> d.require = require);
  }

  /**
   * Returns a copy with a soft hint.
   *
   * @param prefer the hint
   * @return the changed copy
   */
  public Settings withPrefer(Prefer prefer) {
    return with(d -> d.prefer = prefer);
  }

  /**
   * Returns a copy with the seed of the tasks' random numbers set.
   *
   * @param seed the seed
   * @return the changed copy
   */
  public Settings withSeed(long seed) {
    return with(d -> d.seed = seed);
  }

  /**
   * Returns a copy with the thread limit inside the workers set.
   *
   * @param innerMaxNumThreads the limit, at least 1
   * @return the changed copy
   */
  public Settings withInnerMaxNumThreads(int innerMaxNumThreads) {
    return with(d -> d.innerMaxNumThreads = innerMaxNumThreads);
  }

  /** A copy with the changes {@code edit} makes to a mutable draft. */
  private Settings with(Consumer<Draft> edit) {
    Draft draft = new Draft(this);
    edit.accept(draft);
    return draft.freeze();
  }

  /** Settings being changed; frozen back into an immutable record. */
  private static final class Draft {
    String backendId;
    ParallelBackend backendInstance;
    Integer nJobs;
    Integer batchSize;
    String preDispatch;
    Duration timeout;
    Integer verbose;
    ProgressListener progress;
    Require require;
    Prefer prefer;
    Long seed;
    final Map<String, String> options;
    Integer innerMaxNumThreads;

    private Draft(Settings from) {
      backendId = from.backendId;
      backendInstance = from.backendInstance;
      nJobs = from.nJobs;
      batchSize = from.batchSize;
      preDispatch = from.preDispatch;
      timeout = from.timeout;
      verbose = from.verbose;
      progress = from.progress;
      require = from.require;
      prefer = from.prefer;
      seed = from.seed;
      options = new HashMap<>(from.options);
      innerMaxNumThreads = from.innerMaxNumThreads;
    }

    private Settings freeze() {
      return new Settings(
          backendId,
          backendInstance,
          nJobs,
          batchSize,
          preDispatch,
          timeout,
          verbose,
          progress,
          require,
          prefer,
          seed,
          Map.copyOf(options),
          innerMaxNumThreads);
    }
  }
}
