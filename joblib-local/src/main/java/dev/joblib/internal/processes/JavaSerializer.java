package dev.joblib.internal.processes;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.function.UnaryOperator;

/** Java serialization, with an object replacement hook and an explicit class loader. */
final class JavaSerializer implements Serializer {
  static final JavaSerializer INSTANCE = new JavaSerializer();

  private JavaSerializer() {}

  @Override
  public void write(Object value, OutputStream out, UnaryOperator<Object> replace)
      throws IOException {
    try (ObjectOutputStream objects = new ReplacingOutputStream(out, replace)) {
      objects.writeObject(value);
    }
  }

  @Override
  public Object read(InputStream in, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    try (ObjectInputStream objects = new LoaderInputStream(in, loader)) {
      return objects.readObject();
    }
  }

  private static final class ReplacingOutputStream extends ObjectOutputStream {
    private final UnaryOperator<Object> replace;

    ReplacingOutputStream(OutputStream out, UnaryOperator<Object> replace) throws IOException {
      super(out);
      this.replace = replace;
      enableReplaceObject(replace != null);
    }

    @Override
    protected Object replaceObject(Object obj) {
      return replace.apply(obj);
    }
  }

  private static final class LoaderInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      if (loader != null) {
        try {
          return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          // primitives and classes only the default lookup finds
        }
      }
      return super.resolveClass(desc);
    }
  }
}
