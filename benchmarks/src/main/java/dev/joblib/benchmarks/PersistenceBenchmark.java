package dev.joblib.benchmarks;

import dev.joblib.Compression;
import dev.joblib.HashAlgorithm;
import dev.joblib.Joblib;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * hash, dump and load speeds on a 200 MB {@code double[]} (the numbers benchmarks/python/
 * persistence.py measures for Python joblib), plus size and speed per compressor on a compressible
 * array. Prints one {@code name value unit} line per measurement; each speed is the median of
 * {@code runs} runs after one warm-up.
 *
 * <p>Usage: {@code PersistenceBenchmark [megabytes=200] [runs=3] [dir=java.io.tmpdir]
 * [compressedMegabytes=64]}
 */
public final class PersistenceBenchmark {
  private PersistenceBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional: megabytes, runs, directory, compressed megabytes
   */
  public static void main(String[] args) {
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir"));
    int compressedMegabytes = args.length > 3 ? Integer.parseInt(args[3]) : 64;

    double[] random = new SplittableRandom(0).doubles(megabytes * (1 << 20) / 8).toArray();
    double mb = random.length * 8.0 / 1e6;
    Path file = dir.resolve("joblib-bench-" + ProcessHandle.current().pid() + ".jbl");
    try {
      report("java.hash.xxh3_128", mb / seconds(runs, () -> Joblib.hash(random)), "MB/s");
      report(
          "java.hash.sha256",
          mb / seconds(runs, () -> Joblib.hash(random, HashAlgorithm.SHA_256)),
          "MB/s");
      report(
          "java.dump.raw",
          mb / seconds(runs, () -> dump(random, file, Compression.none())),
          "MB/s");
      report("java.load.raw", mb / seconds(runs, () -> Joblib.<double[]>load(file)), "MB/s");
      check(Joblib.load(file), random);

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
        report(name + ".dump", cmb / seconds(n, () -> dump(data, file, c)), "MB/s");
        report(name + ".load", cmb / seconds(n, () -> Joblib.<double[]>load(file)), "MB/s");
        report(name + ".ratio", data.length * 8.0 / size(file), "x");
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

  private static boolean dump(double[] data, Path file, Compression c) {
    Joblib.dump(data, file, c);
    return true;
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

  /** Median wall time of {@code runs} runs after one warm-up, in seconds. */
  static double seconds(int runs, Supplier<?> body) {
    body.get();
    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      Object sink = body.get();
      t[i] = (System.nanoTime() - start) / 1e9;
      if (sink == null) {
        throw new IllegalStateException("benchmark body returned null");
      }
    }
    Arrays.sort(t);
    return t[runs / 2];
  }

  static void report(String name, double value, String unit) {
    System.out.printf("%s %.1f %s%n", name, value, unit);
  }
}
