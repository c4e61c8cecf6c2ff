package dev.joblib.internal.parallel;

import dev.joblib.Task;
import dev.joblib.spi.DispatchPolicy;
import java.util.ArrayList;
import java.util.Arrays;
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
  private int finalSize;

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
  TaskSlice nextBatch() {
    return read(batchSize());
  }

  /** The next wave, the window's tasks split into batches; empty once the input has ended. */
  List<TaskSlice> nextWave() {
    TaskSlice slice = read(plan.preDispatch());
    int size =
        plan.batchSize() != null
            ? plan.batchSize()
            : (int) Math.max(1, (slice.size() + 2L * plan.nJobs() - 1) / (2L * plan.nJobs()));
    return slice.split(size);
  }

  /**
   * The size of the next batch: fixed, or tuned; near the end of an input of known size, batches
   * get smaller so that no worker is left with a long tail: as joblib does, once fewer than a batch
   * per worker remain, that final slice goes out in batches of a tenth of its share per worker
   * (about {@code 10 * nJobs} batches; recomputing the share from what is left at each batch would
   * shrink them geometrically, hundreds of batches).
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
        if (finalSize == 0) {
          finalSize = (int) Math.max(1, remaining / (10L * plan.nJobs()));
        }
        size = Math.min(size, finalSize);
      }
    }
    return size;
  }

  /** Reads up to {@code count} tasks from the input. */
  private TaskSlice read(int count) {
    return input instanceof MappedItems<?, ?> items
        ? TaskSlice.ofCalls(items.function(), readItems(items, count))
        : TaskSlice.of(readTasks(count));
  }

  /** Reads up to {@code count} items of a {@code map}: the arguments of its next tasks. */
  private Object[] readItems(MappedItems<?, ?> items, int count) {
    long known = total.isPresent() ? Math.max(0, total.getAsLong() - read) : Long.MAX_VALUE;
    Object[] arguments = new Object[(int) Math.min(Math.min(count, known), 1 << 16)];
    int n = 0;
    while (n < count && !done) {
      if (!items.hasNext()) {
        done = true;
        break;
      }
      if (n == arguments.length) {
        arguments = Arrays.copyOf(arguments, (int) Math.min(count, 2L * n + 1));
      }
      arguments[n++] = items.nextItem();
      read++;
    }
    return n == arguments.length ? arguments : Arrays.copyOf(arguments, n);
  }

  private List<Task<?>> readTasks(int count) {
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
