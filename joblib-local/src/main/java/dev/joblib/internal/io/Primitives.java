package dev.joblib.internal.io;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Element types of out-of-band blocks and bulk copies between them and little-endian byte buffers.
 * Codes are part of the file format: never renumber.
 */
final class Primitives {
  static final int BOOLEAN = 1;
  static final int BYTE = 2;
  static final int CHAR = 3;
  static final int SHORT = 4;
  static final int INT = 5;
  static final int LONG = 6;
  static final int FLOAT = 7;
  static final int DOUBLE = 8;

  private Primitives() {}

  /** The type code of a primitive array or buffer, or 0 if {@code o} is neither. */
  static int typeOf(Object o) {
    if (o instanceof double[] || o instanceof DoubleBuffer) {
      return DOUBLE;
    } else if (o instanceof byte[] || o instanceof ByteBuffer) {
      return BYTE;
    } else if (o instanceof long[] || o instanceof LongBuffer) {
      return LONG;
    } else if (o instanceof int[] || o instanceof IntBuffer) {
      return INT;
    } else if (o instanceof float[] || o instanceof FloatBuffer) {
      return FLOAT;
    } else if (o instanceof short[] || o instanceof ShortBuffer) {
      return SHORT;
    } else if (o instanceof char[] || o instanceof CharBuffer) {
      return CHAR;
    } else if (o instanceof boolean[]) {
      return BOOLEAN;
    }
    return 0;
  }

  static int size(int type) {
    switch (type) {
      case BOOLEAN:
      case BYTE:
        return 1;
      case CHAR:
      case SHORT:
        return 2;
      case INT:
      case FLOAT:
        return 4;
      case LONG:
      case DOUBLE:
        return 8;
      default:
        throw new IllegalArgumentException("unknown element type " + type);
    }
  }

  /** Number of elements of an array, or remaining elements of a buffer. */
  static int length(Object o) {
    if (o instanceof Buffer b) {
      return b.remaining();
    }
    return java.lang.reflect.Array.getLength(o);
  }

  /** A new array of {@code n} elements starting with the elements of {@code array}. */
  static Object copyOf(Object array, int type, int n) {
    Object bigger = newArray(type, n);
    System.arraycopy(array, 0, bigger, 0, Math.min(n, length(array)));
    return bigger;
  }

  static Object newArray(int type, int n) {
    switch (type) {
      case BOOLEAN:
        return new boolean[n];
      case BYTE:
        return new byte[n];
      case CHAR:
        return new char[n];
      case SHORT:
        return new short[n];
      case INT:
        return new int[n];
      case LONG:
        return new long[n];
      case FLOAT:
        return new float[n];
      case DOUBLE:
        return new double[n];
      default:
        throw new IllegalArgumentException("unknown element type " + type);
    }
  }

  /**
   * Copies elements {@code [from, from + n)} of {@code src} (an array, or a buffer counted from its
   * position) into {@code dst} at its position, little-endian, and advances {@code dst}.
   */
  static void put(ByteBuffer dst, Object src, int from, int n) {
    ByteBuffer d = dst.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (src instanceof double[] a) {
      d.asDoubleBuffer().put(a, from, n);
    } else if (src instanceof byte[] a) {
      d.put(a, from, n);
    } else if (src instanceof long[] a) {
      d.asLongBuffer().put(a, from, n);
    } else if (src instanceof int[] a) {
      d.asIntBuffer().put(a, from, n);
    } else if (src instanceof float[] a) {
      d.asFloatBuffer().put(a, from, n);
    } else if (src instanceof short[] a) {
      d.asShortBuffer().put(a, from, n);
    } else if (src instanceof char[] a) {
      d.asCharBuffer().put(a, from, n);
    } else if (src instanceof boolean[] a) {
      for (int i = 0; i < n; i++) {
        d.put(i, a[from + i] ? (byte) 1 : (byte) 0);
      }
    } else if (src instanceof Buffer b) {
      putBuffer(d, b, from, n);
    } else {
      throw new IllegalArgumentException("not a primitive array or buffer: " + src.getClass());
    }
    dst.position(dst.position() + n * size(typeOf(src)));
  }

  private static void putBuffer(ByteBuffer d, Buffer b, int from, int n) {
    int start = b.position() + from;
    if (b instanceof DoubleBuffer x) {
      d.asDoubleBuffer().put(x.duplicate().position(start).limit(start + n));
    } else if (b instanceof ByteBuffer x) {
      d.put(x.duplicate().position(start).limit(start + n));
    } else if (b instanceof LongBuffer x) {
      d.asLongBuffer().put(x.duplicate().position(start).limit(start + n));
    } else if (b instanceof IntBuffer x) {
      d.asIntBuffer().put(x.duplicate().position(start).limit(start + n));
    } else if (b instanceof FloatBuffer x) {
      d.asFloatBuffer().put(x.duplicate().position(start).limit(start + n));
    } else if (b instanceof ShortBuffer x) {
      d.asShortBuffer().put(x.duplicate().position(start).limit(start + n));
    } else if (b instanceof CharBuffer x) {
      d.asCharBuffer().put(x.duplicate().position(start).limit(start + n));
    }
  }

  /**
   * Copies {@code n} little-endian elements from {@code src} at its position into {@code dst}
   * starting at element {@code to}, and advances {@code src}.
   */
  static void get(ByteBuffer src, Object dst, int to, int n) {
    ByteBuffer s = src.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (dst instanceof double[] a) {
      s.asDoubleBuffer().get(a, to, n);
    } else if (dst instanceof byte[] a) {
      s.get(a, to, n);
    } else if (dst instanceof long[] a) {
      s.asLongBuffer().get(a, to, n);
    } else if (dst instanceof int[] a) {
      s.asIntBuffer().get(a, to, n);
    } else if (dst instanceof float[] a) {
      s.asFloatBuffer().get(a, to, n);
    } else if (dst instanceof short[] a) {
      s.asShortBuffer().get(a, to, n);
    } else if (dst instanceof char[] a) {
      s.asCharBuffer().get(a, to, n);
    } else if (dst instanceof boolean[] a) {
      for (int i = 0; i < n; i++) {
        a[to + i] = s.get(i) != 0;
      }
    } else {
      throw new IllegalArgumentException("not a primitive array: " + dst.getClass());
    }
    src.position(src.position() + n * size(typeOf(dst)));
  }

  /** Views little-endian bytes as a buffer of the type (read-only if {@code bytes} is). */
  static Buffer view(ByteBuffer bytes, int type) {
    ByteBuffer b = bytes.order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case BYTE:
        return b;
      case CHAR:
        return b.asCharBuffer();
      case SHORT:
        return b.asShortBuffer();
      case INT:
        return b.asIntBuffer();
      case LONG:
        return b.asLongBuffer();
      case FLOAT:
        return b.asFloatBuffer();
      case DOUBLE:
        return b.asDoubleBuffer();
      default:
        throw new IllegalArgumentException("no buffer type for element type " + type);
    }
  }
}
