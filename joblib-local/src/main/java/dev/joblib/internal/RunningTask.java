package dev.joblib.internal;

import java.util.SplittableRandom;

/**
 * The task running on the current thread, as {@code TaskContext} shows it. Internal: set by {@code
 * Batch.run()} for the duration of a batch and moved from task to task.
 */
public final class RunningTask {
  private static final ThreadLocal<RunningTask> CURRENT = new ThreadLocal<>();
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private final long seed;
  private final String backendId;
  private final String nestedBackend;
  private final int nestingLevel;
  private int index;
  private SplittableRandom random;

  public RunningTask(
      int index, long seed, String backendId, String nestedBackend, int nestingLevel) {
    this.index = index;
    this.seed = seed;
    this.backendId = backendId;
    this.nestedBackend = nestedBackend;
    this.nestingLevel = nestingLevel;
  }

  /** Makes {@code task} current and returns the one it replaces, for {@link #exit}. */
  public static RunningTask enter(RunningTask task) {
    RunningTask previous = CURRENT.get();
    CURRENT.set(task);
    return previous;
  }

  /** Restores what {@link #enter} replaced. */
  public static void exit(RunningTask previous) {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }

  /** The task running on this thread, or null outside a task. */
  public static RunningTask current() {
    return CURRENT.get();
  }

  public void moveTo(int index) {
    this.index = index;
    this.random = null;
  }

  public int index() {
    return index;
  }

  public String backendId() {
    return backendId;
  }

  public String nestedBackend() {
    return nestedBackend;
  }

  public int nestingLevel() {
    return nestingLevel;
  }

  /** The task's random numbers: a function of the call's seed and the task index only. */
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
