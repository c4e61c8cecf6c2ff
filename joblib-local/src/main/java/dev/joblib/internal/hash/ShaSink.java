package dev.joblib.internal.hash;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 over the encoding; primitive arrays contribute their little-endian bytes in full. */
final class ShaSink extends Sink {
  private final MessageDigest md;

  ShaSink(int initial) {
    super(initial);
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  @Override
  protected void flushBlock() {
    md.update(buf, 0, pos);
    pos = 0;
  }

  @Override
  void putElements(Object array, int elementSize) {
    flushBlock();
    int n = java.lang.reflect.Array.getLength(array);
    int per = BLOCK / elementSize;
    ByteBuffer chunk = ByteBuffer.allocate(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
    for (int done = 0; done < n; done += per) {
      int k = Math.min(per, n - done);
      chunk.clear();
      fill(chunk, array, done, k);
      md.update(chunk.array(), 0, k * elementSize);
    }
  }

  private static void fill(ByteBuffer chunk, Object array, int from, int k) {
    if (array instanceof double[] a) {
      chunk.asDoubleBuffer().put(a, from, k);
    } else if (array instanceof float[] a) {
      chunk.asFloatBuffer().put(a, from, k);
    } else if (array instanceof long[] a) {
      chunk.asLongBuffer().put(a, from, k);
    } else if (array instanceof int[] a) {
      chunk.asIntBuffer().put(a, from, k);
    } else if (array instanceof short[] a) {
      chunk.asShortBuffer().put(a, from, k);
    } else if (array instanceof char[] a) {
      chunk.asCharBuffer().put(a, from, k);
    } else if (array instanceof byte[] a) {
      chunk.put(a, from, k);
    } else if (array instanceof boolean[] a) {
      for (int i = 0; i < k; i++) {
        chunk.put(i, a[from + i] ? (byte) 1 : (byte) 0);
      }
    }
  }

  @Override
  byte[] finish() {
    flushBlock();
    return md.digest();
  }

  @Override
  Sink child() {
    return new ShaSink(256);
  }
}
