package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Parallel;
import dev.joblib.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backend on a Spark Connect server whose Spark runs on the standalone cluster (a Master and a
 * Worker JVM with two cores on 127.0.0.1): neither the server nor the cluster has joblib or these
 * tests on its class path, so the code reaches the executors only through the session's uploaded
 * artifacts, and every task runs in an executor JVM.
 */
class StandaloneClusterOnConnectTest {
  private static StandaloneCluster cluster;
  private static ConnectServer server;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    ConnectServer.assumeClientClassPath();
    Path dir = Files.createDirectories(Path.of("target", "connect-cluster-" + System.nanoTime()));
    cluster = StandaloneCluster.startWithoutJoblib(dir, 2);
    server =
        ConnectServer.start(
            dir.resolve("server"), cluster.masterUrl(), Map.of("spark.executor.memory", "512m"));
    spark = server.newSession();
  }

  @AfterAll
  static void stop() {
    try {
      ConnectChecks.stop(spark, server);
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /** The main class of the JVM a task ran in. */
  static String jvm(int x) {
    String command = System.getProperty("sun.java.command", "?");
    return x + " " + command.split(" ")[0];
  }

  @Test
  void resultsComeBackInOrderFromExecutorJvms() {
    List<Integer> xs = IntStream.range(0, 12).boxed().collect(Collectors.toList());
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2)).batchSize(1)) {
      List<String> ran = p.map(xs, StandaloneClusterOnConnectTest::jvm);
      assertThat(ran)
          .isEqualTo(
              xs.stream()
                  .map(x -> x + " org.apache.spark.executor.CoarseGrainedExecutorBackend")
                  .collect(Collectors.toList()));
    }
  }

  @Test
  void aFailingTaskArrivesWithItsIndexAndOriginalException() {
    ConnectChecks.aTaskFailureArrivesWithItsIndex(spark, 4);
  }

  @Test
  void aFunctionMemoisedOnS3IsComputedOnTheExecutorsOncePerPoint() throws Exception {
    Probe probe =
        ConnectChecks.aFunctionMemoisedOnS3IsComputedOncePerPoint(
            spark, x -> jvm(x).substring(jvm(x).indexOf(' ') + 1));
    assertThat(probe.count("computed-3-org.apache.spark.executor.CoarseGrainedExecutorBackend"))
        .as("computed in an executor JVM")
        .isEqualTo(1);
  }
}
