package dev.joblib.benchmarks;

import dev.joblib.Compression;
import dev.joblib.HashAlgorithm;
import dev.joblib.Joblib;
import dev.joblib.LoadOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * hash, dump and load speeds on a 200 MB {@code double[]} (the numbers benchmarks/python/
 * persistence.py measures for Python joblib), plus size and speed per compressor on a compressible
 * array. Prints one {@code name value unit} line per measurement; each speed is the median of
 * {@code runs} runs after one warm-up ({@link Measure}). The raw dump and load are also measured
 * against their ceiling on this machine: the same bytes written and read through a bare {@code
 * FileChannel} ({@link BareChannel}).
 *
 * <p>Usage: {@code PersistenceBenchmark [megabytes=200] [runs=3] [dir=java.io.tmpdir]
 * [compressedMegabytes=64]}
 */
public final class PersistenceBenchmark {
  /**
   * Warm-up runs before the raw dumps and loads: the first 200 MB writes of a process meet the
   * kernel's dirty-page throttling, and the first loads fault in fresh heap pages; later runs show
   * the steady state that a job dumping or loading repeatedly sees.
   */
  private static final int IO_WARMUPS = 3;

  private PersistenceBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional: megabytes, runs, directory, compressed megabytes
   */
  public static void main(String[] args) throws Exception {
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir"));
    int compressedMegabytes = args.length > 3 ? Integer.parseInt(args[3]) : 64;

    double[] random = new SplittableRandom(0).doubles(megabytes * (1 << 20) / 8).toArray();
    double mb = random.length * 8.0 / 1e6;
    Path file = dir.resolve("joblib-bench-" + ProcessHandle.current().pid() + ".jbl");
    try {
      Measure.print(
          "java.hash.xxh3_128",
          mb / Measure.medianSeconds(1, runs, () -> Joblib.hash(random)),
          "MB/s");
      Measure.print(
          "java.hash.sha256",
          mb / Measure.medianSeconds(1, runs, () -> Joblib.hash(random, HashAlgorithm.SHA_256)),
          "MB/s");
      Measure.print(
          "java.dump.raw",
          mb
              / Measure.medianSeconds(
                  IO_WARMUPS, runs, () -> dump(random, file, Compression.none())),
          "MB/s");
      Measure.print(
          "java.load.raw",
          mb / Measure.medianSeconds(IO_WARMUPS, runs, () -> Joblib.<double[]>load(file)),
          "MB/s");
      check(Joblib.load(file), random);
      // the ceiling for both: the same bytes through a bare FileChannel, no format, no checks
      Path bare = dir.resolve("joblib-bench-" + ProcessHandle.current().pid() + ".bin");
      try {
        Measure.print(
            "java.dump.bare_filechannel",
            mb / Measure.medianSeconds(IO_WARMUPS, runs, () -> BareChannel.write(random, bare)),
            "MB/s");
        Measure.print(
            "java.load.bare_filechannel",
            mb / Measure.medianSeconds(IO_WARMUPS, runs, () -> BareChannel.read(bare)),
            "MB/s");
        check(BareChannel.read(bare), random);
      } finally {
        Files.deleteIfExists(bare);
      }
      // the same bytes stored as a DoubleBuffer come back mapped on the file: O(1), no copy
      Joblib.dump(java.nio.DoubleBuffer.wrap(random), file);
      Measure.print(
          "java.load.mmap_buffer",
          mb
              / Measure.medianSeconds(
                  1, runs, () -> Joblib.<java.nio.DoubleBuffer>load(file, LoadOptions.mmap())),
          "MB/s");

      double[] data = compressible(compressedMegabytes * (1 << 20) / 8);
      double cmb = data.length * 8.0 / 1e6;
      for (Compression c :
          List.of(
              Compression.lz4(),
              Compression.zstd(1),
              Compression.zstd(3),
              Compression.zlib(1),
              Compression.zlib(3),
              Compression.gzip(3),
              Compression.xz(1))) {
        String name = "java.compress." + c.name() + "-" + c.level();
        int n = c.name().equals("xz") ? 1 : runs;
        Measure.print(
            name + ".dump",
            cmb / Measure.medianSeconds(n == 1 ? 0 : 1, n, () -> dump(data, file, c)),
            "MB/s");
        Measure.print(
            name + ".load",
            cmb / Measure.medianSeconds(n == 1 ? 0 : 1, n, () -> Joblib.<double[]>load(file)),
            "MB/s");
        Measure.print(name + ".ratio", data.length * 8.0 / size(file), "x");
        check(Joblib.load(file), data);
      }
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Gaussian values on a 1/64 grid: exact binary fractions, so compressible like real data. */
  static double[] compressible(int n) {
    SplittableRandom r = new SplittableRandom(1);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      double v = r.nextDouble();
      double g = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
      d[i] = Math.rint(g * 64) / 64;
    }
    return d;
  }

  private static Path dump(double[] data, Path file, Compression c) {
    Joblib.dump(data, file, c);
    return file;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void check(double[] back, double[] want) {
    if (!Arrays.equals(back, want)) {
      throw new IllegalStateException("round trip changed the data");
    }
  }
}
