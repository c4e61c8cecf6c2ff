package dev.joblib.benchmarks;

import dev.joblib.Fn1;
import dev.joblib.Joblib;
import dev.joblib.Parallel;
import dev.joblib.spark.SparkBackend;
import dev.joblib.spark.StandaloneCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The spark backend against plain Spark in the same session: {@code Parallel.map} of 10,000 and
 * 100,000 tiny tasks versus {@code JavaRDD.parallelize(..).map(..).collect()} of the same function,
 * and the speedup of CPU-bound tasks with two workers over one. Prints {@code name value unit}
 * lines.
 *
 * <p>Run with Spark on the class path: {@code mvn -pl benchmarks -am install -DskipTests}, {@code
 * mvn -pl benchmarks dependency:build-classpath -Dmdep.outputFile=cp.txt}, then {@code java
 * <spark.jvm.opens flags> -cp benchmarks/target/classes:$(cat cp.txt)
 * dev.joblib.benchmarks.SparkBenchmark [master]} (master {@code local[2]} by default; {@code
 * standalone} starts a Master and a 2-core Worker on 127.0.0.1 with joblib-spark's test fixture,
 * which needs that module's test jar or test classes on the class path). Where several checkouts
 * share one {@code ~/.m2}, put {@code joblib-local/target/classes} and {@code
 * joblib-spark/target/classes} first on the class path.
 */
public final class SparkBenchmark {
  private static final int[] TINY_TASKS = {10_000, 100_000};
  private static final int REPEATS = 21;

  private SparkBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args optionally the Spark master, or {@code standalone}
   * @throws Exception if the standalone cluster cannot start
   */
  public static void main(String[] args) throws Exception {
    String master = args.length > 0 ? args[0] : "local[2]";
    if (master.equals("standalone")) {
      Path dir = Files.createTempDirectory("joblib-spark-benchmark");
      try (StandaloneCluster cluster = StandaloneCluster.start(dir, 2)) {
        SparkSession spark = cluster.session("joblib-spark-benchmark").getOrCreate();
        StandaloneCluster.awaitExecutors(spark, 1);
        measure(spark, master);
      }
      return;
    }
    measure(
        SparkSession.builder()
            .master(master)
            .appName("joblib-spark-benchmark")
            .config("spark.ui.enabled", false)
            .getOrCreate(),
        master);
    largeResults(master);
  }

  /**
   * One call whose results add up to 1 GiB, 64 times {@code spark.driver.maxResultSize=16m}: 1024
   * tasks of 1 MiB each, streamed (the caller keeps only a running checksum); the bytes returned,
   * the time and the Spark jobs it took.
   */
  private static void largeResults(String master) {
    SparkSession spark =
        SparkSession.builder()
            .master(master)
            .appName("joblib-spark-benchmark-large-results")
            .config("spark.ui.enabled", false)
            .config("spark.driver.maxResultSize", "16m")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    int tasks = 1024;
    int bytesPerTask = 1 << 20;
    try (Parallel parallel = Parallel.create().backend(SparkBackend.of(spark))) {
      spark.sparkContext().setJobGroup("large-results", "1 GiB of results", false);
      RUNS.set(0);
      long start = System.nanoTime();
      long total = 0;
      long checksum = 0;
      Fn1<Integer, byte[]> block =
          i -> {
            RUNS.incrementAndGet(); // local mode: the tasks run in this JVM
            byte[] bytes = new byte[bytesPerTask];
            Arrays.fill(bytes, (byte) i.intValue());
            return bytes;
          };
      try (Stream<byte[]> results =
          parallel.stream(IntStream.range(0, tasks).mapToObj(i -> Joblib.delayed(block, i)))) {
        for (byte[] bytes : (Iterable<byte[]>) results::iterator) {
          total += bytes.length;
          checksum += bytes[0] & 0xff;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      int jobs = spark.sparkContext().statusTracker().getJobIdsForGroup("large-results").length;
      if (total != (long) tasks * bytesPerTask) {
        throw new IllegalStateException("wrong total: " + total + " bytes, checksum " + checksum);
      }
      print("spark_results_total_with_max_result_size_16m", total / (double) (1 << 30), "GiB");
      print("spark_results_1gib_seconds", seconds, "s");
      print("spark_results_1gib_throughput", total / seconds / (1 << 20), "MiB/s");
      print("spark_results_1gib_spark_jobs", jobs, "jobs");
      if (master.startsWith("local")) {
        print("spark_results_1gib_task_runs_of_1024", RUNS.get(), "runs");
      }
    } finally {
      spark.stop();
    }
  }

  private static void measure(SparkSession spark, String master) {
    spark.sparkContext().setLogLevel("WARN");
    print(
        "load_average_1m_at_start",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        "");
    System.out.println("# master " + master);
    try {
      run(spark);
      if (master.startsWith("local")) {
        cancellation(spark); // counts tasks started in this JVM
      }
    } finally {
      spark.stop();
    }
  }

  private static void run(SparkSession spark) {
    for (int tasks : TINY_TASKS) {
      tinyTasks(spark, tasks);
    }
    cpuBound(spark);
  }

  /**
   * {@code Parallel.map} of {@code n} tiny tasks against the raw RDD of the same function, both in
   * this session, interleaved in rotating order; the medians and their ratio.
   */
  private static void tinyTasks(SparkSession spark, int n) {
    String size = n % 1000 == 0 ? n / 1000 + "k" : String.valueOf(n);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> xs = IntStream.range(0, n).boxed().collect(Collectors.toList());
    List<Integer> expected = xs.stream().map(x -> x * x + 1).collect(Collectors.toList());
    try (Parallel parallel = Parallel.create().backend(SparkBackend.of(spark))) {
      Supplier<List<Integer>> raw =
          () -> jsc.parallelize(xs, jsc.defaultParallelism()).map(x -> x * x + 1).collect();
      Supplier<List<Integer>> joblib = () -> parallel.map(xs, x -> x * x + 1);
      Parallel whole = parallel.preDispatch("all");
      Supplier<List<Integer>> joblibAll = () -> whole.map(xs, x -> x * x + 1);
      for (int i = 0; i < 5; i++) { // warm up both paths (JIT, Spark's first jobs)
        check(raw.get(), expected);
        check(joblib.get(), expected);
        check(joblibAll.get(), expected);
      }
      double[] rawMs = new double[REPEATS];
      double[] joblibMs = new double[REPEATS];
      double[] allMs = new double[REPEATS];
      for (int i = 0; i < REPEATS; i++) { // interleaved, so that drift hits both alike
        for (int k = 0; k < 3; k++) { // rotate the order, so that none always follows another
          switch ((i + k) % 3) {
            case 0 -> rawMs[i] = timeMillis(raw, expected);
            case 1 -> joblibMs[i] = timeMillis(joblib, expected);
            default -> allMs[i] = timeMillis(joblibAll, expected);
          }
        }
      }
      double rawMedian = median(rawMs);
      double joblibMedian = median(joblibMs);
      print("spark_tiny_raw_rdd_" + size + "_median", rawMedian, "ms");
      print("spark_tiny_parallel_map_" + size + "_median", joblibMedian, "ms");
      print("spark_tiny_parallel_vs_raw_" + size + "_ratio", joblibMedian / rawMedian, "x");
      print("spark_tiny_parallel_map_predispatch_all_" + size + "_median", median(allMs), "ms");
      print(
          "spark_tiny_parallel_predispatch_all_vs_raw_" + size + "_ratio",
          median(allMs) / rawMedian,
          "x");
    }
  }

  /** The speedup of 8 CPU-bound tasks of 500 ms with nJobs 2 over nJobs 1. */
  private static void cpuBound(SparkSession spark) {
    long work = calibrate(500);
    List<Long> cpuTasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      cpuTasks.add(work);
    }
    try (Parallel two = Parallel.create().backend(SparkBackend.of(spark, 2));
        Parallel one = Parallel.create().backend(SparkBackend.of(spark, 1))) {
      two.map(cpuTasks.subList(0, 2), SparkBenchmark::spin); // warm up
      long start = System.nanoTime();
      one.map(cpuTasks, SparkBenchmark::spin);
      double oneMs = (System.nanoTime() - start) / 1e6;
      start = System.nanoTime();
      two.map(cpuTasks, SparkBenchmark::spin);
      double twoMs = (System.nanoTime() - start) / 1e6;
      print("spark_cpu_8x500ms_njobs1", oneMs, "ms");
      print("spark_cpu_8x500ms_njobs2", twoMs, "ms");
      print("spark_cpu_speedup_njobs2_vs_1", oneMs / twoMs, "x");
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger RUNS =
      new java.util.concurrent.atomic.AtomicInteger();

  private static final java.util.concurrent.atomic.AtomicInteger STARTED =
      new java.util.concurrent.atomic.AtomicInteger();

  /** How many of 400 tasks of 50 ms start when task 3 fails (tasks run in this JVM: local mode). */
  private static void cancellation(SparkSession spark) {
    STARTED.set(0);
    long start = System.nanoTime();
    try {
      Parallel.create()
          .backend(SparkBackend.of(spark))
          .map(
              IntStream.range(0, 400).boxed().collect(Collectors.toList()),
              i -> {
                STARTED.incrementAndGet();
                if (i == 3) {
                  throw new IllegalStateException("early failure");
                }
                Thread.sleep(50);
                return i;
              });
      throw new IllegalStateException("the call should have failed");
    } catch (dev.joblib.TaskFailedException expected) {
      double failMs = (System.nanoTime() - start) / 1e6;
      try {
        Thread.sleep(1000); // tasks still running after the call returned would count now
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      print("spark_cancel_failure_returned_after", failMs, "ms");
      print("spark_cancel_tasks_started_of_400", STARTED.get(), "tasks");
    }
  }

  /** Iterations of {@link #spin} that take about {@code millis} on this machine. */
  private static long calibrate(long millis) {
    long n = 1_000_000;
    while (true) {
      long start = System.nanoTime();
      spin(n);
      long took = (System.nanoTime() - start) / 1_000_000;
      if (took > 100) {
        return n * millis / took;
      }
      n *= 2;
    }
  }

  /** CPU-bound work: a chain of square roots the JIT cannot skip. */
  static double spin(long iterations) {
    double x = 1;
    for (long i = 0; i < iterations; i++) {
      x = Math.sqrt(x + i);
    }
    return x;
  }

  private static double timeMillis(Supplier<List<Integer>> run, List<Integer> expected) {
    long start = System.nanoTime();
    List<Integer> result = run.get();
    double ms = (System.nanoTime() - start) / 1e6;
    check(result, expected);
    return ms;
  }

  private static void check(List<Integer> actual, List<Integer> expected) {
    if (!actual.equals(expected)) {
      throw new IllegalStateException("wrong results: " + actual.size() + " values");
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static void print(String name, double value, String unit) {
    System.out.printf("%s %.3f %s%n", name, value, unit);
  }
}
