package dev.joblib.benchmarks;

import static dev.joblib.Joblib.delayed;

import dev.joblib.Parallel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The processes backend: CPU-bound speedup (nJobs 2 vs 1), warm-pool tiny-task throughput with auto
 * batching at 200,000 and 1,000,000 tasks next to Python joblib's loky on the same sizes in the
 * same run ({@code benchmarks/python/loky_tiny_tasks.py} through {@code /usr/bin/python3}, when it
 * has joblib), a 100 MB array passed to 8 tasks with memmapping on and off, and the cold start of a
 * pool of 2 workers.
 */
public final class ProcessesBenchmark {
  private static final int CPU_TASKS = 8;
  private static final int TINY_TASKS = 1_000_000;
  private static final int SMALL_TINY_TASKS = 200_000;
  private static final String PYTHON = "/usr/bin/python3";
  private static final int ARRAY_TASKS = 8;
  private static final int ARRAY_LENGTH = 12_500_000; // 100 MB of doubles

  private ProcessesBenchmark() {}

  /**
   * Prints the measurements.
   *
   * @param args the parts to run ({@code cold}, {@code cpu}, {@code tiny}, {@code memmap}); none
   *     for all
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    List<String> parts =
        args.length == 0 ? List.of("cold", "cpu", "tiny", "memmap") : List.of(args);
    if (parts.contains("cold")) {
      coldStart();
    }
    if (parts.contains("cpu")) {
      cpuBoundSpeedup();
    }
    if (parts.contains("tiny")) {
      tinyTasks();
    }
    if (parts.contains("memmap")) {
      memmapping();
    }
  }

  private static Parallel processes() {
    return Parallel.create().nJobs(2).backend("processes");
  }

  /** A fresh pool each time (a distinct idle timeout makes distinct pool settings). */
  private static void coldStart() throws Exception {
    int[] run = {0};
    double seconds =
        Measure.medianSeconds(
            0,
            3,
            () ->
                processes()
                    .option("idleTimeout", (2000 + run[0]++) + "ms")
                    .map(List.of(1, 2), x -> ProcessHandle.current().pid()));
    Measure.print("processes.cold_start_2_workers", seconds, "s");
  }

  private static void cpuBoundSpeedup() throws Exception {
    List<Integer> seeds = IntStream.range(0, CPU_TASKS).boxed().collect(Collectors.toList());
    long iterations = calibrate();
    double one =
        Measure.medianSeconds(
            1,
            3,
            () -> Parallel.create().nJobs(1).map(seeds, s -> ThreadsBenchmark.spin(s, iterations)));
    double two =
        Measure.medianSeconds(
            1, 3, () -> processes().map(seeds, s -> ThreadsBenchmark.spin(s, iterations)));
    // the machine's ceiling in the same run: the same tasks on two plain JDK threads
    ExecutorService pool = Executors.newFixedThreadPool(2);
    double plain;
    try {
      plain =
          Measure.medianSeconds(
              1,
              3,
              () -> {
                List<Future<Long>> futures = new ArrayList<>();
                for (Integer s : seeds) {
                  futures.add(pool.submit(() -> ThreadsBenchmark.spin(s, iterations)));
                }
                long x = 0;
                for (Future<Long> f : futures) {
                  x ^= f.get();
                }
                return x;
              });
    } finally {
      pool.shutdown();
    }
    Measure.print("processes.cpu_bound.njobs1", one, "s");
    Measure.print("processes.cpu_bound.njobs2", two, "s");
    Measure.print("processes.cpu_bound.speedup", one / two, "x");
    Measure.print("processes.cpu_bound.plain_2_threads_baseline_speedup", one / plain, "x");
  }

