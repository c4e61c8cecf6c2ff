package dev.joblib.internal.processes;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Unsynchronized in-memory streams: the JDK's byte-array streams lock on every byte, which costs
 * more than encoding a tiny task.
 */
final class Bytes {
  private Bytes() {}

  /** A growable byte array to write into. */
  static final class Out extends OutputStream {
    private byte[] buf;
    private int count;

    Out(int initial) {
      buf = new byte[Math.max(16, initial)];
    }

    private void ensure(int extra) {
      if (count + extra > buf.length) {
        long wanted = Math.max((long) buf.length * 2, (long) count + extra);
        if (wanted > Integer.MAX_VALUE - 16) {
          wanted = (long) count + extra;
          if (wanted > Integer.MAX_VALUE - 16) {
            throw new OutOfMemoryError("a frame cannot exceed 2 GiB; memmap large arrays");
          }
        }
        buf = Arrays.copyOf(buf, (int) wanted);
      }
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    int size() {
      return count;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, count);
    }
  }

  /** Reads a byte array. */
  static final class In extends InputStream {
    private final byte[] buf;
    private int pos;

    In(byte[] buf) {
      this.buf = buf;
    }

    @Override
    public int read() {
      return pos < buf.length ? buf[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos >= buf.length) {
        return -1;
      }
      int n = Math.min(len, buf.length - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      return buf.length - pos;
    }
  }
}
