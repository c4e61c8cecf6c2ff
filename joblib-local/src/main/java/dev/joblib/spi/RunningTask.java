package dev.joblib.spi;

import java.util.SplittableRandom;

/**
 * The task running on the current thread: what {@code TaskContext.current()} shows the task, and
 * what a {@code Parallel} call made inside the task reads to run on the nested backend.
 *
 * <p>Read-only outside this package: only {@link Batch#run()} sets it, for the duration of a batch,
 * moving it from task to task. A backend never creates one; it runs the batch and the batch sets up
 * the context.
 *
 * @since 0.1
 */
public final class RunningTask {
  private static final ThreadLocal<RunningTask> CURRENT = new ThreadLocal<>();
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private final long seed;
  private final String backendId;
  private final Nesting nesting;
  private int index;
  private SplittableRandom random;

  RunningTask(int index, long seed, String backendId, Nesting nesting) {
    this.index = index;
    this.seed = seed;
    this.backendId = backendId;
    this.nesting = nesting;
  }

  /** Makes {@code task} current and returns the one it replaces, for {@link #exit}. */
  static RunningTask enter(RunningTask task) {
    RunningTask previous = CURRENT.get();
    CURRENT.set(task);
    return previous;
  }

  /** Restores what {@link #enter} replaced. */
  static void exit(RunningTask previous) {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }

  /**
   * Returns the task running on this thread.
   *
   * @return the task, or null outside a task
   */
  public static RunningTask current() {
    return CURRENT.get();
  }

  /** Moves on to the batch's next task: its index, and a fresh random generator. */
  void moveTo(int index) {
    this.index = index;
    this.random = null;
  }

  /**
   * Returns the index of the task in the call's input.
   *
   * @return from 0
   */
  public int index() {
    return index;
  }

  /**
   * Returns the id of the backend running the task.
   *
   * @return such as {@code "threads"}
   */
  public String backendId() {
    return backendId;
  }

  /**
   * Returns the backend id for {@code Parallel} calls made inside the task.
   *
   * @return the nested backend's id
   */
  public String nestedBackend() {
    return nesting.backend();
  }

  /**
   * Returns the nesting level of the task: 1 for a task of a top-level call, 0 when the task runs
   * in the caller's thread and its own calls are planned as top-level ones.
   *
   * @return the level
   */
  public int nestingLevel() {
    return nesting.level();
  }

  /**
   * Returns what {@code Parallel} calls made inside the task run by: the nested backend, the level,
   * the depth the nesting-depth limit counts, and the thread limit.
   *
   * @return the task's nesting
   */
  public Nesting nesting() {
    return nesting;
  }

  /**
   * Returns the task's random numbers: a function of the call's seed and the task index only. Meant
   * for the task's own thread.
   *
   * @return the same generator for the whole task
   */
  public SplittableRandom random() {
    if (random == null) {
      random = new SplittableRandom(mix64(seed + GOLDEN_GAMMA * (index + 1L)));
    }
    return random;
  }

  /** Stafford's variant 13 of the MurmurHash3 finalizer, as SplittableRandom uses. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
