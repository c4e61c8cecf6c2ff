package dev.joblib.internal.parallel;

import dev.joblib.Task;
import dev.joblib.spi.DispatchPolicy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads a call's tasks from its input, lazily, and cuts them into batches: of the fixed size, of
 * the size {@link AutoBatcher} tunes (smaller near the end of an input of known size), or into a
 * whole wave split evenly over the workers.
 */
final class TaskFeed {
  private final Iterator<? extends Task<?>> input;
  private final CallPlan plan;
  private final DispatchPolicy policy;
  private final AutoBatcher batcher;
  private final OptionalLong total;
  private long read;
  private boolean done;

  TaskFeed(
      Iterator<? extends Task<?>> input,
      CallPlan plan,
      DispatchPolicy policy,
      AutoBatcher batcher,
      OptionalLong total) {
    this.input = input;
    this.plan = plan;
    this.policy = policy;
    this.batcher = batcher;
    this.total = total;
  }

  /** Whether the input has ended. */
  boolean done() {
    return done;
  }

  /** The tasks of the next batch; empty once the input has ended. */
  List<Task<?>> nextBatch() {
    return read(batchSize());
  }

  /** The next wave, the window's tasks split into batches; empty once the input has ended. */
  List<List<Task<?>>> nextWave() {
    List<Task<?>> slice = read(plan.preDispatch());
    int size =
        plan.batchSize() != null
            ? plan.batchSize()
            : (int) Math.max(1, (slice.size() + 2L * plan.nJobs() - 1) / (2L * plan.nJobs()));
    List<List<Task<?>>> wave = new ArrayList<>();
    for (int from = 0; from < slice.size(); from += size) {
      wave.add(slice.subList(from, Math.min(from + size, slice.size())));
    }
    return wave;
  }

  /**
   * The size of the next batch: fixed, or tuned; near the end of an input of known size, batches
   * get smaller (joblib splits the last slice finer) so that no worker is left with a long tail.
   */
  private int batchSize() {
    if (plan.batchSize() != null) {
      return plan.batchSize();
    }
    if (!policy.autoBatching()) {
      return 1;
    }
    int size = batcher.size();
    if (total.isPresent()) {
      long remaining = total.getAsLong() - read;
      if (remaining < (long) size * plan.nJobs()) {
        size = (int) Math.max(1, Math.min(size, remaining / (10L * plan.nJobs())));
      }
    }
    return size;
  }

  /** Reads up to {@code count} tasks from the input. */
  private List<Task<?>> read(int count) {
    List<Task<?>> tasks = new ArrayList<>(Math.min(count, 1 << 16));
    while (tasks.size() < count && !done) {
      if (!input.hasNext()) {
        done = true;
        break;
      }
      Task<?> task = input.next();
      if (task == null) {
        throw new NullPointerException("tasks: the task at index " + read + " is null");
      }
      tasks.add(task);
      read++;
    }
    return tasks;
  }
}
