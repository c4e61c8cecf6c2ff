package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Joblib;
import dev.joblib.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPUs and GPUs per task on a real standalone cluster: one Worker with 2 cores and 2 GPUs (found by
 * a discovery script; the addresses are only accounting), one executor with both.
 */
class TaskResourcesClusterTest {
  @TempDir static Path dir;
  private static StandaloneCluster cluster;
  private static SparkSession spark;

  /** Met by two tasks (or threads) of one executor JVM running at the same time. */
  static final class Meet {
    static final CyclicBarrier GPU_TASKS = new CyclicBarrier(2);
    static final CyclicBarrier NESTED_THREADS = new CyclicBarrier(2);

    private Meet() {}

    static void await(CyclicBarrier barrier) throws Exception {
      barrier.await(60, TimeUnit.SECONDS);
    }
  }

  @BeforeAll
  static void startCluster() throws IOException, InterruptedException {
    LocalSpark.stopAll();
    Path script = dir.resolve("gpus.sh");
    Files.writeString(script, "#!/bin/sh\necho '{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    cluster =
        StandaloneCluster.start(
            dir,
            4,
            "2g",
            Map.of(
                "spark.worker.resource.gpu.amount",
                "2",
                "spark.worker.resource.gpu.discoveryScript",
                script.toString()));
    spark =
        cluster
            .session("joblib-task-resources")
            .config("spark.executor.cores", 4)
            .config("spark.executor.resource.gpu.amount", 2)
            .getOrCreate();
    StandaloneCluster.awaitExecutors(spark, 1);
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void twoTasksWithAGpuEachSeeDistinctAddresses() {
    assertThat(SparkBackend.of(spark).nJobs()).as("the default profile: 4 cores").isEqualTo(4);
    SparkBackend backend = SparkBackend.of(spark).gpusPerTask(1);
    assertThat(backend.nJobs()).as("2 GPUs, 1 per task").isEqualTo(2);
    List<List<String>> seen;
    try (Parallel p = Parallel.create().backend(backend).batchSize(1)) {
      seen =
          p.map(
              List.of(0, 1),
              i -> {
                List<String> gpus = SparkTaskResources.addresses("gpu");
                Meet.await(Meet.GPU_TASKS); // both tasks run at once, or this times out
                return gpus;
              });
    }
    assertThat(seen).allSatisfy(gpus -> assertThat(gpus).hasSize(1));
    assertThat(seen.stream().map(gpus -> gpus.get(0)).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("0", "1");
  }

  @Test
  void tasksOfTwoCpusRunTwoAtATimeOnFourCores() {
    SparkBackend backend = SparkBackend.of(spark).cpusPerTask(2);
    assertThat(backend.nJobs()).as("4 cores, 2 per task").isEqualTo(2);
    List<Object[]> spans = spans(backend, 8);
    assertThat(spans).allSatisfy(span -> assertThat(span[2]).isEqualTo(2));
    assertThat(peakOverlap(spans)).as("Spark tasks running at once").isLessThanOrEqualTo(2);
  }

  @Test
  void tasksOfAllTheCoresRunOneAtATimeAndStillOnTheExecutor() {
    SparkBackend backend = SparkBackend.of(spark).cpusPerTask(4);
    // one slot, but a call of one job would run in the caller's thread, without the CPUs
    assertThat(backend.nJobs()).as("1 slot, reported as 2").isEqualTo(2);
    List<Object[]> spans = spans(backend, 4);
    assertThat(spans)
        .as("ran in Spark tasks of 4 CPUs")
        .allSatisfy(s -> assertThat(s[2]).isEqualTo(4));
    assertThat(peakOverlap(spans)).as("Spark tasks running at once").isEqualTo(1);
  }

  /** Start and end (one executor JVM: one clock) and CPUs of {@code n} tasks of 300 ms. */
  private static List<Object[]> spans(SparkBackend backend, int n) {
    try (Parallel p = Parallel.create().backend(backend).batchSize(1)) {
      return p.map(
          IntStream.range(0, n).boxed().collect(Collectors.toList()),
          i -> {
            long start = System.nanoTime();
            Thread.sleep(300);
            return new Object[] {start, System.nanoTime(), SparkTaskResources.cpus()};
          });
    }
  }

  @Test
  void aCallInsideATaskOfTwoCpusRunsOnTwoThreads() {
    List<List<Object>> inside;
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark).cpusPerTask(2))) {
      inside =
          p.map(
              List.of(0),
              i -> {
                int effective = Joblib.effectiveNJobs(-1);
                List<String> threads =
                    Parallel.create()
                        .nJobs(-1)
                        .batchSize(1)
                        .map(
                            List.of(0, 1),
                            j -> {
                              Meet.await(Meet.NESTED_THREADS); // two threads at once
                              return Thread.currentThread().getName();
                            });
                return List.<Object>of(effective, SparkTaskResources.cpus(), distinct(threads));
              });
    }
    assertThat(inside.get(0)).containsExactly(2, 2, 2);
  }

  private static int distinct(List<String> names) {
    return (int) names.stream().distinct().count();
  }

  /** The most intervals that contain one instant. */
  static int peakOverlap(List<Object[]> spans) {
    List<long[]> events = new ArrayList<>();
    for (Object[] span : spans) {
      events.add(new long[] {(Long) span[0], 1});
      events.add(new long[] {(Long) span[1], -1});
    }
    // at one instant an end comes before a start: touching spans do not overlap
    events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    int running = 0;
    int peak = 0;
    for (long[] event : events) {
      running += (int) event[1];
      peak = Math.max(peak, running);
    }
    return peak;
  }
}
