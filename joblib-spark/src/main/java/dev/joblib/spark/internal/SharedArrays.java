package dev.joblib.spark.internal;

import dev.joblib.spi.ArrayBounds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.reflect.Array;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * Serializes a call's batches, shipping every large primitive array they reach once per executor as
 * a Spark broadcast instead of inside each batch (the same array passed to many tasks is sent once,
 * not once per batch). The arrays are read-only on the executors: tasks of one executor see the
 * same copy.
 */
final class SharedArrays {
  /** Arrays of at least this many bytes are broadcast. */
  static final long THRESHOLD_BYTES = 1 << 20;

  private final Function<Object, Broadcast<Object>> broadcaster;
  private final Map<Object, Broadcast<Object>> broadcasts = new IdentityHashMap<>();

  /**
   * Creates the serializer.
   *
   * @param broadcaster makes a broadcast of a value (the Spark context's)
   */
  SharedArrays(Function<Object, Broadcast<Object>> broadcaster) {
    this.broadcaster = broadcaster;
  }

  /** Serializes {@code value} with large primitive arrays replaced by broadcast references. */
  byte[] write(Object value) throws IOException {
    return write(new ByteArrayOutputStream(256), value);
  }

  /**
   * As {@link #write(Object)}, after a leading big-endian long {@code header} (what {@link
   * RunBatch} reads before the batch).
   */
  byte[] write(long header, Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes.write((int) (header >>> shift));
    }
    return write(bytes, value);
  }

  private byte[] write(ByteArrayOutputStream bytes, Object value) throws IOException {
    try (ObjectOutputStream out = new Replacing(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /** How many arrays were broadcast so far. */
  int broadcastCount() {
    return broadcasts.size();
  }

  /** Removes the broadcasts from the executors and the driver; the call is over. */
  void destroy() {
    for (Broadcast<Object> broadcast : broadcasts.values()) {
      broadcast.destroy(false);
    }
    broadcasts.clear();
  }

  static boolean isLargePrimitiveArray(Object obj) {
    Class<?> type = obj.getClass();
    if (!type.isArray() || !type.getComponentType().isPrimitive()) {
      return false;
    }
    long length = Array.getLength(obj);
    return length * ArrayBounds.elementSize(type.getComponentType()) >= THRESHOLD_BYTES;
  }

  private final class Replacing extends ObjectOutputStream {
    Replacing(OutputStream out) throws IOException {
      super(out);
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      if (obj != null && isLargePrimitiveArray(obj)) {
        return new Shared(broadcasts.computeIfAbsent(obj, broadcaster));
      }
      return obj;
    }
  }

  /** Stands for a broadcast array in a serialized batch; {@link Wire#read} puts the array back. */
  static final class Shared implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Broadcast<Object> broadcast;

    Shared(Broadcast<Object> broadcast) {
      this.broadcast = broadcast;
    }

    Object value() {
      return broadcast.value();
    }
  }
}
