package dev.joblib.stores;

import dev.joblib.MemoryContract;
import dev.joblib.spi.EntryKey;
import java.net.URI;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MemoryContract} on the s3a store, on an in-process S3 server (or JOBLIB_TEST_S3_ENDPOINT).
 */
class S3aMemoryTest extends MemoryContract {
  @RegisterExtension static final S3Server S3 = new S3Server();
  @TempDir static java.nio.file.Path shared;
  private static StoreKind.Servers servers;

  @BeforeAll
  static void servers() {
    servers = new StoreKind.Servers(shared, null, S3, S3.newBucket("memory-s3a"));
  }

  @Override
  protected String newLocation() {
    return StoreKind.S3A.newLocation(servers, "memory").toString();
  }

  @Override
  protected Map<String, String> storeOptions() {
    return StoreKind.S3A.options(servers);
  }

  @Override
  protected void rewriteOutput(String location, EntryKey key, UnaryOperator<byte[]> change)
      throws Exception {
    StoreKind.S3A.rewriteOutput(servers, URI.create(location), key, change);
  }
}
