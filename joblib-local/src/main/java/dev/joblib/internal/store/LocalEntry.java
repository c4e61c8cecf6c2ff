package dev.joblib.internal.store;

import dev.joblib.spi.EntryKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * An entry of the {@link LocalStore}: a small output is already read (in the open that found it), a
 * bigger one is read in one open, read and close; offered as a local file too (which memory-mapped
 * loads use).
 */
final class LocalEntry extends DirectoryEntry<Path> {
  /** Outputs up to this size are read by {@link LocalStore#get} in the same open. */
  static final int PRELOADED_BYTES = 64 * 1024;

  private final byte[] preloaded;

  /**
   * @param preloaded the output's bytes, read when the entry was found, or null to read them on
   *     demand
   */
  LocalEntry(LocalStore store, EntryKey key, Path output, long size, byte[] preloaded) {
    super(store, key, output, size);
    this.preloaded = preloaded;
  }

  @Override
  public byte[] readOutput() {
    if (preloaded != null) {
      return preloaded.clone();
    }
    if (outputSize() > Integer.MAX_VALUE - 16) {
      return super.readOutput(); // throws: too big for an array
    }
    try (FileChannel channel = FileChannel.open(output())) {
      return read(channel, outputSize());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read cache entry " + output(), e);
    }
  }

  @Override
  public InputStream openOutput() {
    return preloaded != null ? new ByteArrayInputStream(preloaded) : super.openOutput();
  }

  /** Reads up to {@code size} bytes from the channel's position: fewer if the file is shorter. */
  static byte[] read(FileChannel channel, long size) throws IOException {
    byte[] bytes = new byte[(int) size];
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
      // read until full or end of file
    }
    return buffer.hasRemaining() ? Arrays.copyOf(bytes, buffer.position()) : bytes;
  }

  @Override
  public Optional<Path> localOutputFile() {
    return Optional.of(output());
  }
}
