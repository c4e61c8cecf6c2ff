package dev.joblib.internal.store;

import dev.joblib.MemoryContract;
import dev.joblib.spi.EntryKey;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/** {@link MemoryContract} on the local store. */
class LocalMemoryTest extends MemoryContract {
  @Override
  protected String newLocation() {
    return scratch.resolve("cache").toString();
  }

  @Override
  protected void truncateOutput(String location, EntryKey key, int keepBytes) throws Exception {
    Path output =
        Path.of(location, "joblib").resolve(key.relativePath()).resolve(LocalStore.OUTPUT);
    try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "rw")) {
      file.setLength(keepBytes);
    }
  }
}
