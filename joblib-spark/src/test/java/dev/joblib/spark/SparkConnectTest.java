package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.Parallel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backend needs a classic session: when the environment selects Spark Connect, the "spark" id
 * fails before any work with what was selected and what to do, instead of building a local session
 * in this JVM (or, with a Connect session in hand, failing inside Spark with
 * UNSUPPORTED_CONNECT_FEATURE.SESSION_SPARK_CONTEXT).
 *
 * <p>The Spark Connect client is not on the test class path, so a real Connect session is not built
 * here: the checks on the session's class are run on a real classic session only.
 */
class SparkConnectTest {
  @BeforeEach
  void noSessionAround() {
    LocalSpark.stopAll();
    System.setProperty("spark.master", "local[2]");
    System.setProperty("spark.driver.host", "127.0.0.1");
  }

  @AfterEach
  void restore() {
    System.clearProperty("spark.master");
    System.clearProperty("spark.driver.host");
    System.clearProperty("spark.remote");
    System.clearProperty("spark.api.mode");
    LocalSpark.stopAll();
  }

  @Test
  void sparkRemoteSelectsConnectAndTheSparkIdFailsBeforeAnyWork() throws IOException {
    String remote = "sc://127.0.0.1:" + unusedPort();
    System.setProperty("spark.remote", remote);
    try (Parallel p = Parallel.create().backend("spark")) {
      assertThatThrownBy(() -> p.map(List.of(1, 2), x -> x))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("classic Spark session")
          .hasMessageContaining("spark.remote = " + remote)
          .hasMessageContaining("spark-submit --master");
    }
    assertThat(SparkSession.getDefaultSession().isDefined())
        .as("no local session was built in place of the remote one")
        .isFalse();
  }

  @Test
  void apiModeConnectSelectsConnectToo() {
    System.setProperty("spark.api.mode", "connect");
    try (Parallel p = Parallel.create().backend("spark")) {
      assertThatThrownBy(() -> p.map(List.of(1), x -> x))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("spark.api.mode = connect");
    }
  }

  @Test
  void aClassicSessionIsAccepted() {
    SparkSession spark = LocalSpark.start(2);
    assertThat(spark.getClass().getName()).isEqualTo("org.apache.spark.sql.classic.SparkSession");
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark))) {
      assertThat(p.map(List.of(1, 2), x -> x + 1)).containsExactly(2, 3);
    }
  }

  private static int unusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
