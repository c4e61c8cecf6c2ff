package dev.joblib.internal.processes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.UnaryOperator;

/**
 * How batches, results and exceptions are turned into bytes between the parent and its workers.
 * {@link JavaSerializer} is the default; a faster one can replace it behind this seam.
 */
interface Serializer {
  /**
   * Writes {@code value}; {@code replace} may swap any object in the graph for another one (the
   * memmapping of large arrays), or is null.
   */
  void write(Object value, OutputStream out, UnaryOperator<Object> replace) throws IOException;

  /** Reads a value written by {@link #write}, resolving classes with {@code loader}. */
  Object read(InputStream in, ClassLoader loader) throws IOException, ClassNotFoundException;
}
