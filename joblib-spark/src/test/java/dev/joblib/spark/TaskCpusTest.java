package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Parallel;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code spark.task.cpus=2} on 4 cores, 2 Spark tasks run at once: nJobs -1 is that, not the
 * core count, and a batch waiting for a slot is not timed out.
 */
class TaskCpusTest {
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    LocalSpark.stopAll();
    spark =
        SparkSession.builder()
            .master("local[4]")
            .appName("joblib-task-cpus-test")
            .config("spark.task.cpus", 2)
            .config("spark.ui.enabled", false)
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void allTheClustersSlotsCountTaskCpus() {
    assertThat(SparkBackend.of(spark, -1).nJobs()).isEqualTo(2);
    assertThat(SparkBackend.of(spark, -2).nJobs()).isEqualTo(1);
  }

  @Test
  void batchesQueuedForASlotAreNotTimedOut() {
    List<Integer> tasks = IntStream.range(0, 4).boxed().collect(Collectors.toList());
    List<Integer> out =
        Parallel.create()
            .backend(SparkBackend.of(spark, 4)) // more than the 2 slots: 2 batches wait
            .batchSize(1)
            // above a task's 5 s with room for a loaded machine, below the 10 s a waiting batch
            // would count if its clock started when it was submitted
            .timeout(Duration.ofSeconds(8))
            .map(
                tasks,
                x -> {
                  Thread.sleep(5000);
                  return x;
                });
    assertThat(out).containsExactly(0, 1, 2, 3);
  }
}
