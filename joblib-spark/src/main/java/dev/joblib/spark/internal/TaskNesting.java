package dev.joblib.spark.internal;

import dev.joblib.spi.Batch;
import dev.joblib.spi.Nesting;
import org.apache.spark.TaskContext;

/**
 * A Spark task granted several CPUs ({@code cpusPerTask}, a resource profile or {@code
 * spark.task.cpus}) lets the {@code Parallel} calls made by its joblib tasks use them: they run on
 * threads, at most that many ({@code nJobs(-1)} and {@code Joblib.effectiveNJobs(-1)} give that
 * number, or the executor machine's CPUs if fewer). A single-CPU task keeps them sequential.
 */
final class TaskNesting {
  /** The id of joblib's threads backend, run inside multi-CPU Spark tasks. */
  static final String THREADS = "threads";

  private TaskNesting() {}

  /** The batch, with the nesting the CPUs of the current Spark task allow. */
  static Batch forThisSparkTask(Batch batch) {
    TaskContext task = TaskContext.get();
    return task == null ? batch : withCpus(batch, task.cpus());
  }

  /**
   * The batch whose tasks' own calls run on up to {@code cpus} threads; the same batch for one CPU,
   * for tasks that run in the caller's thread, or when the calls are not sequential already.
   */
  static Batch withCpus(Batch batch, int cpus) {
    Nesting nesting = batch.nesting();
    if (cpus <= 1 || nesting.level() == 0 || !nesting.backend().equals("sequential")) {
      return batch;
    }
    int limit =
        nesting.innerMaxNumThreads() > 0 ? Math.min(nesting.innerMaxNumThreads(), cpus) : cpus;
    return new Batch(
        batch.sequence(),
        batch.firstIndex(),
        batch.tasks(),
        batch.seed(),
        batch.backendId(),
        new Nesting(THREADS, nesting.level(), nesting.depth(), limit));
  }
}
