package dev.joblib.spark.internal;

import dev.joblib.Joblib;
import dev.joblib.LoadOptions;
import dev.joblib.spi.ArrayBounds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;

/**
 * Java serialization to and from byte arrays. Classes are resolved with a given class loader (on an
 * executor: the task thread's context loader, which sees the application's jars).
 */
final class Wire {
  private Wire() {}

  /** Serializes {@code value}; throws what {@link ObjectOutputStream} throws. */
  static byte[] write(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /** Reads back what {@link #write} wrote. */
  static Object read(byte[] data, ClassLoader loader) throws IOException, ClassNotFoundException {
    return read(data, 0, loader);
  }

  /** Reads back what {@link #write} wrote, from {@code offset} of {@code data} on. */
  static Object read(byte[] data, int offset, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    ArrayBounds bounds = new ArrayBounds(data.length - offset);
    try (ObjectInputStream in =
        new LoaderObjectInputStream(
            new ByteArrayInputStream(data, offset, data.length - offset), loader, bounds)) {
      in.setObjectInputFilter(bounds.with(in.getObjectInputFilter()));
      return in.readObject();
    }
  }

  /**
   * Reads back what {@link #write} wrote on a machine this JVM does not control (an executor or a
   * Spark Connect server shared with other users): under {@code Joblib.load}'s filter too, which
   * refuses known deserialization gadgets and proxies.
   */
  static Object readUntrusted(byte[] data, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    ArrayBounds bounds = new ArrayBounds(data.length);
    try (ObjectInputStream in =
        new LoaderObjectInputStream(new ByteArrayInputStream(data), loader, bounds)) {
      in.setObjectInputFilter(bounds.then(Joblib.loadFilter(LoadOptions.defaults())));
      return in.readObject();
    }
  }

  /** Serializes a value known to be serializable. */
  static byte[] writeOrFail(Object value) {
    try {
      return write(value);
    } catch (IOException e) {
      throw unchecked(e);
    }
  }

  /** Whether {@code value} serializes; the error when it does not. */
  static Exception writeError(Object value) {
    try {
      write(value);
      return null;
    } catch (IOException | RuntimeException e) {
      return e;
    }
  }

  /** The context class loader of the current thread, or this module's. */
  static ClassLoader contextLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : Wire.class.getClassLoader();
  }

  static UncheckedIOException unchecked(IOException e) {
    return new UncheckedIOException(e);
  }

  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;
    private final ArrayBounds bounds;

    LoaderObjectInputStream(InputStream in, ClassLoader loader, ArrayBounds bounds)
        throws IOException {
      super(in);
      this.loader = loader;
      this.bounds = bounds;
      enableResolveObject(true);
    }

    @Override
    protected Object resolveObject(Object obj) throws IOException {
      if (obj instanceof SharedValues.Shared shared) {
        Object value;
        try {
          value = shared.value(loader);
        } catch (ClassNotFoundException e) {
          InvalidClassException missing =
              new InvalidClassException(
                  e.getMessage(),
                  "a large value shipped by broadcast could not be read: its class is missing"
                      + " (ship the application jar with spark-submit or spark.jars)");
          missing.initCause(e);
          throw missing;
        }
        if (value.getClass().isArray()) {
          bounds.replacing(value); // a broadcast array: its bytes are not in the data
        }
        return value;
      }
      return obj;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
