package dev.joblib.beam.internal;

import java.io.ObjectInputFilter;
import java.lang.reflect.Array;

/**
 * Bounds the arrays a serialized value held in memory may declare by its bytes (as joblib-local's
 * loads do): a primitive array needs its bytes after its length, and all arrays together (reference
 * slots counted at 4 bytes) may take at most 16 times the data's size plus 1 MiB. The filter sees
 * each length before the array exists, so a corrupt length is refused instead of allocated. A
 * JVM-wide filter ({@code jdk.serialFilter}) still applies.
 */
final class ArrayBounds implements ObjectInputFilter {
  private static final long BYTES_PER_BYTE = 16;
  private static final long SLACK = 1 << 20;
  private static final long READ_AHEAD = 1024;

  private final long size;
  private final long budget;
  private long claimed;
  private Object replacement;

  ArrayBounds(long size) {
    this.size = size;
    this.budget = BYTES_PER_BYTE * size + SLACK;
  }

  /** The next array the stream filters replaces a placeholder: its bytes are not in the data. */
  void replacing(Object value) {
    replacement = value;
  }

  /** This filter merged with the stream's current one (the JVM-wide filter), if any. */
  ObjectInputFilter with(ObjectInputFilter current) {
    return current == null ? this : ObjectInputFilter.merge(this, current);
  }

  @Override
  public Status checkInput(FilterInfo info) {
    long length = info.arrayLength();
    Class<?> c = info.serialClass();
    if (length < 0 || c == null || !c.isArray()) {
      return Status.UNDECIDED;
    }
    if (replacement != null
        && c == replacement.getClass()
        && length == Array.getLength(replacement)) {
      replacement = null;
      return Status.UNDECIDED;
    }
    Class<?> component = c.getComponentType();
    long bytes = component.isPrimitive() ? length * elementSize(component) : 4 * length;
    if (component.isPrimitive() && bytes > size - info.streamBytes() + READ_AHEAD) {
      return Status.REJECTED;
    }
    claimed += bytes;
    return claimed > budget ? Status.REJECTED : Status.UNDECIDED;
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
