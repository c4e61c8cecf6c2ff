package dev.joblib;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Dataset functions the Memory tests cache, in this JVM and in child JVMs. */
public final class DatasetFunctions {
  /** How often {@link #totals} ran in this JVM. */
  static final AtomicInteger CALLS = new AtomicInteger();

  private DatasetFunctions() {}

  /** Sums {@code v} per {@code k}. */
  public static Dataset<Row> totals(Dataset<Row> in) {
    CALLS.incrementAndGet();
    return in.groupBy("k").agg(sum("v").as("total"), count("v").as("n")).orderBy(col("k"));
  }

  /** A session for tests: local mode, no UI, few shuffle partitions. */
  public static SparkSession session() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("joblib-dataset-memory-test")
        .config("spark.ui.enabled", false)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", 2)
        .getOrCreate();
  }

  /** Writes {@code rows} rows of {@code (k, v)} as Parquet files (one per partition). */
  public static void writeInput(SparkSession spark, String path, long rows, int files) {
    spark
        .range(0, rows, 1, files)
        .selectExpr("id % 7 as k", "id as v")
        .write()
        .mode("overwrite")
        .parquet(path);
  }
}
