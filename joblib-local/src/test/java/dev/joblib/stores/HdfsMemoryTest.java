package dev.joblib.stores;

import dev.joblib.MemoryContract;
import dev.joblib.spi.EntryKey;
import java.net.URI;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link MemoryContract} on the HDFS store, on an in-process HDFS. */
class HdfsMemoryTest extends MemoryContract {
  @RegisterExtension static final HdfsServer HDFS = new HdfsServer();
  @TempDir static java.nio.file.Path shared;
  private static StoreKind.Servers servers;

  @BeforeAll
  static void servers() {
    servers = new StoreKind.Servers(shared, HDFS, null, null);
  }

  @Override
  protected String newLocation() {
    return StoreKind.HDFS.newLocation(servers, "memory").toString();
  }

  @Override
  protected Map<String, String> storeOptions() {
    return StoreKind.HDFS.options(servers);
  }

  @Override
  protected void rewriteOutput(String location, EntryKey key, UnaryOperator<byte[]> change)
      throws Exception {
    StoreKind.HDFS.rewriteOutput(servers, URI.create(location), key, change);
  }
}
