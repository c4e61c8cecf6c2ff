package dev.joblib.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Parallel;
import dev.joblib.spark.SparkBackend;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Large primitive arrays travel as broadcasts, once, instead of inside every batch. */
class SharedArraysTest {
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .config("spark.ui.enabled", false)
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void aLargeArrayIsBroadcastOnceAndReadBack() throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SharedArrays shared = new SharedArrays(jsc::broadcast);
    long[] big = new long[1 << 18]; // 2 MiB
    Arrays.setAll(big, i -> i * 3L);
    int[] small = {1, 2, 3};
    byte[] first = shared.write(List.of(big, small, "a"));
    byte[] second = shared.write(List.of(big));
    assertThat(first.length).isLessThan(10_000);
    assertThat(second.length).isLessThan(10_000);
    assertThat(shared.broadcastCount()).isEqualTo(1);
    List<?> back = (List<?>) Wire.read(first, getClass().getClassLoader());
    assertThat((long[]) back.get(0)).isEqualTo(big);
    assertThat((int[]) back.get(1)).containsExactly(1, 2, 3);
    shared.destroy();
    assertThat(shared.broadcastCount()).isZero();
  }

  @Test
  void tasksSharingALargeArraySeeItOnTheExecutors() {
    double[] weights = new double[1 << 18];
    Arrays.setAll(weights, i -> i % 7);
    double total = Arrays.stream(weights).sum();
    List<Integer> xs = IntStream.range(0, 12).boxed().collect(Collectors.toList());
    List<Double> out =
        Parallel.create()
            .backend(SparkBackend.of(spark))
            .batchSize(1)
            .map(xs, x -> Arrays.stream(weights).sum() + x);
    assertThat(out).isEqualTo(xs.stream().map(x -> total + x).collect(Collectors.toList()));
  }
}
