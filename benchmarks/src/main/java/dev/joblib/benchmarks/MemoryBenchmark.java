package dev.joblib.benchmarks;

import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Memory on the local store: the median latency of a cache hit over 200 distinct small arguments
 * (each computed once, then warmed), and the overhead of a miss (hash, compute, dump, atomic
 * publish) over the bare call of a 1 ms function. {@code benchmarks/python/memory_hit.py} measures
 * Python joblib's hit the same way.
 */
public final class MemoryBenchmark {
  private static final int HIT_KEYS = 200;
  private static final int HIT_WARMUPS = 100_000;
  private static final int HIT_CALLS = 20_000;
  private static final int MISS_CALLS = 300;

  private MemoryBenchmark() {}

  /**
   * The cached function of the hit measurement: returns a small list.
   *
   * @param x the argument
   * @return a small value
   */
  static int[] small(Integer x) {
    return new int[] {x, x + 1, x + 2};
  }

  /**
   * A function that computes for about 1 ms (busy, so that sleeping granularity does not blur the
   * measurement).
   *
   * @param x the argument
   * @return a value derived from it
   */
  static long oneMillisecond(Integer x) {
    long end = System.nanoTime() + 1_000_000;
    long acc = x;
    while (System.nanoTime() < end) {
      acc = acc * 6364136223846793005L + 1442695040888963407L;
    }
    return acc;
  }

  /**
   * Prints the measurements.
   *
   * @param args ignored
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("joblib-memory-bench");
    try {
      Memory memory = Memory.at(dir);
      MemorizedFn1<Integer, int[]> hit = memory.cache(MemoryBenchmark::small);
      for (int key = 0; key < HIT_KEYS; key++) {
        hit.apply(key);
      }
      double hitSeconds = medianPerCall(HIT_WARMUPS, HIT_CALLS, i -> hit.apply(i % HIT_KEYS));
      Measure.print("memory.local.hit_200_small_keys.median", hitSeconds * 1e6, "us");

      MemorizedFn1<Integer, Long> miss = memory.cache(MemoryBenchmark::oneMillisecond);
      double bare = medianPerCall(200, MISS_CALLS, MemoryBenchmark::oneMillisecond);
      int[] next = {1_000_000};
      for (int i = 0; i < 200; i++) {
        miss.apply(next[0]++); // warm-up misses
      }
      double missed = medianPerCall(0, MISS_CALLS, i -> miss.apply(next[0]++));
      Measure.print("memory.local.bare_1ms_fn.median", bare * 1e6, "us");
      Measure.print("memory.local.miss_1ms_fn.median", missed * 1e6, "us");
      Measure.print("memory.local.miss_overhead_1ms_fn.median", (missed - bare) * 1e6, "us");
    } finally {
      deleteTree(dir);
    }
  }

  /** A call of one iteration. */
  @FunctionalInterface
  interface Call {
    Object run(int i) throws Exception;
  }

  /** The median time of single calls, in seconds. */
  static double medianPerCall(int warmups, int calls, Call call) throws Exception {
    for (int i = 0; i < warmups; i++) {
      Measure.sink = call.run(i);
    }
    double[] seconds = new double[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      Measure.sink = call.run(i);
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(seconds);
    return seconds[calls / 2];
  }

  /** Deletes a directory and everything in it. */
  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
