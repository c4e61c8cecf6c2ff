package dev.joblib.internal.io;

import java.io.ObjectInputFilter;

/**
 * Bounds the arrays an object stream held in memory may declare by the bytes it holds: a primitive
 * array needs its bytes after its length, and all arrays together (reference arrays and the hash
 * tables of collections counted at 4 bytes a slot) may take at most {@link #BYTES_PER_BYTE} times
 * the stream's size plus {@link #SLACK}. The filter sees each length before the array is allocated,
 * so a corrupt length is refused instead of allocated.
 */
final class GraphBounds implements ObjectInputFilter {
  /**
   * Heap bytes of arrays allowed per byte of stream. A real stream needs at most about 6: a
   * reference array needs a byte per element, and a hash set declaring n elements gets a table of
   * up to 8n slots for elements of at least 5 bytes each.
   */
  static final long BYTES_PER_BYTE = 16;

  /** Fixed allowance on top: small streams may hold small collections of any shape. */
  static final long SLACK = 1 << 20;

  /** Bytes a primitive array may declare past what is left, for the stream's read-ahead. */
  private static final long READ_AHEAD = 1024;

  private final long size;
  private final long budget;
  private long claimed;
  private String refused;
  private Object resolved;

  GraphBounds(long size) {
    this.size = size;
    this.budget = BYTES_PER_BYTE * size + SLACK;
  }

  /** What the refusal was about, or null. */
  String refused() {
    return refused;
  }

  /**
   * Tells that an out-of-band block replaces a placeholder next: the stream filters the replacement
   * too, and its bytes were in the block, not in the stream.
   */
  void replacing(Object block) {
    resolved = block;
  }

  /** This filter, then {@code next} (unless this one refuses). */
  ObjectInputFilter then(ObjectInputFilter next) {
    return info -> checkInput(info) == Status.REJECTED ? Status.REJECTED : next.checkInput(info);
  }

  @Override
  public Status checkInput(FilterInfo info) {
    long length = info.arrayLength();
    Class<?> c = info.serialClass();
    if (length < 0 || c == null || !c.isArray()) {
      return Status.UNDECIDED;
    }
    if (resolved != null
        && c == resolved.getClass()
        && length == java.lang.reflect.Array.getLength(resolved)) {
      resolved = null;
      return Status.UNDECIDED;
    }
    Class<?> component = c.getComponentType();
    long bytes;
    if (component.isPrimitive()) {
      bytes = length * elementSize(component);
      long left = size - info.streamBytes();
      if (bytes > left + READ_AHEAD) {
        return refuse(
            "an array of "
                + length
                + " "
                + component
                + " needs "
                + bytes
                + " bytes; the object stream has "
                + left
                + " left");
      }
    } else {
      bytes = 4 * length;
    }
    claimed += bytes;
    if (claimed > budget) {
      return refuse(
          "arrays of "
              + claimed
              + " bytes in all are declared by an object stream of "
              + size
              + " bytes (at most "
              + budget
              + ")");
    }
    return Status.UNDECIDED;
  }

  private Status refuse(String why) {
    refused = why;
    return Status.REJECTED;
  }

  private static long elementSize(Class<?> primitive) {
    if (primitive == long.class || primitive == double.class) {
      return 8;
    }
    if (primitive == int.class || primitive == float.class) {
      return 4;
    }
    if (primitive == short.class || primitive == char.class) {
      return 2;
    }
    return 1;
  }
}
