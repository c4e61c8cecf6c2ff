package dev.joblib.spark.internal;

import dev.joblib.spi.BackendSpec;
import dev.joblib.spi.ParallelBackend;
import dev.joblib.spi.ParallelBackendProvider;
import java.util.Optional;
import java.util.Set;

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

  /**
   * {@code cpusPerTask} and {@code gpusPerTask}, as {@code SparkBackend.cpusPerTask} and {@code
   * gpusPerTask}; the rest of Spark is configured with {@code spark.*} properties. Declared, so
   * that another option named for spark is refused before the call, while a scope's options meant
   * for other backends are ignored here.
   */
  @Override
  public Optional<Set<String>> optionNames() {
    return Optional.of(Set.of(ResourceRequest.CPUS, ResourceRequest.GPUS));
  }

  @Override
  public ParallelBackend create(BackendSpec spec) {
    requireSpark();
    ResourceRequest resources = ResourceRequest.DEFAULT;
    Optional<String> cpus = spec.option(ResourceRequest.CPUS);
    if (cpus.isPresent()) {
      resources = resources.withCpusPerTask((int) number(ResourceRequest.CPUS, cpus.get(), true));
    }
    Optional<String> gpus = spec.option(ResourceRequest.GPUS);
    if (gpus.isPresent()) {
      resources = resources.withGpusPerTask(number(ResourceRequest.GPUS, gpus.get(), false));
    }
    return new SessionEngine(SessionLease.fromEnvironment(), spec.nJobs(), resources);
  }

  /** An option's number; the checks of its range are the backend's. */
  private static double number(String option, String value, boolean whole) {
    try {
      return whole ? Integer.parseInt(value.strip()) : Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "backend 'spark': option "
              + option
              + " must be "
              + (whole ? "a whole number" : "a number")
              + " of at least 1"
              + (whole ? "" : " (or a fraction below 1 to share a GPU)")
              + ", got '"
              + value
              + "'",
          e);
    }
  }

  /**
   * Fails with a clear message when Spark itself (provided by the cluster, or its Connect client)
   * is missing.
   */
  private static void requireSpark() {
    ClassLoader loader = SparkBackendProvider.class.getClassLoader();
    try {
      Class.forName(ClassicSession.CLASSIC, false, loader);
    } catch (ClassNotFoundException | LinkageError classic) {
      try {
        Class.forName(ClassicSession.CONNECT, false, loader);
      } catch (ClassNotFoundException | LinkageError connect) {
        classic.addSuppressed(connect);
        throw new IllegalStateException(
            "backend 'spark': Spark is not on the class path; run the job with spark-submit, or add"
                + " org.apache.spark:spark-sql_2.13 (4.x) to the application, or its Spark Connect"
                + " client org.apache.spark:spark-connect-client-jvm_2.13 for an sc:// server",
            classic);
      }
    }
  }

  /** All the cluster's cores: {@code ParallelConfig.use("spark")} runs on the whole cluster. */
  @Override
  public int defaultNJobs() {
    return -1;
  }
}
