package dev.joblib.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An entry found by {@link StoreBackend#get}: a handle to read its output and metadata.
 *
 * <p>The handle is cheap to obtain: a store only checks that the entry exists and reads nothing
 * until asked. An entry deleted after {@code get} makes the read methods throw {@link
 * UncheckedIOException} (often wrapping {@link java.nio.file.NoSuchFileException}); the caller
 * treats that as a miss.
 *
 * @since 0.1
 */
public interface StoredEntry {
  /**
   * Returns the entry's key.
   *
   * @return the key, never null
   */
  EntryKey key();

  /**
   * Returns the size of the output in bytes as the store sees it. A truncated output has a smaller
   * size than was written; the store does not check that.
   *
   * @return 0 or more
   */
  long outputSize();

  /**
   * Opens the output for reading from its start. The caller closes the stream.
   *
   * @return a new stream, never null
   * @throws UncheckedIOException if the output cannot be opened (for example it was deleted)
   */
  InputStream openOutput();

  /**
   * Reads the whole output.
   *
   * @return the output's bytes, never null
   * @throws UncheckedIOException if it cannot be read
   * @throws IllegalStateException if the output is larger than a Java array can hold
   */
  default byte[] readOutput() {
    if (outputSize() > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException(
          "entry " + key() + " has " + outputSize() + " bytes of output, too many for an array");
    }
    try (InputStream in = openOutput()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the output of entry " + key(), e);
    }
  }

  /**
   * Returns the output as a file of the local file system, for stores that keep one (the local
   * store), so that it can be memory-mapped. Other stores return empty.
   *
   * @return the output's path, or empty
   */
  Optional<Path> localOutputFile();

  /**
   * Returns the entry's directory, holding the files an {@link EntryWriter#writeFiles} wrote, for
   * stores that keep entries as directories. Other stores return empty.
   *
   * @return the directory's URI, or empty
   */
  default Optional<java.net.URI> directory() {
    return Optional.empty();
  }

  /**
   * Reads the metadata published with the entry (the bytes of its {@code metadata.json}).
   *
   * @return the metadata, or empty if the store has none for this entry
   * @throws UncheckedIOException if the metadata exists but cannot be read
   */
  Optional<byte[]> readMetadata();
}
