package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Values captured by every task travel once per call, not inside every batch: on a real standalone
 * cluster whose {@code spark.rpc.message.maxSize} is 1 MiB (Spark checks it only off local mode),
 * 200 tasks capturing about 40 MB run. Inline, each Spark task would exceed the limit and Spark
 * would abort the job ("Serialized task ... exceeds max allowed").
 */
class LargeSharedValuesClusterTest {
  private static StandaloneCluster cluster;
  private static SparkSession spark;

  @BeforeAll
  static void startCluster() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "cluster-" + System.nanoTime()));
    cluster = StandaloneCluster.start(dir, 2);
    spark =
        cluster
            .session("joblib-spark-large-shared-values-test")
            .config("spark.rpc.message.maxSize", "1")
            .getOrCreate();
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

  @Test
  void tasksCapturingA20MbGridAndA20MbMapRunWithMessagesOf1Mib() {
    double[][] grid = new double[2500][1000]; // 20 MB in rows of 8 KB: no row is broadcast alone
    for (int r = 0; r < grid.length; r++) {
      for (int c = 0; c < grid[r].length; c++) {
        grid[r][c] = r * 0.5 + c;
      }
    }
    Map<Integer, Long> squares = new HashMap<>(); // about 20 MB serialized
    for (int i = 0; i < 1_000_000; i++) {
      squares.put(i, (long) i * i);
    }
    List<Integer> xs = IntStream.range(0, 200).boxed().collect(Collectors.toList());

    List<Double> out =
        Parallel.create()
            .backend(SparkBackend.of(spark))
            .map(xs, x -> grid[x * 7 % 2500][x * 3 % 1000] + squares.get(x * 4999));

    assertThat(out)
        .isEqualTo(
            xs.stream()
                .map(x -> grid[x * 7 % 2500][x * 3 % 1000] + squares.get(x * 4999))
                .collect(Collectors.toList()));
  }
}
