package dev.joblib.internal.store;

import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreBackendContract;
import dev.joblib.spi.StoreSpec;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

class LocalStoreContractTest extends StoreBackendContract {
  @TempDir Path dir;
  private int stores;

  @Override
  protected StoreBackend newStore() {
    Path location = dir.resolve("cache-" + stores++);
    return StoreRegistry.provider(location.toUri()).open(new StoreSpec(location.toUri(), Map.of()));
  }

  @Override
  protected void truncateOutput(StoreBackend store, EntryKey key, int keepBytes) throws Exception {
    Path output =
        ((LocalStore) store).root().resolve(key.relativePath()).resolve(LocalStore.OUTPUT);
    try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "rw")) {
      file.setLength(keepBytes);
    }
  }
}
