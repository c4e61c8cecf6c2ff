package dev.joblib.examples;

import dev.joblib.Compression;
import dev.joblib.Joblib;
import dev.joblib.LoadOptions;
import java.io.IOException;
import java.io.Serializable;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * joblib's persistence tutorial: {@code dump} and {@code load} a model, compressed or not, and a
 * large column loaded with memory mapping.
 *
 * <pre>{@code
 * >>> joblib.dump(model, "model.jbl")            # raw, big arrays at disk speed
 * >>> joblib.dump(model, "model.jbl.gz")         # the compressor comes from the file name
 * >>> joblib.dump(model, "model.bin", compress=("zlib", 3))
 * >>> joblib.load("column.jbl", mmap_mode="r")   # mapped on the file, not read
 * }</pre>
 *
 * <p>Usage: {@code dump-load [directory]}; without a directory a temporary one is used and deleted
 * at the end.
 */
public final class DumpLoad {
  private static final int VALUES = 1_000_000;

  private DumpLoad() {}

  /** A small model: a name and its weights (8 MB). */
  record Model(String name, double[] weights) implements Serializable {
    boolean sameAs(Model other) {
      return name.equals(other.name) && Arrays.equals(weights, other.weights);
    }
  }

  /**
   * Dumps and loads a model four ways and a column with mmap; prints sizes and checks.
   *
   * @param args an optional directory for the files
   * @throws IOException if a file cannot be read, or the temporary directory created or deleted
   */
  public static void main(String[] args) throws IOException {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("joblib-dump");
    try {
      double[] weights = new double[VALUES];
      for (int i = 0; i < VALUES; i++) {
        weights[i] = (i % 1000) / 8.0; // repetitive, so it compresses well
      }
      Model model = new Model("ridge", weights);

      Path raw = dir.resolve("model.jbl");
      Joblib.dump(model, raw);
      long rawSize = Files.size(raw);
      System.out.println(
          "model.jbl: "
              + rawSize
              + " bytes, uncompressed, loads back equal: "
              + roundTrip(raw, model));
      for (String name : new String[] {"model.jbl.gz", "model.jbl.lz4"}) {
        Path path = dir.resolve(name);
        Joblib.dump(model, path); // no Compression given: the extension picks it
        String compressor = name.substring(name.lastIndexOf('.') + 1).replace("gz", "gzip");
        report(name, compressor + " chosen by the file name", path, rawSize, model);
      }
      Path explicit = dir.resolve("model.bin");
      Joblib.dump(model, explicit, Compression.zlib(3)); // an explicit compression, any name
      report("model.bin", "Compression.zlib(3) given", explicit, rawSize, model);

      // buffers (not arrays) can come back mapped on the file: O(1), whatever their size
      Path column = dir.resolve("column.jbl");
      Joblib.dump(DoubleBuffer.wrap(weights), column);
      DoubleBuffer mapped = Joblib.load(column, LoadOptions.mmap());
      System.out.println(
          "column.jbl with LoadOptions.mmap(): mapped on the file (direct, read-only): "
              + (mapped.isDirect() && mapped.isReadOnly())
              + ", "
              + mapped.capacity()
              + " values, equal: "
              + mapped.equals(DoubleBuffer.wrap(weights)));
      Path packed = dir.resolve("column.jbl.gz");
      Joblib.dump(DoubleBuffer.wrap(weights), packed);
      DoubleBuffer read = Joblib.load(packed, LoadOptions.mmap());
      System.out.println(
          "column.jbl.gz with LoadOptions.mmap(): compressed, so read into the heap: "
              + !read.isDirect()
              + ", equal: "
              + read.equals(DoubleBuffer.wrap(weights)));
    } finally {
      if (args.length == 0) {
        CachedParallel.deleteTree(dir);
      }
    }
  }

  private static void report(String name, String how, Path path, long rawSize, Model model)
      throws IOException {
    long size = Files.size(path);
    System.out.println(
        name
            + ": "
            + size
            + " bytes, "
            + how
            + ", smaller: "
            + (size < rawSize)
            + ", loads back equal: "
            + roundTrip(path, model));
  }

  private static boolean roundTrip(Path path, Model model) {
    Model back = Joblib.load(path);
    return back.sameAs(model);
  }
}
