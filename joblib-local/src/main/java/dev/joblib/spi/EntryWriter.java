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
}
