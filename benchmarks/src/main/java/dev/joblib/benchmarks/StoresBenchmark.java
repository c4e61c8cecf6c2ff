package dev.joblib.benchmarks;

import dev.joblib.Fn1;
import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import dev.joblib.stores.HdfsServer;
import dev.joblib.stores.S3Server;
import dev.joblib.stores.StoreLocations;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Memory on each store, from one run: the median latency of a cache hit and the overhead of a miss
 * (hash, compute, dump, publish) over the bare call, for a small value and for a 50 MB value, on
 * the local store, an in-process HDFS (MiniDFSCluster, one DataNode) and an in-process S3 server
 * (s3proxy, transient store) on 127.0.0.1. Prints {@code name value unit} lines.
 *
 * <p>Run with the test servers on the class path: {@code mvn -pl benchmarks -am install
 * -DskipTests}, {@code mvn -pl benchmarks -am dependency:build-classpath
 * -Dmdep.outputFile=$PWD/cp.txt}, then {@code java -cp benchmarks/target/classes:$(cat cp.txt)
 * dev.joblib.benchmarks.StoresBenchmark}. Where several checkouts share one {@code ~/.m2}, put
 * {@code joblib-local/target/classes} and {@code joblib-local/target/test-classes} first.
 */
public final class StoresBenchmark {
  private static final int LARGE_BYTES = 50 << 20;
  private static final byte[] LARGE = new byte[LARGE_BYTES];

  static {
    new SplittableRandom(42).nextBytes(LARGE); // incompressible, as most large results are
  }

  private StoresBenchmark() {}

  /**
   * The small value: a few numbers.
   *
   * @param x the argument
   * @return a small value
   */
  static int[] small(Integer x) {
    return new int[] {x, x + 1, x + 2};
  }

  /**
   * The 50 MB value: a copy of a fixed random array with the argument in its first bytes.
   *
   * @param x the argument
   * @return 50 MB
   */
  static byte[] large(Integer x) {
    byte[] copy = LARGE.clone();
    copy[0] = (byte) x.intValue();
    copy[1] = (byte) (x >>> 8);
    return copy;
  }

  /**
   * Prints the measurements.
   *
   * @param args ignored
   * @throws Exception if a server or a run fails
   */
  public static void main(String[] args) throws Exception {
    Path local = Files.createTempDirectory("joblib-stores-bench");
    HdfsServer hdfs = new HdfsServer();
    S3Server s3 = new S3Server();
    hdfs.start();
    s3.start();
    try {
      String bucket = s3.newBucket("bench");
      measure("local", local.toUri(), Map.of(), 20_000, 2_000);
      measure("hdfs", hdfs.uri("/bench"), hdfs.clientOptions(), 2_000, 500);
      measure("s3", StoreLocations.s3(bucket, "bench"), StoreLocations.s3Options(s3), 2_000, 500);
    } finally {
      s3.stop();
      hdfs.close();
      deleteTree(local);
    }
  }

  private static void measure(
      String store, URI location, Map<String, String> options, int hitCalls, int missCalls)
      throws Exception {
    Memory.Builder builder = Memory.builder().location(location);
    options.forEach(builder::storeOption);
    Memory memory = builder.build();

    MemorizedFn1<Integer, int[]> small = memory.cache(StoresBenchmark::small);
    small.apply(1);
    double hit = MemoryBenchmark.medianPerCall(hitCalls / 4, hitCalls, i -> small.apply(1));
    double bare = MemoryBenchmark.medianPerCall(1000, missCalls, StoresBenchmark::small);
    double miss = missMedian(small, 50, missCalls);
    Measure.print("stores." + store + ".small.hit.median", hit * 1e6, "us");
    Measure.print("stores." + store + ".small.miss_overhead.median", (miss - bare) * 1e6, "us");

    MemorizedFn1<Integer, byte[]> large = memory.cache(StoresBenchmark::large);
    large.apply(1);
    double largeHit = MemoryBenchmark.medianPerCall(2, 9, i -> large.apply(1));
    double largeBare = MemoryBenchmark.medianPerCall(2, 9, StoresBenchmark::large);
    double largeMiss = missMedian(large, 2, 7);
    Measure.print("stores." + store + ".50mb.hit.median", largeHit * 1e3, "ms");
    Measure.print("stores." + store + ".50mb.bare.median", largeBare * 1e3, "ms");
    Measure.print(
        "stores." + store + ".50mb.miss_overhead.median", (largeMiss - largeBare) * 1e3, "ms");
    memory.clear();
  }

  /** The median time of calls with arguments never seen before (each one a miss). */
  private static <R> double missMedian(MemorizedFn1<Integer, R> fn, int warmups, int calls)
      throws Exception {
    int[] next = {1_000};
    Fn1<Integer, R> f = fn;
    for (int i = 0; i < warmups; i++) {
      f.apply(next[0]++); // warm-up misses
    }
    return MemoryBenchmark.medianPerCall(0, calls, i -> f.apply(next[0]++));
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
