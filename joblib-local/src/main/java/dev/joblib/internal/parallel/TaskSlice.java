package dev.joblib.internal.parallel;

import dev.joblib.Fn1;
import dev.joblib.Joblib;
import dev.joblib.Task;
import dev.joblib.spi.Batch;
import dev.joblib.spi.Nesting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Consecutive tasks read from a call's input, not yet a batch: task objects, or the arguments of
 * one function ({@link MappedItems}), which become a batch without a task object per argument.
 */
final class TaskSlice {
  private final List<Task<?>> tasks;
  private final Fn1<?, ?> function;
  private final Object[] arguments;

  private TaskSlice(List<Task<?>> tasks, Fn1<?, ?> function, Object[] arguments) {
    this.tasks = tasks;
    this.function = function;
    this.arguments = arguments;
  }

  static TaskSlice of(List<Task<?>> tasks) {
    return new TaskSlice(tasks, null, null);
  }

  static TaskSlice ofCalls(Fn1<?, ?> function, Object[] arguments) {
    return new TaskSlice(null, function, arguments);
  }

  int size() {
    return tasks != null ? tasks.size() : arguments.length;
  }

  boolean isEmpty() {
    return size() == 0;
  }

  /** The first task, as a task object. */
  Task<?> first() {
    return tasks != null ? tasks.get(0) : Joblib.delayed(cast(function), arguments[0]);
  }

  /** The slice's tasks as a batch. */
  Batch batch(int sequence, int firstIndex, long seed, String backendId, Nesting nesting) {
    return tasks != null
        ? new Batch(sequence, firstIndex, tasks, seed, backendId, nesting)
        : Batch.ofCalls(sequence, firstIndex, function, arguments, seed, backendId, nesting);
  }

  /** The slice cut into consecutive slices of {@code size} tasks (the last may be smaller). */
  List<TaskSlice> split(int size) {
    List<TaskSlice> parts = new ArrayList<>();
    for (int from = 0; from < size(); from += size) {
      int to = Math.min(from + size, size());
      parts.add(
          tasks != null
              ? of(tasks.subList(from, to))
              : ofCalls(function, Arrays.copyOfRange(arguments, from, to)));
    }
    return parts;
  }

  @SuppressWarnings("unchecked")
  private static Fn1<Object, Object> cast(Fn1<?, ?> function) {
    return (Fn1<Object, Object>) function;
  }
}
