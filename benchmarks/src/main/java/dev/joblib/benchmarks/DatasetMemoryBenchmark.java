package dev.joblib.benchmarks;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Memory of a Spark {@code Dataset} on {@code local[2]} and the local store, over a Parquet input
 * of 1,000 files: the first call (compute, write the result as Parquet, read it back), and the hit
 * path (the key: the input's canonical plan and the path, size and modification time of its 1,000
 * files; the entry's lookup; the read-back Dataset, no action) next to what users write by hand
 * (read the input, check a path, read the Parquet result there), measured in turns.
 *
 * <p>Run like {@link SparkBenchmark} (Spark on the class path, its {@code --add-opens} flags):
 * {@code java <spark.jvm.opens flags> -cp benchmarks/target/classes:$(cat cp.txt)
 * dev.joblib.benchmarks.DatasetMemoryBenchmark}.
 */
public final class DatasetMemoryBenchmark {
  private static final int FILES = 1000;
  private static final long ROWS = 1_000_000;

  private DatasetMemoryBenchmark() {}

  /**
   * The memoised aggregation.
   *
   * @param in the input rows
   * @return {@code v} summed and counted per {@code k}
   */
  public static Dataset<Row> totals(Dataset<Row> in) {
    return in.groupBy("k").agg(sum("v").as("total"), count("v").as("n")).orderBy(col("k"));
  }

  /**
   * Prints the measurements.
   *
   * @param args ignored
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("joblib-dataset-memory-bench");
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("joblib-dataset-memory-benchmark")
            .config("spark.ui.enabled", false)
            .config("spark.sql.shuffle.partitions", 2)
            .getOrCreate();
    try {
      String input = dir.resolve("input").toString();
      spark.range(0, ROWS, 1, FILES).selectExpr("id % 97 as k", "id as v").write().parquet(input);
      MemorizedFn1<Dataset<Row>, Dataset<Row>> cached =
          Memory.at(dir.resolve("cache")).cache(DatasetMemoryBenchmark::totals);

      long start = System.nanoTime();
      long rows = cached.apply(spark.read().parquet(input)).count();
      Measure.print(
          "dataset_memory.first_call_incl_count", (System.nanoTime() - start) / 1e6, "ms");

      String byHand = dir.resolve("by-hand").toString();
      totals(spark.read().parquet(input)).write().parquet(byHand);
      double[] medians =
          Measure.interleavedMedians(
              5,
              21,
              () -> spark.read().parquet(input),
              () -> {
                Dataset<Row> in = spark.read().parquet(input);
                return Files.exists(Path.of(byHand)) ? spark.read().parquet(byHand) : totals(in);
              },
              () -> cached.apply(spark.read().parquet(input)));
      Measure.print("dataset_memory.read_input_1000_files.median", medians[0] * 1e3, "ms");
      Measure.print("dataset_memory.hit_by_hand.median", medians[1] * 1e3, "ms");
      Measure.print("dataset_memory.hit_memory.median", medians[2] * 1e3, "ms");
      Measure.print(
          "dataset_memory.hit_overhead_vs_by_hand.median", (medians[2] - medians[1]) * 1e3, "ms");
      Measure.print("dataset_memory.hit.ratio_vs_by_hand", medians[2] / medians[1], "x");
      if (cached.apply(spark.read().parquet(input)).count() != rows) {
        throw new IllegalStateException("a hit returned other rows than the first call");
      }
    } finally {
      spark.stop();
      MemoryBenchmark.deleteTree(dir);
    }
  }
}
