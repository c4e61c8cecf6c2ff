package dev.joblib.internal.store;

import dev.joblib.MemoryContract;
import dev.joblib.spi.EntryKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** {@link MemoryContract} on the local store. */
class LocalMemoryTest extends MemoryContract {
  @Override
  protected String newLocation() {
    return scratch.resolve("cache").toString();
  }

  @Override
  protected void rewriteOutput(String location, EntryKey key, UnaryOperator<byte[]> change)
      throws Exception {
    Path output =
        Path.of(location, "joblib").resolve(key.relativePath()).resolve(LocalStore.OUTPUT);
    Files.write(output, change.apply(Files.readAllBytes(output)));
  }
}
