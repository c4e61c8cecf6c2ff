package dev.joblib.internal.processes;

import java.io.IOException;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Stands in for a large primitive array in a serialized batch: the array's elements are in a file
 * (native byte order, nothing else) that the worker maps and reads, instead of the bytes travelling
 * through the pipe with every task. Deserializing it gives back the array ({@link #readResolve()}).
 */
final class MappedArray implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Bytes mapped at a time, a multiple of every element size. */
  static final long CHUNK = 1L << 30;

  private final String path;
  private final char type;
  private final int length;

  MappedArray(String path, char type, int length) {
    this.path = path;
    this.type = type;
    this.length = length;
  }

  /** The type code of a primitive array (J, D, I, F, S, C, B), or 0 if it is not one. */
  static char typeOf(Object value) {
    if (value instanceof double[]) {
      return 'D';
    } else if (value instanceof long[]) {
      return 'J';
    } else if (value instanceof int[]) {
      return 'I';
    } else if (value instanceof float[]) {
      return 'F';
    } else if (value instanceof short[]) {
      return 'S';
    } else if (value instanceof char[]) {
      return 'C';
    } else if (value instanceof byte[]) {
      return 'B';
    }
    return 0;
  }

  static int elementSize(char type) {
    switch (type) {
      case 'D':
      case 'J':
        return 8;
      case 'I':
      case 'F':
        return 4;
      case 'S':
      case 'C':
        return 2;
      case 'B':
        return 1;
      default:
        throw new IllegalArgumentException("not a primitive array type code: " + type);
    }
  }

  static int length(Object array, char type) {
    switch (type) {
      case 'D':
        return ((double[]) array).length;
      case 'J':
        return ((long[]) array).length;
      case 'I':
        return ((int[]) array).length;
      case 'F':
        return ((float[]) array).length;
      case 'S':
        return ((short[]) array).length;
      case 'C':
        return ((char[]) array).length;
      default:
        return ((byte[]) array).length;
    }
  }

  /** Copies elements {@code [from, from + count)} of {@code array} into {@code buffer}. */
  static void put(ByteBuffer buffer, Object array, char type, int from, int count) {
    switch (type) {
      case 'D' -> buffer.asDoubleBuffer().put((double[]) array, from, count);
      case 'J' -> buffer.asLongBuffer().put((long[]) array, from, count);
      case 'I' -> buffer.asIntBuffer().put((int[]) array, from, count);
      case 'F' -> buffer.asFloatBuffer().put((float[]) array, from, count);
      case 'S' -> buffer.asShortBuffer().put((short[]) array, from, count);
      case 'C' -> buffer.asCharBuffer().put((char[]) array, from, count);
      default -> buffer.put((byte[]) array, from, count);
    }
  }

  private static void get(ByteBuffer buffer, Object array, char type, int from, int count) {
    switch (type) {
      case 'D' -> buffer.asDoubleBuffer().get((double[]) array, from, count);
      case 'J' -> buffer.asLongBuffer().get((long[]) array, from, count);
      case 'I' -> buffer.asIntBuffer().get((int[]) array, from, count);
      case 'F' -> buffer.asFloatBuffer().get((float[]) array, from, count);
      case 'S' -> buffer.asShortBuffer().get((short[]) array, from, count);
      case 'C' -> buffer.asCharBuffer().get((char[]) array, from, count);
      default -> buffer.get((byte[]) array, from, count);
    }
  }

  private static Object newArray(char type, int length) {
    switch (type) {
      case 'D':
        return new double[length];
      case 'J':
        return new long[length];
      case 'I':
        return new int[length];
      case 'F':
        return new float[length];
      case 'S':
        return new short[length];
      case 'C':
        return new char[length];
      default:
        return new byte[length];
    }
  }

  /** Reads the array back from its file (in the worker). */
  Object read() {
    Object array = newArray(type, length);
    int size = elementSize(type);
    try (FileChannel channel = FileChannel.open(Path.of(path), StandardOpenOption.READ)) {
      long total = (long) length * size;
      int perChunk = (int) (CHUNK / size);
      for (long offset = 0; offset < total; offset += CHUNK) {
        long bytes = Math.min(CHUNK, total - offset);
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, offset, bytes);
        map.order(ByteOrder.nativeOrder());
        int first = (int) (offset / size);
        get(map, array, type, first, (int) Math.min(perChunk, length - (long) first));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the memory-mapped argument " + path, e);
    }
    return array;
  }

  private Object readResolve() throws ObjectStreamException {
    return read();
  }
}
