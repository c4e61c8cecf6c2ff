package dev.joblib;

import dev.joblib.spi.ParallelBackend;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The settings of a {@link Parallel} or a {@link ParallelConfig} scope; null means "not set here".
 * Immutable: the {@code with} methods return changed copies.
 */
record Settings(
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
    Map<String, String> options) {

  static final Settings EMPTY =
      new Settings(null, null, null, null, null, null, null, null, null, null, null, Map.of());

  /** These settings with every field that {@code over} sets replaced; options are merged. */
  Settings overlaidWith(Settings over) {
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
        Map.copyOf(merged));
  }

  private static <T> T pick(T preferred, T fallback) {
    return preferred != null ? preferred : fallback;
  }

  boolean namesBackend() {
    return backendId != null || backendInstance != null;
  }

  /** A copy with the changes {@code edit} makes to a mutable draft. */
  Settings with(Consumer<Draft> edit) {
    Draft draft = new Draft(this);
    edit.accept(draft);
    return draft.freeze();
  }

  /** A copy that names the backend by id (dropping any instance). */
  Settings withBackend(String id) {
    return with(
        d -> {
          d.backendId = id;
          d.backendInstance = null;
        });
  }

  /** A copy that uses a backend instance (dropping any id). */
  Settings withBackend(ParallelBackend instance) {
    return with(
        d -> {
          d.backendId = null;
          d.backendInstance = instance;
        });
  }

  /** A copy with one more backend option. */
  Settings withOption(String name, String value) {
    return with(d -> d.options.put(name, value));
  }

  /** Settings being changed; frozen back into an immutable record. */
  static final class Draft {
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
          Map.copyOf(options));
    }
  }
}
