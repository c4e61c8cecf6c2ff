package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.stores.HdfsServer;
import dev.joblib.stores.S3Server;
import dev.joblib.stores.StoreKind;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What Memory does on every store (local disk, HDFS, native S3 and s3a, each on its in-process
 * server) beyond {@link MemoryContract}, which each store's *MemoryTest runs: one scenario per
 * test, run once per store.
 */
class MemoryOnStoresTest {
  @RegisterExtension static final HdfsServer HDFS = new HdfsServer();
  @RegisterExtension static final S3Server S3 = new S3Server();
  @TempDir static Path shared;
  private static StoreKind.Servers servers;

  @TempDir Path dir;
  private String log;

  @BeforeAll
  static void servers() {
    servers = new StoreKind.Servers(shared, HDFS, S3, S3.newBucket("memory"));
  }

  @BeforeEach
  void setUp() {
    log = dir.resolve("calls.log").toString();
  }

  private List<String> calls() throws Exception {
    return MemoFunctions.calls(log);
  }

  private static Memory.Builder builder(StoreKind kind, URI location) {
    Memory.Builder builder = Memory.builder().location(location);
    kind.options(servers).forEach(builder::storeOption);
    return builder;
  }

  private static Memory memory(StoreKind kind, URI location) {
    return builder(kind, location).build();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aNewVersionOfTheFunctionMissesAndClearsTheOldEntries(StoreKind kind) throws Exception {
    URI location = kind.newLocation(servers, "code");
    MemorizedFn1<Integer, Integer> v1 =
        memory(kind, location).cache(MemoFunctions.square(log)).version("1");
    v1.apply(2);
    v1.apply(3);
    assertThat(kind.entries(servers, location)).hasSize(2);

    MemorizedFn1<Integer, Integer> v2 = v1.version("2");

    assertThat(v2.isCached(2)).isFalse();
    assertThat(v2.apply(2)).isEqualTo(4);
    assertThat(v2.apply(2)).isEqualTo(4);
    assertThat(calls()).containsExactly("square 2", "square 3", "square 2");
    assertThat(kind.entries(servers, location)).hasSize(1);
  }
}
