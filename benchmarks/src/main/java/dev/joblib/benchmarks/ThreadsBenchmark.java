package dev.joblib.benchmarks;

import dev.joblib.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Dispatch overhead and speedup of the threads backend, against JDK baselines measured in the same
 * JVM, in turns: {@code ExecutorService.invokeAll} with one Callable per task, a parallel {@code
 * IntStream}, and {@code xs.parallelStream().map(x -> x * x).collect(toList())} of the same list
 * that {@code Parallel.map} gets (the ratio to that one is the dispatch overhead users see).
 */
public final class ThreadsBenchmark {
  private static final int TINY_TASKS = 1_000_000;
  private static final int CPU_TASKS = 8;

  private ThreadsBenchmark() {}

  /**
   * Prints the measurements.
   *
   * @param args ignored
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    tinyTasks();
    cpuBoundSpeedup();
  }

  private static void tinyTasks() throws Exception {
    List<Integer> xs = IntStream.range(0, TINY_TASKS).boxed().collect(Collectors.toList());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    double[] seconds;
    try (Parallel p = Parallel.create().nJobs(2)) {
      seconds =
          Measure.interleavedMedians(
              3,
              7,
              () -> p.map(xs, x -> x * x),
              () -> invokeAll(pool, xs),
              () -> IntStream.range(0, TINY_TASKS).parallel().map(x -> x * x).boxed().toArray(),
              () -> xs.parallelStream().map(x -> x * x).collect(Collectors.toList()));
    } finally {
      pool.shutdown();
    }
    double parallel = seconds[0];
    double invokeAll = seconds[1];
    double intStream = seconds[2];
    double listStream = seconds[3];
    Measure.print("threads.tiny_tasks.parallel_map", TINY_TASKS / parallel, "tasks/s");
    Measure.print("threads.tiny_tasks.invokeAll_baseline", TINY_TASKS / invokeAll, "tasks/s");
    Measure.print("threads.tiny_tasks.parallel_stream_baseline", TINY_TASKS / intStream, "tasks/s");
    Measure.print(
        "threads.tiny_tasks.list_parallel_stream_baseline", TINY_TASKS / listStream, "tasks/s");
    Measure.print("threads.tiny_tasks.ratio_vs_invokeAll", invokeAll / parallel, "x");
    Measure.print("threads.tiny_tasks.ratio_vs_list_parallel_stream", listStream / parallel, "x");
  }

  /** One Callable per task through {@code ExecutorService.invokeAll}, results in order. */
  private static List<Integer> invokeAll(ExecutorService pool, List<Integer> xs) throws Exception {
    List<Callable<Integer>> calls = new ArrayList<>(xs.size());
    for (Integer x : xs) {
      calls.add(() -> x * x);
    }
    List<Integer> out = new ArrayList<>(xs.size());
    for (Future<Integer> f : pool.invokeAll(calls)) {
      out.add(f.get());
    }
    return out;
  }

  private static void cpuBoundSpeedup() throws Exception {
    List<Integer> seeds = IntStream.range(0, CPU_TASKS).boxed().collect(Collectors.toList());
    long iterations = calibrate();
    double one =
        Measure.medianSeconds(
            0, 1, () -> Parallel.create().nJobs(1).map(seeds, s -> spin(s, iterations)));
    double two =
        Measure.medianSeconds(
            0, 1, () -> Parallel.create().nJobs(2).map(seeds, s -> spin(s, iterations)));
    Measure.print("threads.cpu_bound.njobs1", one, "s");
    Measure.print("threads.cpu_bound.njobs2", two, "s");
    Measure.print("threads.cpu_bound.speedup", one / two, "x");
  }

  /** The number of spin iterations that take about half a second on this machine. */
  private static long calibrate() {
    long n = 1_000_000;
    spin(0, n);
    long start = System.nanoTime();
    spin(0, n);
    double seconds = (System.nanoTime() - start) / 1e9;
    return (long) (n * 0.5 / seconds);
  }

  /** A CPU-bound loop (an LCG), in the spirit of joblib's run_mcmc tutorial task. */
  static long spin(long seed, long iterations) {
    long x = seed;
    for (long i = 0; i < iterations; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
    }
    return x;
  }
}
