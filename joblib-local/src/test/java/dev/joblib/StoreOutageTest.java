package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.stores.HdfsServer;
import dev.joblib.stores.S3Server;
import dev.joblib.stores.StoreKind;
import java.net.URI;
import java.nio.file.Path;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store going away in the middle of a run: every call still returns its value (computed while
 * the store is down, with warnings), and caching resumes when the store comes back.
 */
class StoreOutageTest {
  @RegisterExtension static final HdfsServer HDFS = new HdfsServer();
  @RegisterExtension static final S3Server S3 = new S3Server();
  @TempDir static Path shared;
  private static StoreKind.Servers servers;

  @TempDir Path dir;

  @BeforeAll
  static void servers() {
    servers = new StoreKind.Servers(shared, HDFS, S3, S3.newBucket("outage"));
  }

  /** How one test takes its store down and brings it back. */
  private interface Outage {
    void stop() throws Exception;

    void start() throws Exception;
  }

  @Test
  void s3ServerStoppedMidRun() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        S3.isExternal(), "stops the in-process server; an external one is not ours to stop");
    runThroughAnOutage(
        StoreKind.S3,
        new Outage() {
          @Override
          public void stop() throws Exception {
            S3.stop();
          }

          @Override
          public void start() throws Exception {
            S3.start();
          }
        });
  }

  @Test
  void hdfsClusterShutDownMidRun() throws Exception {
    runThroughAnOutage(
        StoreKind.HDFS,
        new Outage() {
          @Override
          public void stop() {
            HDFS.shutdown();
          }

          @Override
          public void start() throws Exception {
            HDFS.start();
          }
        });
  }

  /**
   * 100 calls over 20 keys: the store goes down at call 30 and comes back at call 70. Keys 0-9 were
   * cached before the run, keys 10-19 are cached by calls 10-19.
   */
  private void runThroughAnOutage(StoreKind kind, Outage outage) throws Exception {
    String log = dir.resolve("calls.log").toString();
    URI location = kind.newLocation(servers, "outage");
    Memory.Builder builder = Memory.builder().location(location);
    kind.options(servers).forEach(builder::storeOption);
    MemorizedFn1<Integer, Integer> square = builder.build().cache(MemoFunctions.square(log));
    for (int key = 0; key < 10; key++) {
      square.apply(key);
    }
    assertThat(MemoFunctions.calls(log)).hasSize(10);

    try (LogCapture logs = new LogCapture()) {
      for (int call = 0; call < 100; call++) {
        if (call == 30) {
          outage.stop();
        }
        if (call == 70) {
          outage.start();
        }
        int key = call % 20;
        assertThat(square.apply(key)).as("call %d", call).isEqualTo(key * key);
      }

      // 10 before the run, 10 new keys in calls 10-19, and all 40 calls of the outage
      assertThat(MemoFunctions.calls(log)).hasSize(10 + 10 + 40);
      assertThat(logs.messages(Level.WARNING))
          .isNotEmpty()
          .allSatisfy(m -> assertThat(m).contains(location.getAuthority()));
    }
    // caching resumed: a new key is computed once, then read back
    assertThat(square.apply(1000)).isEqualTo(1_000_000);
    assertThat(square.apply(1000)).isEqualTo(1_000_000);
    assertThat(MemoFunctions.calls(log)).hasSize(61);
    assertThat(kind.entries(servers, location)).hasSize(21);
  }
}
