package dev.joblib;

import dev.joblib.spi.RunningTask;
import java.util.SplittableRandom;

/**
 * What a task can learn about itself while it runs: its index in the call's input and its own
 * random numbers.
 *
 * <pre>{@code
 * List<Double> draws = Parallel.create().nJobs(2).seed(42)
 *     .map(List.of(1, 2, 3), n -> TaskContext.current().random().nextDouble());
 * // the same three numbers on every backend and for every nJobs
 * }</pre>
 *
 * <p>The random generator is derived from the call's {@link Parallel#seed(long) seed} and the task
 * index only, so a seeded call gives the same numbers whatever the backend, the number of workers
 * or the batching; two tasks never share a stream. An unseeded call draws a fresh seed per call.
 *
 * @since 0.1
 */
public final class TaskContext {
  private final RunningTask task;

  private TaskContext(RunningTask task) {
    this.task = task;
  }

  /**
   * Returns the context of the task running on the current thread.
   *
   * @return the context, valid until the task returns
   * @throws IllegalStateException if no {@link Parallel} task is running on this thread
   */
  public static TaskContext current() {
    RunningTask task = RunningTask.current();
    if (task == null) {
      throw new IllegalStateException(
          "TaskContext.current() is only available inside a task run by Parallel");
    }
    return new TaskContext(task);
  }

  /**
   * Returns the index of the running task in the call's input.
   *
   * @return from 0
   */
  public int taskIndex() {
    return task.index();
  }

  /**
   * Returns the task's random generator: a function of the call's seed and the task index.
   *
   * @return the same generator for every call during one task, never null
   */
  public SplittableRandom random() {
    return task.random();
  }

  /**
   * Returns the id of the backend running the task.
   *
   * @return such as {@code "threads"}
   */
  public String backend() {
    return task.backendId();
  }
}
