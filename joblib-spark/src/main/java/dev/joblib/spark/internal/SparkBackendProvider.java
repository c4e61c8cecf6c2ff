package dev.joblib.spark.internal;

import dev.joblib.spi.BackendSpec;
import dev.joblib.spi.ParallelBackend;
import dev.joblib.spi.ParallelBackendProvider;

/**
 * Registers the "spark" backend. It runs on the process's Spark session (or one it creates), and by
 * default on all the cluster's cores.
 */
public final class SparkBackendProvider implements ParallelBackendProvider {
  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public SparkBackendProvider() {}

  @Override
  public String id() {
    return SparkEngine.ID;
  }

  @Override
  public ParallelBackend create(BackendSpec spec) {
    if (!spec.options().isEmpty()) {
      throw new IllegalArgumentException(
          "option: the spark backend takes no options, got "
              + spec.options().keySet()
              + " (configure Spark with spark.* system properties or pass a session with"
              + " SparkBackend.of(session))");
    }
    return new SparkEngine(SessionLease.fromEnvironment(), spec.nJobs());
  }

  /** All the cluster's cores: {@code ParallelConfig.use("spark")} runs on the whole cluster. */
  @Override
  public int defaultNJobs() {
    return -1;
  }
}
