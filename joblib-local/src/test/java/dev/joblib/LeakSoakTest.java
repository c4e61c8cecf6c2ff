package dev.joblib;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Many calls in a row leak no threads, worker processes or file descriptors, and one stream over
 * millions of tasks runs in bounded memory. Counts are taken from {@code /proc/self/fd}, the live
 * threads and this JVM's child processes, after a warm-up and again after the soak, letting idle
 * threads end first. Sizes can be raised with {@code -Djoblib.soak.threadCalls}, {@code
 * -Djoblib.soak.processCalls} and {@code -Djoblib.soak.streamTasks} (see docs/guarantees.md).
 */
@Tag("reliability")
class LeakSoakTest {
  private static final int THREAD_CALLS = Integer.getInteger("joblib.soak.threadCalls", 10_000);
  private static final int PROCESS_CALLS = Integer.getInteger("joblib.soak.processCalls", 10_000);
  private static final int STREAM_TASKS = Integer.getInteger("joblib.soak.streamTasks", 5_000_000);

  /**
   * Threads and descriptors the JVM and the other tests sharing it may add during a soak (JIT and
   * GC threads, lazily opened jars). A leak per call would add thousands over the calls counted
   * here; threads named {@code joblib-*}, which only this library starts, get no slack at all.
   */
  private static final int THREAD_SLACK = 16;

  private static final int FD_SLACK = 16;

  private static int openFileDescriptors() {
    String[] fds = new File("/proc/self/fd").list();
    assertThat(fds).as("/proc/self/fd must be listable on this OS").isNotNull();
    return fds.length;
  }

  private static Set<Thread> liveThreads() {
    return new HashSet<>(Thread.getAllStackTraces().keySet());
  }

  private static boolean ours(Thread thread) {
    return thread.getName().startsWith("joblib-");
  }

  private static Set<Long> childPids() {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  /**
   * Waits, up to 20 s, until no threads-backend thread is left from the warm-up and the live
   * threads have stayed the same for half a second, so that threads ending late are not counted.
   */
  private static void quiesceThreads() throws InterruptedException {
    int last = -1;
    int stable = 0;
    for (int i = 0; i < 200 && stable < 5; i++) {
      Set<Thread> live = liveThreads();
      int now = live.size();
      boolean ours = live.stream().anyMatch(t -> t.getName().startsWith("joblib-threads-"));
      stable = now == last && !ours ? stable + 1 : 0;
      last = now;
      Thread.sleep(100);
    }
  }

  /** Waits up to 20 s for a count to come down to {@code limit}; returns the last value seen. */
  private static int settle(IntSupplier count, int limit) throws InterruptedException {
    int value = count.getAsInt();
    for (int i = 0; i < 200 && value > limit; i++) {
      Thread.sleep(100);
      value = count.getAsInt();
    }
    return value;
  }

  private static String names(Set<Thread> threads) {
    return threads.stream().map(Thread::getName).sorted().collect(Collectors.joining(", "));
  }

  private static List<Task<Integer>> tasks(int n) {
    List<Task<Integer>> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tasks.add(delayed((Integer x) -> x * 2, i));
    }
    return tasks;
  }

  private static void assertNoLeak(
      Set<Thread> threadsBefore, int fdsBefore, int calls, String backend)
      throws InterruptedException {
    int threads = settle(() -> liveThreads().size(), threadsBefore.size());
    long oursBefore = threadsBefore.stream().filter(LeakSoakTest::ours).count();
    long ours =
        settle(
            () -> (int) liveThreads().stream().filter(LeakSoakTest::ours).count(),
            (int) oursBefore);
    Set<Thread> added = liveThreads();
    added.removeAll(threadsBefore);
    int fds = settle(LeakSoakTest::openFileDescriptors, fdsBefore);
    System.out.printf(
        "[LeakSoakTest] %d %s calls: live threads %d before, %d after; open fds %d before, %d"
            + " after%n",
        calls, backend, threadsBefore.size(), threads, fdsBefore, fds);
    assertThat(threads)
        .as("live threads after %d %s calls (new: %s)", calls, backend, names(added))
        .isLessThanOrEqualTo(threadsBefore.size() + THREAD_SLACK);
    assertThat(ours)
        .as("joblib-* threads after %d %s calls (new: %s)", calls, backend, names(added))
        .isLessThanOrEqualTo(oursBefore);
    assertThat(added)
        .as("joblib threads left after %d %s calls", calls, backend)
        .noneMatch(t -> t.getName().startsWith("joblib-threads-"));
    assertThat(fds)
        .as("open file descriptors after %d %s calls (before: %d)", calls, backend, fdsBefore)
        .isLessThanOrEqualTo(fdsBefore + FD_SLACK);
  }

  @Test
  void consecutiveCallsOnThreadsLeakNothing() throws Exception {
    List<Task<Integer>> tasks = tasks(4);
    List<Integer> expected = List.of(0, 2, 4, 6);
    for (int i = 0; i < 50; i++) { // warm-up: the watchdog, the cleaner and the JIT start once
      try (Parallel p = Parallel.create().backend("threads").nJobs(2)) {
        p.run(tasks);
      }
    }
    quiesceThreads();
    Set<Thread> threadsBefore = liveThreads();
    int fdsBefore = openFileDescriptors();
    for (int i = 0; i < THREAD_CALLS; i++) {
      try (Parallel p = Parallel.create().backend("threads").nJobs(2)) {
        assertThat(p.run(tasks)).isEqualTo(expected);
      }
    }
    assertNoLeak(threadsBefore, fdsBefore, THREAD_CALLS, "threads");
  }

