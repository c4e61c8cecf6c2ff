package dev.joblib.internal.io;

import dev.joblib.spi.Compressor;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Compressors by name: those listed in {@code META-INF/services/dev.joblib.spi.Compressor} plus
 * those registered at run time. "none" is reserved for uncompressed dumps.
 */
public final class CompressorRegistry {
  /** The name stored in the header of an uncompressed dump. */
  public static final String NONE = "none";

  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}");
  private static final Map<String, Compressor> BY_NAME = load();

  /** joblib's file name extensions (compressor.py) and ".zst", with the compressor each names. */
  private static final Map<String, String> BY_EXTENSION =
      Map.of(
          ".z", "zlib",
          ".gz", "gzip",
          ".bz2", "bz2",
          ".lzma", "lzma",
          ".xz", "xz",
          ".lz4", "lz4",
          ".zst", "zstd");

  private CompressorRegistry() {}

  private static Map<String, Compressor> load() {
    Map<String, Compressor> map = new TreeMap<>();
    for (Compressor c :
        ServiceLoader.load(Compressor.class, CompressorRegistry.class.getClassLoader())) {
      String name = checkName(c.name(), c);
      Compressor previous = map.putIfAbsent(name, c);
      if (previous != null) {
        throw new IllegalStateException(
            "two compressors are named '"
                + name
                + "': "
                + previous.getClass().getName()
                + " and "
                + c.getClass().getName()
                + " (META-INF/services/dev.joblib.spi.Compressor)");
      }
    }
    return map;
  }

  private static String checkName(String name, Compressor c) {
    if (name == null || !NAME.matcher(name).matches() || NONE.equals(name)) {
      throw new IllegalArgumentException(
          "compressor name must be 1 to 32 characters of [a-z0-9_-] and not 'none', got '"
              + name
              + "' from "
              + c.getClass().getName());
    }
    return name;
  }

  /**
   * Registers a compressor under a name.
   *
   * @param name the name, 1 to 32 characters of {@code [a-z0-9_-]}
   * @param compressor the compressor
   * @param force whether to replace a compressor already registered under that name
   */
  public static void register(String name, Compressor compressor, boolean force) {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(compressor, "compressor must not be null");
    checkName(name, compressor);
    if (compressor.minLevel() > compressor.maxLevel()
        || compressor.defaultLevel() < compressor.minLevel()
        || compressor.defaultLevel() > compressor.maxLevel()) {
      throw new IllegalArgumentException(
          "compressor '"
              + name
              + "' has inconsistent levels: min "
              + compressor.minLevel()
              + ", max "
              + compressor.maxLevel()
              + ", default "
              + compressor.defaultLevel());
    }
    synchronized (BY_NAME) {
      if (!force && BY_NAME.containsKey(name)) {
        throw new IllegalArgumentException(
            "compressor '" + name + "' is already registered; pass force=true to replace it");
      }
      BY_NAME.put(name, compressor);
    }
  }

  /**
   * Looks a compressor up.
   *
   * @param name its name
   * @return the compressor, or null if none has that name
   */
  public static Compressor find(String name) {
    synchronized (BY_NAME) {
      return BY_NAME.get(name);
    }
  }

  /**
   * Looks a compressor up or fails naming the known ones.
   *
   * @param name its name
   * @return the compressor
   * @throws IllegalArgumentException if none has that name
   */
  public static Compressor require(String name) {
    Compressor c = find(name);
    if (c == null) {
      throw new IllegalArgumentException(
          "unknown compression '"
              + name
              + "'; known: "
              + names()
              + " (register others with Joblib.registerCompressor or"
              + " META-INF/services/dev.joblib.spi.Compressor)");
    }
    return c;
  }

  /**
   * The names known now, "none" included.
   *
   * @return sorted names
   */
  public static String names() {
    synchronized (BY_NAME) {
      TreeMap<String, Compressor> copy = new TreeMap<>(BY_NAME);
      return "[none, " + String.join(", ", copy.keySet()) + "]";
    }
  }

  /**
   * The compressor a file name asks for by its extension, as joblib's {@code dump} picks it when no
   * compression is given: {@code .z} zlib, {@code .gz} gzip, {@code .bz2} bz2, {@code .lzma} lzma,
   * {@code .xz} xz, {@code .lz4} lz4 and {@code .zst} zstd (case-sensitive, as in joblib).
   *
   * @param path the file
   * @return the compressor name, or "none" when the name has no such extension
   * @throws IllegalArgumentException if the extension names a compressor that is not registered
   */
  public static String forFileName(Path path) {
    Path file = path.getFileName();
    if (file == null) {
      return NONE;
    }
    String name = file.toString();
    for (Map.Entry<String, String> e : BY_EXTENSION.entrySet()) {
      if (name.endsWith(e.getKey())) {
        String compressor = e.getValue();
        if (find(compressor) == null) {
          throw new IllegalArgumentException(
              "the file name '"
                  + name
                  + "' asks for compression '"
                  + compressor
                  + "' by its extension '"
                  + e.getKey()
                  + "', which is not registered; known: "
                  + names()
                  + ". Pass a Compression to dump (Compression.none() for an uncompressed file)"
                  + " or register '"
                  + compressor
                  + "' with Joblib.registerCompressor");
        }
        return compressor;
      }
    }
    return NONE;
  }
}
