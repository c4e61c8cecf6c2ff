package dev.joblib.spi;

import java.io.ObjectInputFilter;
import java.lang.reflect.Array;

/**
 * Bounds the arrays an object stream held in memory may declare by the bytes it holds: a primitive
 * array needs its bytes after its length, and all arrays together (reference arrays and the hash
 * tables of collections counted at 4 bytes a slot) may take at most {@link #BYTES_PER_BYTE} times
 * the stream's size plus {@link #SLACK}. The filter sees each length before the array is allocated,
 * so a corrupt length is refused instead of allocated. Every load of joblib's uses it; a backend
 * that reads its results with its own {@code ObjectInputStream} should too:
 *
 * <pre>{@code
 * ArrayBounds bounds = new ArrayBounds(bytes.length);
 * in.setObjectInputFilter(bounds.with(in.getObjectInputFilter()));
 * }</pre>
 *
 * <p>One instance per stream: it counts what the stream declared so far.
 */
public final class ArrayBounds implements ObjectInputFilter {
  /**
   * Heap bytes of arrays allowed per byte of stream. A real stream needs at most about 6: a
   * reference array needs a byte per element, and a hash set declaring n elements gets a table of
   * up to 8n slots for elements of at least 5 bytes each.
   */
  public static final long BYTES_PER_BYTE = 16;

  /** Fixed allowance on top: small streams may hold small collections of any shape. */
  public static final long SLACK = 1 << 20;

  /** Bytes a primitive array may declare past what is left, for the stream's read-ahead. */
  private static final long READ_AHEAD = 1024;

  private final long size;
  private final long budget;
  private long claimed;
  private String refused;
  private Object resolved;

  /**
   * Creates the filter of one stream.
   *
   * @param size the stream's length in bytes
   */
  public ArrayBounds(long size) {
    this.size = size;
    this.budget = BYTES_PER_BYTE * size + SLACK;
  }

  /**
   * Tells what the refusal was about.
   *
   * @return why an array was refused, or null if none was
   */
  public String refused() {
    return refused;
  }

  /**
   * Tells that an array held elsewhere (an out-of-band block, a broadcast value) replaces a
   * placeholder next, in {@code resolveObject}: the stream filters the replacement too, and its
   * bytes are not in the stream.
   *
   * @param block the array about to replace a placeholder
   */
  public void replacing(Object block) {
    resolved = block;
  }

  /**
   * Returns this filter, then {@code next} unless this one refuses.
   *
   * @param next the filter that decides what this one leaves undecided
   * @return the combined filter
   */
  public ObjectInputFilter then(ObjectInputFilter next) {
    return info -> checkInput(info) == Status.REJECTED ? Status.REJECTED : next.checkInput(info);
  }

  /**
   * Returns this filter merged with a stream's current one (the JVM-wide {@code jdk.serialFilter}),
   * if any: either may refuse.
   *
   * @param current the stream's filter, or null
   * @return the filter to set on the stream
   */
  public ObjectInputFilter with(ObjectInputFilter current) {
    return current == null ? this : ObjectInputFilter.merge(this, current);
  }

  /**
   * Refuses an array whose length needs more bytes than the stream has left, or that takes the
   * stream's arrays past their budget; leaves everything else undecided.
   *
   * @param info what the stream is about to create
   * @return {@code REJECTED} or {@code UNDECIDED}
   */
  @Override
  public Status checkInput(FilterInfo info) {
    long length = info.arrayLength();
    Class<?> c = info.serialClass();
    if (length < 0 || c == null || !c.isArray()) {
      return Status.UNDECIDED;
    }
    if (resolved != null && c == resolved.getClass() && length == Array.getLength(resolved)) {
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

  /**
   * Returns the bytes an element of a primitive array takes.
   *
   * @param primitive a primitive type
   * @return 8, 4, 2 or 1
   */
  public static int elementSize(Class<?> primitive) {
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
