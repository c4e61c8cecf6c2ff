package dev.joblib.spark;

import dev.joblib.ParallelBackendContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract on a Spark Connect session: "spark" by id picks up the process's default
 * session, a client of a real Spark Connect server (a child JVM, local[2]) that has neither joblib
 * nor these tests on its class path.
 */
class SparkBackendContractOnConnectTest extends ParallelBackendContract {
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
    ConnectChecks.stop(spark, server);
  }

  @Override
  protected String backendId() {
    return "spark";
  }

  /** A batch's clock covers a whole Connect execution (gRPC, analysis, a job on the server). */
  @Override
  protected Duration shortTimeout() {
    return Duration.ofSeconds(5);
  }
}
