package dev.joblib.spi;

import java.util.Objects;

/**
 * What a {@code Parallel} call made inside a task runs by: carried by each {@link Batch} to its
 * worker (another thread, JVM or machine), where {@link RunningTask} shows it to the planner of the
 * task's own calls.
 *
 * @param backend the backend id for calls made inside the tasks, such as {@code "sequential"}
 * @param level the nesting level of the tasks: 1 for tasks of a top-level call, 0 when the tasks
 *     run in the caller's thread and their own calls are planned as top-level ones
 * @param depth the number of {@code Parallel} calls the tasks run inside, their own included: 1 for
 *     tasks of a call made outside any task; this is what the nesting-depth limit counts
 * @param innerMaxNumThreads the thread limit of the tasks' own calls and native thread pools set by
 *     {@code ParallelConfig.Builder.innerMaxNumThreads}, or 0 when not set
 * @since 0.1
 */
public record Nesting(String backend, int level, int depth, int innerMaxNumThreads) {

  /**
   * Checks the values.
   *
   * @param backend the backend id for calls made inside the tasks
   * @param level the nesting level of the tasks, 0 or more
   * @param depth the nesting depth of the tasks, at least 1
   * @param innerMaxNumThreads 0 (not set) or positive
   * @throws NullPointerException if {@code backend} is null
   * @throws IllegalArgumentException if a number is out of range
   */
  public Nesting {
    Objects.requireNonNull(backend, "backend");
    if (level < 0 || depth < 1 || innerMaxNumThreads < 0) {
      throw new IllegalArgumentException(
          "nesting: level >= 0, depth >= 1, innerMaxNumThreads >= 0, got "
              + level
              + ", "
              + depth
              + ", "
              + innerMaxNumThreads);
    }
  }
}
