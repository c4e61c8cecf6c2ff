package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.Parallel;
import dev.joblib.TaskFailedException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend on a real Spark Connect server (a child JVM, local[2]) that knows nothing of joblib.
 */
class BackendOnSparkConnectTest {
  @TempDir static Path dir;
  private static ConnectServer server;
  private static SparkSession spark;

  @BeforeAll
  static void startServer() {
    ConnectServer.assumeClientClassPath();
    server = ConnectServer.start(dir, "local[2]", Map.of());
    spark = server.newSession();
  }

  @AfterAll
  static void stopServer() {
    if (spark != null) {
      spark.stop();
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    if (server != null) {
      server.close();
    }
  }

  /** A record of the test sources, captured by the tasks and returned by them. */
  record Point(int x, int y) implements java.io.Serializable {}

  @Test
  void testClassesRunOnTheServerAndResultsComeBackInOrder() {
    assertThat(spark.getClass().getName()).isEqualTo("org.apache.spark.sql.connect.SparkSession");
    Point origin = new Point(1, 2);
    List<Integer> xs = IntStream.range(0, 100).boxed().collect(Collectors.toList());
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2))) {
      List<Point> points = p.map(xs, x -> new Point(origin.x() + x, origin.y()));
      assertThat(points)
          .isEqualTo(xs.stream().map(x -> new Point(1 + x, 2)).collect(Collectors.toList()));
    }
  }

  @Test
  void aTaskFailureArrivesWithItsIndexAndOriginalException() {
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2))) {
      assertThatThrownBy(
              () ->
                  p.map(
                      List.of(0, 1, 2, 3),
                      x -> {
                        if (x == 2) {
                          throw new IllegalArgumentException("bad " + x);
                        }
                        return x;
                      }))
          .isInstanceOf(TaskFailedException.class)
          .hasCauseInstanceOf(IllegalArgumentException.class)
          .hasRootCauseMessage("bad 2")
          .satisfies(e -> assertThat(((TaskFailedException) e).taskIndex()).isEqualTo(2));
    }
  }

  @Test
  void nJobsMinusOneIsTheServersParallelism() {
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark))) {
      assertThat(SparkBackend.of(spark).nJobs()).isEqualTo(2);
    }
  }
}
