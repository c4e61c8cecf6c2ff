package dev.joblib.internal.hash;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Collects the canonical encoding of a value and digests it. Bytes are buffered and digested block
 * by block; big primitive arrays go to {@link #putElements} which digests them without copying
 * where the algorithm allows.
 */
abstract class Sink {
  static final int BLOCK = 64 * 1024;

  protected byte[] buf;
  protected int pos;

  Sink(int initial) {
    buf = new byte[initial];
  }

  /** Digests a full buffer; afterwards {@link #pos} says where the next byte goes. */
  protected abstract void flushBlock();

  /** Appends a primitive array's little-endian bytes (or a digest of them) to the encoding. */
  abstract void putElements(Object array, int elementSize);

  /** The final digest. */
  abstract byte[] finish();

  /** A new, empty sink of the same algorithm for a sub-value. */
  abstract Sink child();

  final void ensure(int n) {
    if (pos + n <= buf.length) {
      return;
    }
    if (buf.length < BLOCK) {
      int size = buf.length;
      while (size < pos + n && size < BLOCK) {
        size *= 2;
      }
      if (pos + n <= size) {
        buf = java.util.Arrays.copyOf(buf, size);
        return;
      }
      buf = java.util.Arrays.copyOf(buf, BLOCK);
    }
    flushBlock();
  }

  final void putByte(int b) {
    ensure(1);
    buf[pos++] = (byte) b;
  }

  final void putInt(int v) {
    ensure(4);
    ByteBuffer.wrap(buf, pos, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
    pos += 4;
  }

  final void putLong(long v) {
    ensure(8);
    ByteBuffer.wrap(buf, pos, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
    pos += 8;
  }

  final void putBytes(byte[] b, int off, int len) {
    while (len > 0) {
      ensure(Math.min(len, BLOCK / 2));
      int n = Math.min(len, buf.length - pos);
      System.arraycopy(b, off, buf, pos, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  /** Length then UTF-16 code units, little-endian. */
  final void putString(String s) {
    int n = s.length();
    putInt(n);
    int i = 0;
    while (i < n) {
      ensure(Math.min(2 * (n - i), BLOCK / 2));
      int room = (buf.length - pos) / 2;
      int end = Math.min(n, i + room);
      for (; i < end; i++) {
        char c = s.charAt(i);
        buf[pos++] = (byte) c;
        buf[pos++] = (byte) (c >>> 8);
      }
    }
  }

  static String hex(byte[] digest) {
    char[] out = new char[digest.length * 2];
    final char[] digits = "0123456789abcdef".toCharArray();
    for (int i = 0; i < digest.length; i++) {
      out[2 * i] = digits[(digest[i] >> 4) & 15];
      out[2 * i + 1] = digits[digest[i] & 15];
    }
    return new String(out);
  }
}
