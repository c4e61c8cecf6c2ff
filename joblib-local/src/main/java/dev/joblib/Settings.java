package dev.joblib;

import dev.joblib.spi.ParallelBackend;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

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

  Settings withBackend(String id) {
    return new Settings(
        id,
        null,
        nJobs,
        batchSize,
        preDispatch,
        timeout,
        verbose,
        progress,
        require,
        prefer,
        seed,
        options);
  }

  Settings withBackend(ParallelBackend instance) {
    return new Settings(
        null,
        instance,
        nJobs,
        batchSize,
        preDispatch,
        timeout,
        verbose,
        progress,
        require,
        prefer,
        seed,
        options);
  }

  Settings withNJobs(Integer n) {
    return new Settings(
        backendId,
        backendInstance,
        n,
        batchSize,
        preDispatch,
        timeout,
        verbose,
        progress,
        require,
        prefer,
        seed,
        options);
  }

  Settings withBatchSize(Integer size) {
    return new Settings(
        backendId,
        backendInstance,
        nJobs,
        size,
        preDispatch,
        timeout,
        verbose,
        progress,
        require,
        prefer,
        seed,
        options);
  }

  Settings withPreDispatch(String expr) {
    return new Settings(
        backendId,
        backendInstance,
        nJobs,
        batchSize,
        expr,
        timeout,
        verbose,
        progress,
        require,
        prefer,
        seed,
        options);
  }

  Settings withTimeout(Duration t) {
    return new Settings(
        backendId,
        backendInstance,
        nJobs,
        batchSize,
        preDispatch,
        t,
        verbose,
        progress,
        require,
        prefer,
        seed,
        options);
  }

  Settings withVerbose(Integer v) {
    return new Settings(
        backendId,
        backendInstance,
        nJobs,
        batchSize,
        preDispatch,
        timeout,
        v,
        progress,
        require,
        prefer,
        seed,
        options);
  }

  Settings withProgress(ProgressListener p) {
    return new Settings(
        backendId,
        backendInstance,
        nJobs,
        batchSize,
        preDispatch,
        timeout,
        verbose,
        p,
        require,
        prefer,
        seed,
        options);
  }

  Settings withRequire(Require r) {
    return new Settings(
        backendId,
        backendInstance,
        nJobs,
        batchSize,
        preDispatch,
        timeout,
        verbose,
        progress,
        r,
        prefer,
        seed,
        options);
  }

  Settings withPrefer(Prefer p) {
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
        p,
        seed,
        options);
  }

  Settings withSeed(Long s) {
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
        s,
        options);
  }

  Settings withOption(String name, String value) {
    Map<String, String> changed = new HashMap<>(options);
    changed.put(name, value);
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
        Map.copyOf(changed));
  }
}
