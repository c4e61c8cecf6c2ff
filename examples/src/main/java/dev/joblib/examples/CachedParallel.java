package dev.joblib.examples;

import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import dev.joblib.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * joblib's tutorial "cached function inside Parallel": a costly function is memoised and run over
 * ten inputs on two threads; the second run loads every result from the cache and is instant.
 *
 * <pre>{@code
 * >>> costly_compute_cached = memory.cache(costly_compute)
 * >>> Parallel(n_jobs=2)(delayed(costly_compute_cached)(data, i) for i in range(10))
 * }</pre>
 *
 * <p>Usage: {@code cached-parallel [location]}; without a location a temporary directory is used
 * and deleted at the end.
 */
public final class CachedParallel {
  private static final AtomicInteger COMPUTED = new AtomicInteger();

  private CachedParallel() {}

  /**
   * A slow statistic of a column of synthetic data (100 ms, like the tutorial's {@code
   * time.sleep}).
   *
   * @param column the column's index
   * @return the column's mean and standard deviation
   * @throws InterruptedException if interrupted while "computing"
   */
  static double[] columnStats(int column) throws InterruptedException {
    COMPUTED.incrementAndGet();
    Thread.sleep(100);
    double sum = 0;
    double sumSq = 0;
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      double v = Math.sin(i * 0.001 * (column + 1)) * (column + 1);
      sum += v;
      sumSq += v * v;
    }
    double mean = sum / n;
    return new double[] {mean, Math.sqrt(sumSq / n - mean * mean)};
  }

  /**
   * Runs the cached function twice over ten columns and prints how many calls were computed.
   *
   * @param args an optional cache location
   * @throws IOException if the temporary directory cannot be created or deleted
   */
  public static void main(String[] args) throws IOException {
    Path location = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("joblib-cache");
    try {
      MemorizedFn1<Integer, double[]> stats =
          Memory.at(location).cache(CachedParallel::columnStats);
      List<Integer> columns = IntStream.range(0, 10).boxed().toList();
      List<double[]> first = run("first run", stats, columns);
      List<double[]> second = run("second run", stats, columns);
      boolean same = true;
      for (int i = 0; i < first.size(); i++) {
        same &= java.util.Arrays.equals(first.get(i), second.get(i));
      }
      System.out.printf("column 3: mean %.4f, std %.4f%n", second.get(3)[0], second.get(3)[1]);
      System.out.println("same results: " + same);
    } finally {
      if (args.length == 0) {
        deleteTree(location);
      }
    }
  }

  private static List<double[]> run(
      String name, MemorizedFn1<Integer, double[]> stats, List<Integer> columns) {
    int before = COMPUTED.get();
    long start = System.nanoTime();
    List<double[]> results = Parallel.create().nJobs(2).backend("threads").map(columns, stats);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%s: %d results, %d computed in %.3f s%n",
        name, results.size(), COMPUTED.get() - before, seconds);
    return results;
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
