package dev.joblib.internal.hash;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.openhft.hashing.Access;
import net.openhft.hashing.LongTupleHashFunction;

/**
 * XXH3-128 over the encoding, in 64 KiB blocks chained by digest: when the buffer is full its
 * digest replaces it as the first 16 bytes of the next block. A big primitive array contributes the
 * XXH3-128 of its little-endian bytes, computed straight from the array.
 */
final class XxhSink extends Sink {
  private static final LongTupleHashFunction XXH = LongTupleHashFunction.xx128();
  private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
  private static final long DOUBLE_BASE = baseOffset(double[].class);
  private static final long FLOAT_BASE = baseOffset(float[].class);

  private final long[] result = new long[2];

  XxhSink(int initial) {
    super(initial);
  }

  /** The array base offset from sun.misc.Unsafe, or -1 where it cannot be read. */
  private static long baseOffset(Class<?> arrayClass) {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      Object unsafe = f.get(null);
      return ((Number)
              unsafeClass.getMethod("arrayBaseOffset", Class.class).invoke(unsafe, arrayClass))
          .longValue();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  protected void flushBlock() {
    XXH.hashBytes(buf, 0, pos, result);
    pos = 0;
    putDigest();
  }

  private void putDigest() {
    ByteBuffer.wrap(buf, pos, 16)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(result[0])
        .putLong(result[1]);
    pos += 16;
  }

  @Override
  void putElements(Object array, int elementSize) {
    if (LITTLE) {
      if (array instanceof double[] a && DOUBLE_BASE >= 0) {
        XXH.hash(a, Access.unsafe(), DOUBLE_BASE, (long) a.length * 8, result);
      } else if (array instanceof float[] a && FLOAT_BASE >= 0) {
        XXH.hash(a, Access.unsafe(), FLOAT_BASE, (long) a.length * 4, result);
      } else if (array instanceof long[] a) {
        XXH.hashLongs(a, result);
      } else if (array instanceof int[] a) {
        XXH.hashInts(a, result);
      } else if (array instanceof short[] a) {
        XXH.hashShorts(a, result);
      } else if (array instanceof char[] a) {
        XXH.hashChars(a, result);
      } else if (array instanceof byte[] a) {
        XXH.hashBytes(a, result);
      } else if (array instanceof boolean[] a) {
        XXH.hashBooleans(a, result);
      } else {
        hashCopy(array, elementSize);
      }
    } else {
      hashCopy(array, elementSize);
    }
    ensure(16);
    putDigest();
  }

  /** Slow path (big-endian JVM, no Unsafe): a little-endian copy of the whole array. */
  private void hashCopy(Object array, int elementSize) {
    int n = java.lang.reflect.Array.getLength(array);
    long bytes = (long) n * elementSize;
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "cannot hash a primitive array of " + bytes + " bytes on this JVM (no fast path)");
    }
    ByteBuffer le = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      Object v = java.lang.reflect.Array.get(array, i);
      if (v instanceof Double d) {
        le.putDouble(d);
      } else if (v instanceof Float f) {
        le.putFloat(f);
      } else if (v instanceof Long l) {
        le.putLong(l);
      } else if (v instanceof Integer x) {
        le.putInt(x);
      } else if (v instanceof Short s) {
        le.putShort(s);
      } else if (v instanceof Character c) {
        le.putChar(c);
      } else if (v instanceof Byte b) {
        le.put(b);
      } else if (v instanceof Boolean b) {
        le.put(b ? (byte) 1 : (byte) 0);
      }
    }
    XXH.hashBytes(le.array(), result);
  }

  @Override
  byte[] finish() {
    XXH.hashBytes(buf, 0, pos, result);
    byte[] out = new byte[16];
    ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN).putLong(result[1]).putLong(result[0]);
    return out;
  }

  @Override
  Sink child() {
    return new XxhSink(256);
  }
}
