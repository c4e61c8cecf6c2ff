package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.joblib.Fn1;
import dev.joblib.Parallel;
import dev.joblib.ParallelBackendContract;
import dev.joblib.Probe;
import dev.joblib.TaskFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The backend contract again, on a real standalone cluster (a Master and a Worker JVM with two
 * cores on 127.0.0.1): every task runs in an executor JVM.
 */
class StandaloneClusterContractTest extends ParallelBackendContract {
  private static StandaloneCluster cluster;
  private static SparkSession spark;

  @BeforeAll
  static void startCluster() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "cluster-" + System.nanoTime()));
    cluster = StandaloneCluster.start(dir, 2);
    spark = cluster.session("joblib-spark-cluster-test").getOrCreate();
    StandaloneCluster.awaitExecutors(spark, 1);
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Override
  protected String backendId() {
    return "spark";
  }

  /** A batch's clock covers the executor JVM's launch of the Spark task and its result's return. */
  @Override
  protected Duration shortTimeout() {
    return Duration.ofSeconds(3);
  }

  @Test
  void aFailingTaskRunsOnceThoughTheClusterRetriesFailedSparkTasks() {
    Probe probe = Probe.create();
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                Parallel.create()
                    .backend(SparkBackend.of(spark))
                    .map(
                        IntStream.range(0, 8).boxed().collect(Collectors.toList()),
                        x -> {
                          if (x == 5) {
                            probe.mark("attempt-" + System.nanoTime());
                            throw new IllegalStateException("deterministic bug at " + x);
                          }
                          return x;
                        }));
    assertThat(e.taskIndex()).isEqualTo(5);
    assertThat(e.getCause())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("deterministic bug at 5");
    assertThat(e.getCause().getStackTrace()[0].getClassName())
        .startsWith(StandaloneClusterContractTest.class.getName());
    assertThat(probe.count("attempt-")).isEqualTo(1);
  }

  /**
   * A task that fails on its first attempt only: joblib sends the user's exception back as data, so
   * Spark sees a successful Spark task and does not retry it (the retry would have succeeded). The
   * call fails with that exception, and the next call on the same session succeeds.
   */
  @Test
  @Tag("reliability")
  void aTaskFailingOnItsFirstAttemptOnlyIsNotRetriedAndTheSessionStaysUsable() {
    Probe probe = Probe.create();
    Fn1<Integer, Integer> flaky =
        x -> {
          if (x == 3) {
            probe.mark("attempt-" + System.nanoTime());
            if (probe.mark("failed-once")) {
              throw new IllegalStateException("first attempt of task " + x + " fails");
            }
          }
          return x * 10;
        };
    List<Integer> xs = IntStream.range(0, 8).boxed().collect(Collectors.toList());
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () -> Parallel.create().backend(SparkBackend.of(spark)).map(xs, flaky));
    assertThat(e.taskIndex()).isEqualTo(3);
    assertThat(e.backend()).isEqualTo("spark");
    assertThat(e.getCause())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("first attempt of task 3 fails");
    assertThat(probe.count("attempt-")).as("attempts of task 3 in the failed call").isEqualTo(1);

    assertThat(Parallel.create().backend(SparkBackend.of(spark)).map(xs, flaky))
        .isEqualTo(xs.stream().map(x -> x * 10).collect(Collectors.toList()));
    assertThat(probe.count("attempt-")).isEqualTo(2);
    assertThat(spark.sparkContext().isStopped()).isFalse();
  }

  @Test
  void aLargeArraySharedByTheTasksReachesTheExecutorsAsABroadcast() {
    double[] weights = new double[1 << 18]; // 2 MiB: above the broadcast threshold
    java.util.Arrays.setAll(weights, i -> i % 5);
    double total = java.util.Arrays.stream(weights).sum();
    List<Integer> xs = IntStream.range(0, 16).boxed().collect(Collectors.toList());
    List<Double> out =
        Parallel.create()
            .backend(SparkBackend.of(spark))
            .batchSize(1)
            .map(xs, x -> java.util.Arrays.stream(weights).sum() * x);
    assertThat(out).isEqualTo(xs.stream().map(x -> total * x).collect(Collectors.toList()));
  }

  @Test
  void tasksRunInExecutorJvmsNotInTheDriver() {
    long driver = ProcessHandle.current().pid();
    List<Long> pids =
        Parallel.create()
            .backend(SparkBackend.of(spark))
            .map(
                IntStream.range(0, 20).boxed().collect(Collectors.toList()),
                x -> ProcessHandle.current().pid());
    assertThat(new HashSet<>(pids)).doesNotContain(driver);
    assertThat(SparkBackend.of(spark).nJobs()).isEqualTo(2);
  }

  @Test
  void aGridSearchCachedOnS3ComputesEachPointOnceAcrossTwoRunsOnTheCluster() throws Exception {
    Probe probe =
        ConnectChecks.aFunctionMemoisedOnS3IsComputedOncePerPoint(
            spark, x -> "pid" + ProcessHandle.current().pid());
    // each point computed once in total, by the executors
    assertThat(probe.count("computed-3-pid" + ProcessHandle.current().pid())).isZero();
  }
}
