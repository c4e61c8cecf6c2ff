package dev.joblib.internal.memory;

import dev.joblib.Compression;
import dev.joblib.DumpOptions;
import dev.joblib.Joblib;
import dev.joblib.LoadOptions;
import dev.joblib.spi.StoredEntry;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/** How a Memory writes and reads results: its dump and load options, and loading an entry. */
final class ResultCodec {
  private static final int SMALL_OUTPUT = 1 << 20;

  private ResultCodec() {}

  /** Unsigned: a signed Memory signs the output after its metadata is known (EntrySigning). */
  static DumpOptions dumpOptions(MemorySettings settings) {
    return DumpOptions.defaults()
        .withCompression(Compression.of(settings.compression(), settings.compressionLevel()));
  }

  /** The default filter and no signature: {@link EntryReader} adds what the entry needs. */
  static LoadOptions loadOptions(MemorySettings settings) {
    // a cache entry may have been damaged in the store: check even the blocks handed out mapped
    return LoadOptions.defaults().withMmap(settings.mmap()).withMappedChecksums(true);
  }

  /** Loads an entry's output: from its local file when mapping or verifying, else from memory. */
  static Object load(StoredEntry entry, MemorySettings settings, LoadOptions options) {
    if (settings.mmap() || settings.signed()) {
      // a file is mapped, and a signature checked in place rather than through a temporary copy
      Optional<Path> file = entry.localOutputFile();
      if (file.isPresent()) {
        return Joblib.load(file.get(), options);
      }
    }
    if (entry.outputSize() <= SMALL_OUTPUT) {
      return Joblib.load(new ByteArrayInputStream(entry.readOutput()), options);
    }
    try (InputStream in = new BufferedInputStream(entry.openOutput(), 1 << 16)) {
      return Joblib.load(in, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close cache entry " + entry.key(), e);
    }
  }
}
