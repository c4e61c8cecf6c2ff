package dev.joblib.spi;

import java.io.InvalidObjectException;
import java.util.Arrays;

/**
 * Object arrays as batches and outcomes carry them over Java serialization: an array whose elements
 * are all boxed values of one primitive type (what small tasks take and return: indices, seeds,
 * counts, scores) travels as the primitive array, which a stream writes and reads as one block
 * instead of as one object per element (a class handle, a reflective construction and a field copy
 * each). Any other array travels as it is.
 */
final class BoxedValues {
  private BoxedValues() {}

  /**
   * The form of {@code values} to serialize.
   *
   * @param values the array, whose elements may be of any type or null
   * @return a primitive array standing for {@code values}, or {@code values} itself
   */
  static Object pack(Object[] values) {
    if (values.length == 0 || values[0] == null) {
      return values;
    }
    Class<?> type = values[0].getClass();
    for (Object value : values) {
      if (value == null || value.getClass() != type) {
        return values;
      }
    }
    int n = values.length;
    if (type == Integer.class) {
      int[] packed = new int[n];
      for (int i = 0; i < n; i++) {
        packed[i] = (Integer) values[i];
      }
      return packed;
    }
    if (type == Long.class) {
      long[] packed = new long[n];
      for (int i = 0; i < n; i++) {
        packed[i] = (Long) values[i];
      }
      return packed;
    }
    if (type == Double.class) {
      double[] packed = new double[n];
      for (int i = 0; i < n; i++) {
        packed[i] = (Double) values[i];
      }
      return packed;
    }
    if (type == Boolean.class) {
      boolean[] packed = new boolean[n];
      for (int i = 0; i < n; i++) {
        packed[i] = (Boolean) values[i];
      }
      return packed;
    }
    return values;
  }

  /**
   * The array that {@link #pack} was given, read back.
   *
   * @param packed what {@link #pack} returned, as read from a stream
   * @return a new {@code Object[]} (never a subtype's array, which would refuse other elements)
   * @throws InvalidObjectException if {@code packed} is no form {@link #pack} writes
   */
  static Object[] unpack(Object packed) throws InvalidObjectException {
    if (packed instanceof Object[] values) {
      return values.getClass() == Object[].class
          ? values
          : Arrays.copyOf(values, values.length, Object[].class);
    }
    if (packed instanceof int[] ints) {
      Object[] values = new Object[ints.length];
      for (int i = 0; i < ints.length; i++) {
        values[i] = ints[i];
      }
      return values;
    }
    if (packed instanceof long[] longs) {
      Object[] values = new Object[longs.length];
      for (int i = 0; i < longs.length; i++) {
        values[i] = longs[i];
      }
      return values;
    }
    if (packed instanceof double[] doubles) {
      Object[] values = new Object[doubles.length];
      for (int i = 0; i < doubles.length; i++) {
        values[i] = doubles[i];
      }
      return values;
    }
    if (packed instanceof boolean[] booleans) {
      Object[] values = new Object[booleans.length];
      for (int i = 0; i < booleans.length; i++) {
        values[i] = booleans[i];
      }
      return values;
    }
    throw new InvalidObjectException(
        "an array of values is "
            + (packed == null ? "missing" : "of type " + packed.getClass().getTypeName()));
  }
}
