package dev.joblib.internal.store;

import dev.joblib.spi.EntryKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * An entry of the {@link LocalStore}: read in one open, read and close, and offered as a local file
 * (which memory-mapped loads use).
 */
final class LocalEntry extends DirectoryEntry<Path> {
  LocalEntry(LocalStore store, EntryKey key, Path output, long size) {
    super(store, key, output, size);
  }

  @Override
  public byte[] readOutput() {
    if (outputSize() > Integer.MAX_VALUE - 16) {
      return super.readOutput(); // throws: too big for an array
    }
    // the size is known from get(): one open, read and close (no second stat)
    byte[] bytes = new byte[(int) outputSize()];
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    try (FileChannel channel = FileChannel.open(output())) {
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // read until full or end of file
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read cache entry " + output(), e);
    }
    return buffer.hasRemaining() ? Arrays.copyOf(bytes, buffer.position()) : bytes;
  }

  @Override
  public Optional<Path> localOutputFile() {
    return Optional.of(output());
  }
}
