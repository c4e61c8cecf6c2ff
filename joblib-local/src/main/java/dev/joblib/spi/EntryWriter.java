package dev.joblib.spi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes an entry's output (the dump of a function's result) into a stream the store provides: a
 * temporary file for the local and HDFS stores, a buffer or a multipart upload for S3.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface EntryWriter {
  /**
   * Writes the whole output. The store calls this at most once per {@link StoreBackend#publish}.
   *
   * @param out where to write, never null; the writer must not close it
   * @throws IOException if writing fails; the store then publishes nothing and rethrows it
   */
  void writeTo(OutputStream out) throws IOException;

  /**
   * Returns the exact number of bytes {@link #writeTo} writes, when known in advance, so that a
   * store can size a single request (an S3 PUT with its Content-Length) without buffering.
   *
   * @return the length, or -1 when unknown (the default)
   */
  default long length() {
    return -1;
  }

  /**
   * Tells whether this output comes with files of its own (a {@link ValueCodec}'s), which {@link
   * #writeFiles} writes into the entry's directory. A store that cannot keep them throws {@link
   * UnsupportedOperationException} from {@link StoreBackend#publish}.
   *
   * @return false by default
   */
  default boolean writesFiles() {
    return false;
  }

  /**
   * Writes the output's own files into the entry's temporary directory, before {@link #writeTo};
   * the store publishes them with the entry, atomically, and counts them in the entry's size.
   * Called only when {@link #writesFiles()} is true.
   *
   * @param directory the entry's temporary directory as a URI a Hadoop file system (or {@code
   *     java.nio.file}) understands; it exists
   * @throws IOException if writing fails; nothing is published then
   */
  default void writeFiles(java.net.URI directory) throws IOException {}

  /**
   * Returns a writer of a region of an array, with its {@link #length()} known.
   *
   * @param bytes the array, never null; not copied, so it must not change until published
   * @param offset where the region starts
   * @param length how many bytes it has
   * @return the writer
   * @throws IndexOutOfBoundsException if the region is outside the array
   */
  static EntryWriter of(byte[] bytes, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
    return new EntryWriter() {
      @Override
      public void writeTo(OutputStream out) throws IOException {
        out.write(bytes, offset, length);
      }

      @Override
      public long length() {
        return length;
      }
    };
  }
}
