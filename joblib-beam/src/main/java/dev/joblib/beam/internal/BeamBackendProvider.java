package dev.joblib.beam.internal;

import dev.joblib.beam.BeamBackend;
import dev.joblib.spi.BackendSpec;
import dev.joblib.spi.ParallelBackend;
import dev.joblib.spi.ParallelBackendProvider;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Registers the {@code "beam"} backend with {@link java.util.ServiceLoader}; users name it with
 * {@code backend("beam")} or build a {@link BeamBackend} themselves. Backend options set with
 * {@code Parallel.option(name, value)} or {@code ParallelConfig} are Beam pipeline options without
 * the leading dashes ({@code option("runner", "FlinkRunner")}, {@code option("tempLocation",
 * "/shared/tmp")}); {@code nJobs} sets the runner's parallelism, and -1 (the default) keeps the
 * runner's own.
 */
public final class BeamBackendProvider implements ParallelBackendProvider {
  /**
   * Creates the provider; called by {@link java.util.ServiceLoader}.
   *
   * @throws IllegalStateException if a library the backend needs is missing, naming its artifact
   *     (the registry then skips the backend and names this as the reason)
   */
  public BeamBackendProvider() {
    BeamClassPath.require();
  }

  @Override
  public String id() {
    return BeamBackend.ID;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if an option is not a Beam pipeline option known on the class
   *     path, or its value is not valid, or nJobs is set for a runner whose parallelism joblib
   *     cannot set
   */
  @Override
  public ParallelBackend create(BackendSpec spec) {
    PipelineOptions options;
    RunnerOptions.registerFileSystemOptions();
    try {
      options = PipelineOptionsFactory.fromArgs(RunnerOptions.toArgs(spec.options())).create();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "options: not valid Beam pipeline options " + spec.options() + ": " + e.getMessage(), e);
    }
    if (spec.nJobs() != -1) {
      int runner = RunnerOptions.parallelism(options);
      int wanted = spec.nJobs() > 0 ? spec.nJobs() : Math.max(runner + 1 + spec.nJobs(), 1);
      if (!RunnerOptions.setParallelism(options, wanted)) {
        throw new IllegalArgumentException(
            "nJobs: "
                + spec.nJobs()
                + " cannot be applied on the "
                + RunnerOptions.runnerName(options)
                + ": joblib sets the parallelism of the DirectRunner (targetParallelism) and of the"
                + " Flink runner (parallelism) only; leave nJobs at -1 and size this runner with its"
                + " own options (such as sparkMaster=local[N], or Dataflow's maxNumWorkers)");
      }
    }
    return BeamBackend.of(options);
  }

  /** Returns -1: all of the runner's parallelism. */
  @Override
  public int defaultNJobs() {
    return -1;
  }
}
