package dev.joblib.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The fastest plain way to move a {@code double[]} to a file and back on the JVM, with no format,
 * checksum or safety: the ceiling for raw dump and load. Writing goes through a temporary file
 * renamed atomically over the old one, as a dump does; reading maps the file and copies it into a
 * new array.
 */
final class BareChannel {
  private static final int CHUNK = 1 << 20;

  private BareChannel() {}

  /** Writes the array's bytes, little-endian, to {@code file}. */
  static Path write(double[] data, Path file) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      try (FileChannel out =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = CHUNK / Double.BYTES;
        for (int done = 0; done < data.length; done += perChunk) {
          int n = Math.min(perChunk, data.length - done);
          buf.clear();
          buf.asDoubleBuffer().put(data, done, n);
          buf.limit(n * Double.BYTES);
          while (buf.hasRemaining()) {
            out.write(buf);
          }
        }
      }
      // atomic, as a dump replaces an older one: without ATOMIC_MOVE the JDK deletes the target
      // first, which skips the flush ext4 makes a rename over an existing file do (and leaves a
      // moment without the file)
      return Files.move(
          tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("bare write of " + file, e);
    }
  }

  /** Reads a file {@link #write} wrote into a new array. */
  static double[] read(Path file) {
    try (FileChannel in = FileChannel.open(file)) {
      double[] data = new double[Math.toIntExact(in.size() / Double.BYTES)];
      MappedByteBuffer map = in.map(FileChannel.MapMode.READ_ONLY, 0, in.size());
      map.order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(data);
      return data;
    } catch (IOException e) {
      throw new UncheckedIOException("bare read of " + file, e);
    }
  }
}
