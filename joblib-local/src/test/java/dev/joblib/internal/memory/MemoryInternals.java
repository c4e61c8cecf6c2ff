package dev.joblib.internal.memory;

import dev.joblib.CacheMetadata;
import dev.joblib.Memory;
import dev.joblib.spi.StoreBackend;
import java.util.Map;

/** What tests outside this package may see of the memo engine's internals. */
public final class MemoryInternals {
  private MemoryInternals() {}

  /**
   * Returns the store a Memory without store options uses: the very instance its cached functions
   * share in this JVM.
   *
   * @param memory a Memory with a location and no store options
   * @return its store, unguarded
   */
  public static StoreBackend store(Memory memory) {
    String location = memory.location().orElseThrow().toString();
    return Stores.open(
            new MemorySettings(
                location, "none", 0, null, false, 0, -1, Map.of(), java.util.List.of()))
        .unguarded();
  }

  /**
   * Decodes an entry's {@code metadata.json}.
   *
   * @param bytes the file's bytes
   * @return the metadata
   */
  public static CacheMetadata decodeMetadata(byte[] bytes) {
    return MetadataCodec.decode(bytes);
  }
}