  private static void tinyTasks() throws Exception {
    List<Integer> small = IntStream.range(0, SMALL_TINY_TASKS).boxed().collect(Collectors.toList());
    List<Integer> xs = IntStream.range(0, TINY_TASKS).boxed().collect(Collectors.toList());
    double[] seconds;
    try (Parallel p = processes()) {
      seconds =
          Measure.interleavedMedians(
              3, 5, () -> p.map(small, x -> x * x), () -> p.map(xs, x -> x * x));
    }
    double smallRate = SMALL_TINY_TASKS / seconds[0];
    double rate = TINY_TASKS / seconds[1];
    Measure.print("processes.tiny_tasks_200k.warm_pool", smallRate, "tasks/s");
    Measure.print("processes.tiny_tasks.warm_pool", rate, "tasks/s");
    Map<String, Double> loky = loky(SMALL_TINY_TASKS, TINY_TASKS);
    if (loky.size() == 2) {
      Measure.print("processes.tiny_tasks_200k.ratio_vs_loky", smallRate / loky.get("200k"), "x");
      Measure.print("processes.tiny_tasks.ratio_vs_loky", rate / loky.get(""), "x");
    }
  }

  /**
   * Runs {@code benchmarks/python/loky_tiny_tasks.py} (Python joblib's loky, Debian's {@code
   * python3-joblib}) on the same sizes, echoes its lines, and returns its rates by size suffix
   * ({@code ""} for 1M, {@code "200k"}); empty, with a line saying why, when it cannot run.
   */
  private static Map<String, Double> loky(int... sizes) throws Exception {
    Path script = Path.of("benchmarks", "python", "loky_tiny_tasks.py");
    if (!Files.exists(script)) {
      script = Path.of("python", "loky_tiny_tasks.py");
    }
    Map<String, Double> rates = new HashMap<>();
    if (!Files.exists(script) || !Files.isExecutable(Path.of(PYTHON))) {
      System.out.println("python.loky.tiny_tasks skipped (no " + PYTHON + " or " + script + ")");
      return rates;
    }
    List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
    for (int size : sizes) {
      command.add(String.valueOf(size));
    }
    Process python = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        System.out.println(line);
        String[] parts = line.split(" ");
        int at = parts[0].indexOf(".tiny_tasks");
        if (parts.length == 3 && parts[0].startsWith("python.") && at > 0) {
          String suffix = parts[0].substring(at + ".tiny_tasks".length()).replace("_", "");
          rates.put(suffix, Double.parseDouble(parts[1]));
        }
      }
    }
    int exit = python.waitFor();
    if (exit != 0) {
      System.out.println("python.loky.tiny_tasks failed (exit code " + exit + ")");
    }
    return rates;
  }

  private static void memmapping() throws Exception {
    double[] big = new double[ARRAY_LENGTH];
    for (int i = 0; i < big.length; i++) {
      big[i] = i % 1000;
    }
    double on = Measure.medianSeconds(1, 3, () -> sumEverywhere(processes(), big));
    double off =
        Measure.medianSeconds(
            1, 3, () -> sumEverywhere(processes().option("maxNbytes", "off"), big));
    Measure.print("processes.array_100mb_8_tasks.memmap_on", on, "s");
    Measure.print("processes.array_100mb_8_tasks.memmap_off", off, "s");
    Measure.print("processes.array_100mb_8_tasks.speedup", off / on, "x");
  }

  private static List<Double> sumEverywhere(Parallel parallel, double[] array) {
    return parallel.run(
        IntStream.range(0, ARRAY_TASKS)
            .mapToObj(
                i ->
                    delayed(
                        (double[] a, Integer k) -> {
                          double sum = 0;
                          for (double v : a) {
                            sum += v;
                          }
                          return sum + k;
                        },
                        array,
                        i)));
  }

  /**
   * The number of spin iterations that take about half a second here, measured once JIT-compiled.
   */
  private static long calibrate() {
    long n = 20_000_000;
    for (int i = 0; i < 5; i++) {
      Measure.sink = ThreadsBenchmark.spin(i, n);
    }
    long start = System.nanoTime();
    Measure.sink = ThreadsBenchmark.spin(0, n);
    double seconds = (System.nanoTime() - start) / 1e9;
    return (long) (n * 0.5 / seconds);
  }
}
