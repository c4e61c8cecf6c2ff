package dev.joblib.internal.parallel;

import dev.joblib.ProgressListener;
import dev.joblib.spi.Nesting;
import dev.joblib.spi.ParallelBackend;
import java.time.Duration;

/**
 * The resolved settings of one call: what the engine ({@link ParallelCall}) runs by.
 *
 * @param backend the backend that runs the batches
 * @param nJobs the effective number of workers, at least 1
 * @param batchSize a fixed batch size, or null for the backend's policy
 * @param preDispatch the number of tasks read ahead
 * @param timeout the per-batch timeout, or null
 * @param verbose joblib's verbosity level
 * @param progress a listener, or null
 * @param seed the seed of the tasks' random numbers
 * @param nesting what calls made inside the tasks run by (its depth is the tasks' depth: above 1
 *     when this call is itself made inside a task)
 */
public record CallPlan(
    ParallelBackend backend,
    int nJobs,
    Integer batchSize,
    int preDispatch,
    Duration timeout,
    int verbose,
    ProgressListener progress,
    long seed,
    Nesting nesting) {}
