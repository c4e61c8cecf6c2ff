package dev.joblib.internal.memory;

import dev.joblib.PersistenceException;
import dev.joblib.spi.ArgumentFingerprint;
import dev.joblib.spi.EntryWriter;
import dev.joblib.spi.StoredEntry;
import dev.joblib.spi.ValueCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The value codecs and argument fingerprints found on the class path ({@link ValueCodec}, {@link
 * ArgumentFingerprint}), and how an entry written by a codec looks: its output is the dump of a
 * marker naming the codec, and its files sit in the entry's directory.
 */
final class ValuePlugins {
  private static final System.Logger LOG = System.getLogger("dev.joblib.Memory");
  private static final String MARKER = "dev.joblib.spi.ValueCodec/v1";
  private static final String FINGERPRINT = "dev.joblib.spi.ArgumentFingerprint/v1";

  private ValuePlugins() {}

  /** Loaded on first use. */
  private static final class Found {
    static final List<ValueCodec> CODECS = load(ValueCodec.class);
    static final List<ArgumentFingerprint> FINGERPRINTS = load(ArgumentFingerprint.class);
  }

  /** A plug-in whose classes cannot load (Spark absent for joblib-spark's) is skipped. */
  private static <T> List<T> load(Class<T> type) {
    List<T> found = new ArrayList<>();
    Iterator<T> it = ServiceLoader.load(type, ValuePlugins.class.getClassLoader()).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        T plugin = it.next();
        found.add(plugin);
        LOG.log(Level.DEBUG, "found {0} {1}", type.getSimpleName(), plugin.getClass().getName());
      } catch (ServiceConfigurationError | LinkageError e) {
        LOG.log(Level.DEBUG, "skipping a " + type.getSimpleName() + " that cannot load", e);
      }
    }
    return List.copyOf(found);
  }

  /** The codec that stores a result, or null for a plain dump. */
  static ValueCodec codecFor(Object value) {
    if (value == null) {
      return null;
    }
    for (ValueCodec codec : Found.CODECS) {
      if (codec.accepts(value)) {
        return codec;
      }
    }
    return null;
  }

  /** What the entry's output holds for a codec's entry: a marker naming the codec. */
  static Object marker(ValueCodec codec) {
    return new Object[] {MARKER, codec.id()};
  }

  /** An output that writes the codec's files before the marker. */
  static EntryWriter withFiles(EntryWriter output, ValueCodec codec, Object value) {
    return new EntryWriter() {
      @Override
      public void writeTo(OutputStream out) throws IOException {
        output.writeTo(out);
      }

      @Override
      public long length() {
        return output.length();
      }

      @Override
      public boolean writesFiles() {
        return true;
      }

      @Override
      public void writeFiles(URI directory) throws IOException {
        codec.write(value, directory);
      }
    };
  }

  /**
   * Returns a loaded output as the entry's value: a codec's marker becomes the value the codec
   * reads from the entry's directory; anything else is the value itself.
   *
   * @throws PersistenceException if the codec found its files missing, partial or damaged
   * @throws UnreadableHereException if the codec is not on the class path, the store keeps no
   *     directory, or the codec failed otherwise
   */
  static Object decode(Object loaded, StoredEntry entry) {
    if (!(loaded instanceof Object[] parts
        && parts.length == 2
        && MARKER.equals(parts[0])
        && parts[1] instanceof String id)) {
      return loaded;
    }
    ValueCodec codec =
        Found.CODECS.stream()
            .filter(c -> c.id().equals(id))
            .findFirst()
            .orElseThrow(
                () ->
                    new UnreadableHereException(
                        "entry "
                            + entry.key()
                            + " was written by the value codec '"
                            + id
                            + "', which is not on the class path (joblib-spark provides"
                            + " 'spark-dataset')",
                        null));
    URI directory =
        entry
            .directory()
            .orElseThrow(
                () ->
                    new UnreadableHereException(
                        "entry " + entry.key() + " has codec files but its store has no directory",
                        null));
    try {
      return codec.read(directory);
    } catch (PersistenceException e) {
      throw e; // the codec found its files damaged
    } catch (Exception e) { // IOException, and what an engine throws undeclared
      throw new UnreadableHereException(
          "cannot read the "
              + id
              + " value of entry "
              + entry.key()
              + " at "
              + directory
              + ": "
              + e,
          e);
    }
  }

  /**
   * Returns what stands for an argument in the cache key: its fingerprint when a plug-in keys its
   * type, else the argument itself.
   *
   * @throws IllegalArgumentException if the plug-in finds no stable identity for it
   */
  static Object keyOf(Object argument) {
    if (argument == null) {
      return null;
    }
    for (ArgumentFingerprint plugin : Found.FINGERPRINTS) {
      if (plugin.accepts(argument)) {
        return List.of(FINGERPRINT, plugin.getClass().getName(), plugin.fingerprint(argument));
      }
    }
    return argument;
  }
}
