package dev.joblib.spi;

import dev.joblib.Fn1;
import dev.joblib.Joblib;
import dev.joblib.Task;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.IntConsumer;

/**
 * Consecutive tasks of one call, run together on one worker.
 *
 * <p>A backend ships the batch to a worker (it is {@link Serializable} when its tasks are) and
 * calls {@link #run()} there. Running sets up, per task, the {@link RunningTask} that {@code
 * TaskContext.current()} shows (index, seeded random numbers) and the nesting level that limits
 * {@code Parallel} calls made by the task; only running a batch can set it.
 *
 * @since 0.1
 */
public final class Batch implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The batch's number within its call, from 0. */
  private final int sequence;

  /** The index of the first task in the call's input. */
  private final int firstIndex;

  /** The tasks, in input order; null for a batch of {@link #function} calls. */
  private final Task<?>[] tasks;

  /** The function every task calls with its own argument ({@link #ofCalls}); else null. */
  private final Fn1<Object, Object> function;

  /** The arguments of the {@link #function} calls, in input order; else null. */
  private final Object[] arguments;

  /** The call's seed, from which each task's random numbers derive. */
  private final long seed;

  /** The id of the backend that runs this batch. */
  private final String backendId;

  /** The backend id for {@code Parallel} calls made inside the tasks. */
  private final String nestedBackend;

  /** The nesting level of the tasks: 1 for a top-level call. */
  private final int nestingLevel;

  /** The nesting depth of the tasks: 1 for a call made outside any task. */
  private final int nestingDepth;

  /** The thread limit of the tasks' own calls, or 0 when not set. */
  private final int innerMaxNumThreads;

  /**
   * Creates a batch whose tasks' depth is their level (at least 1) and whose calls have no thread
   * limit; see {@link #Batch(int, int, List, long, String, Nesting)}.
   *
   * @param sequence the batch's number within its call, from 0
   * @param firstIndex the index of the first task within the call's input
   * @param tasks the tasks, in input order; not empty
   * @param seed the call's seed, from which each task's random numbers derive
   * @param backendId the id of the backend that runs the batch
   * @param nestedBackend the backend id for {@code Parallel} calls made inside the tasks
   * @param nestingLevel the nesting level of the tasks: 1 for tasks of a top-level call
   */
  public Batch(
      int sequence,
      int firstIndex,
      List<? extends Task<?>> tasks,
      long seed,
      String backendId,
      String nestedBackend,
      int nestingLevel) {
    this(
        sequence,
        firstIndex,
        tasks,
        seed,
        backendId,
        new Nesting(nestedBackend, nestingLevel, Math.max(1, nestingLevel), 0));
  }

  /**
   * Creates a batch.
   *
   * @param sequence the batch's number within its call, from 0
   * @param firstIndex the index of the first task within the call's input
   * @param tasks the tasks, in input order; not empty
   * @param seed the call's seed, from which each task's random numbers derive
   * @param backendId the id of the backend that runs the batch
   * @param nesting what {@code Parallel} calls made inside the tasks run by
   */
  public Batch(
      int sequence,
      int firstIndex,
      List<? extends Task<?>> tasks,
      long seed,
      String backendId,
      Nesting nesting) {
    this(sequence, firstIndex, tasks.toArray(new Task<?>[0]), null, null, seed, backendId, nesting);
  }

  /**
   * Creates a batch whose tasks each call one function with one argument, as {@code Parallel.map}
   * makes them: the same batch as one of the tasks {@code delayed(function, argument)}, held
   * without a task object per argument.
   *
   * @param sequence the batch's number within its call, from 0
   * @param firstIndex the index of the first task within the call's input
   * @param function the function of every task
   * @param arguments each task's argument, in input order; not empty, elements may be null; the
   *     array is kept, not copied, and must not change afterwards
   * @param seed the call's seed, from which each task's random numbers derive
   * @param backendId the id of the backend that runs the batch
   * @param nesting what {@code Parallel} calls made inside the tasks run by
   * @return the batch
   * @since 0.1
   */
  @SuppressWarnings("unchecked")
  public static Batch ofCalls(
      int sequence,
      int firstIndex,
      Fn1<?, ?> function,
      Object[] arguments,
      long seed,
      String backendId,
      Nesting nesting) {
    return new Batch(
        sequence,
        firstIndex,
        null,
        (Fn1<Object, Object>) Objects.requireNonNull(function, "function"),
        arguments,
        seed,
        backendId,
        nesting);
  }

  private Batch(
      int sequence,
      int firstIndex,
      Task<?>[] tasks,
      Fn1<Object, Object> function,
      Object[] arguments,
      long seed,
      String backendId,
      Nesting nesting) {
    if ((tasks != null ? tasks.length : arguments.length) == 0) {
      throw new IllegalArgumentException("a batch needs at least one task");
    }
    this.sequence = sequence;
    this.firstIndex = firstIndex;
    this.tasks = tasks;
    this.function = function;
    this.arguments = arguments;
    this.seed = seed;
    this.backendId = Objects.requireNonNull(backendId, "backendId");
    Objects.requireNonNull(nesting, "nesting");
    this.nestedBackend = nesting.backend();
    this.nestingLevel = nesting.level();
    this.nestingDepth = nesting.depth();
    this.innerMaxNumThreads = nesting.innerMaxNumThreads();
  }

  /**
   * Returns the batch's number within its call.
   *
   * @return from 0, in submission order
   */
  public int sequence() {
    return sequence;
  }

  /**
   * Returns the index of the batch's first task in the call's input.
   *
   * @return from 0
   */
  public int firstIndex() {
    return firstIndex;
  }

  /**
   * Returns the number of tasks in this batch.
   *
   * @return at least 1
   */
  public int size() {
    return tasks != null ? tasks.length : arguments.length;
  }

  /**
   * Returns the batch's tasks.
   *
   * @return an unmodifiable list, in input order
   */
  public List<Task<?>> tasks() {
    if (tasks != null) {
      return List.of(tasks);
    }
    List<Task<?>> made = new ArrayList<>(arguments.length);
    for (Object argument : arguments) {
      made.add(Joblib.delayed(function, argument));
    }
    return Collections.unmodifiableList(made);
  }

  /**
   * Returns the function every task calls with its own argument, for a batch made by {@link
   * #ofCalls} (a backend may then ship the function once and the arguments alone).
   *
   * @return the function, or null for a batch of task objects
   */
  public Fn1<?, ?> callsFunction() {
    return function;
  }

  /**
   * Returns the argument of one task of a batch made by {@link #ofCalls}.
   *
   * @param i the task's position in the batch, from 0
   * @return the argument, possibly null
   * @throws IllegalStateException if the batch holds task objects ({@link #callsFunction()} is
   *     null)
   * @throws IndexOutOfBoundsException if {@code i} is not a position in the batch
   */
  public Object argument(int i) {
    if (arguments == null) {
      throw new IllegalStateException(this + " holds task objects, not calls of one function");
    }
    return arguments[i];
  }

  /**
   * Returns the call's seed, from which each task's random numbers derive (for a backend that
   * encodes batches its own way and rebuilds them with the constructor).
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns the backend id for {@code Parallel} calls made inside the tasks.
   *
   * @return the nested backend's id
   */
  public String nestedBackend() {
    return nestedBackend;
  }

  /**
   * Returns the nesting level of the tasks: 1 for tasks of a top-level call.
   *
   * @return the level
   */
  public int nestingLevel() {
    return nestingLevel;
  }

  /**
   * Returns what {@code Parallel} calls made inside the tasks run by.
   *
   * @return the nested backend, level, depth and thread limit
   */
  public Nesting nesting() {
    return new Nesting(nestedBackend, nestingLevel, nestingDepth, innerMaxNumThreads);
  }

  /**
   * Returns the id of the backend that runs this batch.
   *
   * @return the backend id
   */
  public String backendId() {
    return backendId;
  }

  /**
   * Runs the tasks in order in the current thread and reports what happened. The first task that
   * throws ends the batch; an interrupt between two tasks ends it with a {@link
   * CancellationException}. Never throws.
   *
   * @return the results, or the first failure with its task index
   */
  public BatchOutcome run() {
    return run(index -> {});
  }

  /**
   * Runs the tasks as {@link #run()} does and tells {@code beforeTask} the index of each task just
   * before it starts, so that a backend whose worker dies mid-batch can name the task that was
   * running.
   *
   * @param beforeTask called in the running thread with each task's index; it must be quick and
   *     must not throw
   * @return the results, or the first failure with its task index
   */
  public BatchOutcome run(IntConsumer beforeTask) {
    long start = System.nanoTime();
    int size = size();
    Object[] results = new Object[size];
    RunningTask running = new RunningTask(firstIndex, seed, backendId, nesting());
    RunningTask previous = RunningTask.enter(running);
    try {
      for (int i = 0; i < size; i++) {
        int index = firstIndex + i;
        if (Thread.currentThread().isInterrupted()) {
          return BatchOutcome.failure(
              this, index, new CancellationException("batch interrupted before task " + index));
        }
        running.moveTo(index);
        beforeTask.accept(index);
        try {
          results[i] = tasks != null ? tasks[i].call() : function.apply(arguments[i]);
        } catch (Throwable t) {
          return BatchOutcome.failure(this, index, t);
        }
      }
    } finally {
      RunningTask.exit(previous);
    }
    return BatchOutcome.success(this, results, System.nanoTime() - start);
  }

  @Override
  public String toString() {
    return "Batch[" + sequence + ": tasks " + firstIndex + ".." + (firstIndex + size() - 1) + "]";
  }

  /**
   * Serializes the batch in its compact form, {@link Form}.
   *
   * @return the form written in place of the batch
   */
  private Object writeReplace() {
    return new Form(this);
  }

  /**
   * Refuses the batch's plain form: a batch is only ever read from its {@link Form}, so a stream
   * that holds one otherwise is forged.
   *
   * @param in the stream
   * @throws InvalidObjectException always
   */
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a Batch is read from its compact form only");
  }

  /**
   * A batch as it travels: the function of its tasks once, and their arguments in one flat array. A
   * {@code map} batch of n tasks then costs n argument objects on the wire instead of 3n (each
   * {@link Task} and its argument array), the same as the arguments alone. Tasks that call
   * different functions (or one function with different arities) are told apart by a kind index.
   */
  private static final class Form implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The batch's number within its call. */
    private final int sequence;

    /** The index of the first task. */
    private final int firstIndex;

    /** The call's seed. */
    private final long seed;

    /** The id of the backend that runs the batch. */
    private final String backendId;

    /** The nesting of the tasks: backend, level, depth and thread limit of their calls. */
    private final String nestedBackend;

    /** See {@link #nestedBackend}. */
    private final int nestingLevel;

    /** See {@link #nestedBackend}. */
    private final int nestingDepth;

    /** See {@link #nestedBackend}. */
    private final int innerMaxNumThreads;

    /** The number of tasks. */
    private final int size;

    /** The distinct functions, in order of first use. */
    private final Serializable[] functions;

    /** The number of arguments each function is called with, parallel to {@link #functions}. */
    private final int[] arities;

    /**
     * Each task's index into {@link #functions}; null when every task uses the first, of arguments.
     */
    private final int[] kindOf;

    /**
     * Every task's arguments, one task after the other, as {@link BoxedValues#pack} writes them.
     */
    private final Object args;

    Form(Batch batch) {
      sequence = batch.sequence;
      firstIndex = batch.firstIndex;
      seed = batch.seed;
      backendId = batch.backendId;
      nestedBackend = batch.nestedBackend;
      nestingLevel = batch.nestingLevel;
      nestingDepth = batch.nestingDepth;
      innerMaxNumThreads = batch.innerMaxNumThreads;
      size = batch.size();
      if (batch.tasks == null) {
        functions = new Serializable[] {batch.function};
        arities = new int[] {1};
        kindOf = null;
        args = BoxedValues.pack(batch.arguments);
        return;
      }
      List<Serializable> distinct = new ArrayList<>(1);
      List<Integer> arityOf = new ArrayList<>(1);
      int[] kinds = new int[batch.tasks.length];
      List<Object> flat = new ArrayList<>(batch.tasks.length);
      boolean oneKind = true;
      for (int i = 0; i < batch.tasks.length; i++) {
        Task<?> task = batch.tasks[i];
        List<Object> taskArgs = task.args();
        int kind = kindOf(distinct, arityOf, task.function(), taskArgs.size());
        kinds[i] = kind;
        oneKind &= kind == 0;
        flat.addAll(taskArgs);
      }
      functions = distinct.toArray(new Serializable[0]);
      arities = arityOf.stream().mapToInt(Integer::intValue).toArray();
      kindOf = oneKind && arities[0] > 0 ? null : kinds; // the kinds count tasks of no argument
      args = BoxedValues.pack(flat.toArray());
    }

    private static int kindOf(
        List<Serializable> functions, List<Integer> arities, Serializable function, int arity) {
      for (int k = 0; k < functions.size(); k++) {
        if (functions.get(k) == function && arities.get(k) == arity) {
          return k;
        }
      }
      functions.add(function);
      arities.add(arity);
      return functions.size() - 1;
    }

    /**
     * The batch again, its tasks rebuilt with {@link Joblib#delayed}.
     *
     * @return the batch
     * @throws InvalidObjectException if the form is inconsistent
     */
    private Object readResolve() throws InvalidObjectException {
      Object[] flat = BoxedValues.unpack(args);
      requireConsistent(flat);
      Nesting nesting = new Nesting(nestedBackend, nestingLevel, nestingDepth, innerMaxNumThreads);
      if (kindOf == null && arities[0] == 1) {
        if (!(functions[0] instanceof Fn1<?, ?> one)) {
          throw new InvalidObjectException("a Batch form names a function of the wrong kind");
        }
        return ofCalls(sequence, firstIndex, one, flat, seed, backendId, nesting);
      }
      List<Task<?>> rebuilt = new ArrayList<>(size);
      int next = 0;
      for (int i = 0; i < size; i++) {
        int kind = kindOf == null ? 0 : kindOf[i];
        if (kind < 0 || kind >= functions.length || next + arities[kind] > flat.length) {
          throw new InvalidObjectException("a Batch form does not match its arguments");
        }
        rebuilt.add(task(functions[kind], flat, next, arities[kind]));
        next += arities[kind];
      }
      if (next != flat.length) {
        throw new InvalidObjectException("a Batch form has arguments left over");
      }
      return new Batch(sequence, firstIndex, rebuilt, seed, backendId, nesting);
    }

    /**
     * Refuses a form whose parts disagree before anything is allocated for its tasks: their number
     * is bounded by arrays present in the stream (the kinds, or the arguments).
     */
    private void requireConsistent(Object[] flat) throws InvalidObjectException {
      if (functions == null
          || arities == null
          || functions.length == 0
          || functions.length != arities.length
          || Arrays.stream(arities).anyMatch(a -> a < 0 || a > 4)
          || size < 1) {
        throw new InvalidObjectException("a Batch form is malformed");
      }
      boolean counted =
          kindOf == null
              ? functions.length == 1 && arities[0] > 0 && (long) size * arities[0] == flat.length
              : kindOf.length == size;
      if (!counted) {
        throw new InvalidObjectException("a Batch form holds " + size + " tasks");
      }
    }

    private static Task<?> task(Serializable function, Object[] args, int from, int arity)
        throws InvalidObjectException {
      try {
        return Tasks.of(function, Arrays.copyOfRange(args, from, from + arity));
      } catch (IllegalArgumentException | NullPointerException e) {
        InvalidObjectException invalid =
            new InvalidObjectException("a Batch form names a function of the wrong kind");
        invalid.initCause(e);
        throw invalid;
      }
    }
  }
}
