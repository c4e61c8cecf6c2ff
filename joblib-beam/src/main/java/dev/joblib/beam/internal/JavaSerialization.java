package dev.joblib.beam.internal;

import dev.joblib.Joblib;
import dev.joblib.LoadOptions;
import dev.joblib.spi.ArrayBounds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;

/**
 * Java serialization to and from byte arrays, resolving classes through the context loader and
 * reading under the filter of {@code Joblib.load} (array lengths bounded by the bytes present).
 */
final class JavaSerialization {
  private JavaSerialization() {}

  static byte[] toBytes(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /** Reads one object; a missing class or corrupt bytes fail with the given description. */
  static Object fromBytes(byte[] bytes, String what) {
    try (ObjectInputStream in = new ContextObjectInputStream(new ByteArrayInputStream(bytes))) {
      // Joblib.load's filter (gadget classes refused; it applies the JVM-wide filter too)
      in.setObjectInputFilter(
          new ArrayBounds(bytes.length).then(Joblib.loadFilter(LoadOptions.defaults())));
      return in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + ": " + e.getMessage(), e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "cannot read " + what + ": class " + e.getMessage() + " is not on the class path", e);
    }
  }

  /**
   * Tries the thread's context class loader first: runners such as Flink load user code in a loader
   * of their own and set it as the context loader of the worker threads.
   */
  private static final class ContextObjectInputStream extends ObjectInputStream {
    ContextObjectInputStream(InputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      if (context != null) {
        try {
          return Class.forName(desc.getName(), false, context);
        } catch (ClassNotFoundException e) {
          // fall back to the default resolution (primitives, the caller's loader)
        }
      }
      return super.resolveClass(desc);
    }
  }
}