  /** Entries of /proc/pid/{@code dir}: a worker's descriptors ("fd") or threads ("task"). */
  private static int procEntries(long pid, String dir) {
    String[] entries = new File("/proc/" + pid + "/" + dir).list();
    assertThat(entries).as("/proc/%d/%s must be listable", pid, dir).isNotNull();
    return entries.length;
  }

  private static Map<Long, String> workerCounts(Set<Long> pids) {
    Map<Long, String> counts = new TreeMap<>();
    for (long pid : pids) {
      counts.put(pid, procEntries(pid, "fd") + " fds/" + procEntries(pid, "task") + " threads");
    }
    return counts;
  }

  @Test
  void consecutiveCallsOnProcessesReuseThePoolAndLeakNothing() throws Exception {
    List<Task<Integer>> tasks = tasks(6);
    List<Integer> expected = List.of(0, 2, 4, 6, 8, 10);
    for (int i = 0; i < 50; i++) { // warm-up: starts the pool's two workers, and the JIT
      try (Parallel p = Parallel.create().backend("processes").nJobs(2)) {
        assertThat(p.run(tasks)).isEqualTo(expected);
      }
    }
    quiesceThreads();
    Set<Thread> threadsBefore = liveThreads();
    int fdsBefore = openFileDescriptors();
    // other tests' pools may still be idling here: what counts is that none is added
    Set<Long> pidsBefore = childPids();
    assertThat(pidsBefore).as("worker JVMs after the warm-up").hasSizeGreaterThanOrEqualTo(2);
    Map<Long, String> workersBefore = workerCounts(pidsBefore);
    long start = System.nanoTime();
    for (int i = 0; i < PROCESS_CALLS; i++) {
      try (Parallel p = Parallel.create().backend("processes").nJobs(2)) {
        assertThat(p.run(tasks)).isEqualTo(expected);
      }
    }
    long nanos = System.nanoTime() - start;
    Set<Long> pidsAfter = childPids();
    assertThat(pidsAfter)
        .as("worker JVMs after %d calls: the pool's workers served them all", PROCESS_CALLS)
        .isSubsetOf(pidsBefore);
    Map<Long, String> workersAfter = workerCounts(pidsAfter);
    System.out.printf(
        "[LeakSoakTest] %d processes calls in %.1f s (%.0f us per call); worker JVMs before %s,"
            + " after %s%n",
        PROCESS_CALLS, nanos / 1e9, nanos / 1e3 / PROCESS_CALLS, workersBefore, workersAfter);
    assertNoLeak(threadsBefore, fdsBefore, PROCESS_CALLS, "processes");
    for (long pid : pidsAfter) {
      int fdsBeforeInWorker = Integer.parseInt(workersBefore.get(pid).split(" ")[0]);
      assertThat(settle(() -> procEntries(pid, "fd"), fdsBeforeInWorker))
          .as(
              "descriptors of worker pid %d after %d calls (before: %s)",
              pid, PROCESS_CALLS, workersBefore.get(pid))
          .isLessThanOrEqualTo(fdsBeforeInWorker + FD_SLACK);
    }
  }

  /** Heap held, after GC, by a list of {@code n} tasks like the streamed ones. */
  private static long heldBy(int n) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long before = memory.getHeapMemoryUsage().getUsed();
    List<Task<Integer>> list =
        IntStream.range(0, n)
            .mapToObj(i -> delayed((Integer x) -> x & 7, i))
            .collect(Collectors.toCollection(ArrayList::new));
    System.gc();
    long held = memory.getHeapMemoryUsage().getUsed() - before;
    assertThat(list).hasSize(n);
    return held;
  }

  @Test
  void aStreamOverMillionsOfTasksRunsInBoundedHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long baseline = memory.getHeapMemoryUsage().getUsed();
    long[] peak = {0};
    List<Long> samples = new ArrayList<>();
    long[] sum = {0};
    int[] seen = {0};
    int every = Math.max(1, STREAM_TASKS / 10);
    Stream<Task<Integer>> tasks =
        IntStream.range(0, STREAM_TASKS).mapToObj(i -> delayed((Integer x) -> x & 7, i));
    try (Parallel p = Parallel.create().backend("threads").nJobs(2);
        Stream<Integer> results = p.stream(tasks)) {
      results.forEachOrdered(
          r -> {
            sum[0] += r;
            if (++seen[0] % every == 0) {
              System.gc();
              long used = memory.getHeapMemoryUsage().getUsed() - baseline;
              samples.add(used >> 20);
              peak[0] = Math.max(peak[0], used);
            }
          });
    }
    assertThat(seen[0]).isEqualTo(STREAM_TASKS);
    long expectedSum = 0;
    for (int i = 0; i < STREAM_TASKS; i++) {
      expectedSum += i & 7;
    }
    assertThat(sum[0]).isEqualTo(expectedSum);
    // what materialising would need: a tenth of the tasks held in a list, times ten (the results
    // are small cached Integers; the tasks alone are the floor). The stream holds a few batches
    // of at most AutoBatcher.MAX_SIZE tasks, whatever the total: under 32 MiB.
    long materialised = 10 * heldBy(STREAM_TASKS / 10);
    System.out.printf(
        "[LeakSoakTest] streamed %d tasks; heap above baseline after GC at each tenth (MiB): %s;"
            + " materialising: %d MiB%n",
        STREAM_TASKS, samples, materialised >> 20);
    assertThat(peak[0])
        .as(
            "heap used after GC above the baseline while streaming %d tasks (MiB at each tenth: %s;"
                + " materialising needs %d MiB)",
            STREAM_TASKS, samples, materialised >> 20)
        .isLessThan(Math.min(materialised / 4, 32L << 20));
  }
}
