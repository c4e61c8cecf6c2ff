package dev.joblib.internal.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The output of a decompressor, cut off past a byte limit (a decompression bomb stops there). */
final class BoundedInput extends FilterInputStream {
  private final long limit;
  private long count;

  BoundedInput(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  /** Thrown when more than the limit is read. */
  static final class LimitException extends IOException {
    private static final long serialVersionUID = 1L;

    LimitException(long limit) {
      super(
          "decompresses to more than maxDecompressedBytes "
              + limit
              + " bytes (LoadOptions.withMaxDecompressedBytes)");
    }
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, allowed(len));
    if (n > 0) {
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = in.skip(Math.min(n, allowed(Integer.MAX_VALUE)));
    counted(skipped);
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** At most {@code len}, and one byte past the limit so that going over is noticed. */
  private int allowed(int len) {
    long room = limit - count; // never negative: reading past the limit throws
    return room >= len ? len : (int) room + 1;
  }

  private void counted(long n) throws LimitException {
    count += n;
    if (count > limit) {
      throw new LimitException(limit);
    }
  }
}
