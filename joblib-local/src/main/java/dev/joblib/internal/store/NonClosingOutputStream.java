package dev.joblib.internal.store;

import dev.joblib.spi.EntryWriter;
import java.io.IOException;
import java.io.OutputStream;

/** Hands a store's stream to an {@link EntryWriter} without letting it close the stream. */
public final class NonClosingOutputStream extends OutputStream {
  private final OutputStream out;

  /**
   * Wraps a stream.
   *
   * @param out the store's stream, which its owner closes
   */
  public NonClosingOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Flushes only. */
  @Override
  public void close() throws IOException {
    out.flush();
  }
}
