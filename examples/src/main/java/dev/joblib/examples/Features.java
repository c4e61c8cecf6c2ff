package dev.joblib.examples;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Per-user features aggregated from Parquet events, memoised with {@code Memory}: the first run
 * computes them and keeps them as Parquet inside the cache entry; a second run with the same input
 * reads them back without running the aggregation. Rewriting an input file, or editing {@link
 * #build}, makes the next run compute again.
 *
 * <pre>
 * java -jar joblib-examples.jar features --cache target/features-cache          # local[*]
 * spark-submit --master spark://host:7077 --class dev.joblib.examples.Features \
 *     joblib-examples.jar --input hdfs://nn:8020/events --cache hdfs://nn:8020/joblib-cache
 * </pre>
 *
 * <p>The input is generated (as Parquet, {@code --files} files of {@code --rows} rows in all) when
 * its directory does not exist yet.
 */
public final class Features {
  private Features() {}

  /**
   * Runs the job and prints how long the features took and whether they came from the cache.
   *
   * @param args {@code --input DIR} (target/features-input), {@code --cache LOCATION}
   *     (target/features-cache), {@code --rows N} (2,000,000), {@code --files N} (8), {@code
   *     --users N} (50,000)
   * @throws Exception if the input cannot be listed
   */
  public static void main(String[] args) throws Exception {
    JobArgs options = JobArgs.parse(args, "input", "cache", "rows", "files", "users");
    String input = options.string("input", "target/features-input");
    String cache = options.string("cache", "target/features-cache");
    long rows = options.number("rows", 2_000_000, 1);
    int files = (int) options.number("files", 8, 1);
    long users = options.number("users", 50_000, 1);
    SparkSession spark =
        SparkSession.builder()
            .appName("joblib-features")
            .master(System.getProperty("spark.master", "local[*]"))
            .config("spark.ui.enabled", false)
            .getOrCreate();
    Path inputPath = new Path(input);
    if (!inputPath.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(inputPath)) {
      generate(spark, input, rows, files, users);
    }
    MemorizedFn1<Dataset<Row>, Dataset<Row>> features = Memory.at(cache).cache(Features::build);

    long start = System.nanoTime();
    Dataset<Row> events = spark.read().parquet(input);
    boolean cached = features.isCached(events);
    Dataset<Row> result = features.apply(events);
    long applied = System.nanoTime();
    long n = result.count();
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "features: %d users in %d ms, of which %d ms in apply (%s; result read from %s)%n",
        n,
        millis,
        (applied - start) / 1_000_000,
        cached ? "read from the cache" : "computed and stored",
        result.inputFiles().length > 0 ? new Path(result.inputFiles()[0]).getParent() : "-");
    result.orderBy(col("spent").desc()).show(3);
  }

  /** The features: per user, number of events, total and average amount, categories, last day. */
  static Dataset<Row> build(Dataset<Row> events) {
    return events
        .groupBy("user")
        .agg(
            count("*").as("events"),
            sum("amount").as("spent"),
            avg("amount").as("average"),
            countDistinct("category").as("categories"),
            max("day").as("last_day"));
  }

  private static void generate(SparkSession spark, String input, long rows, int files, long users) {
    spark
        .range(0, rows, 1, files)
        .selectExpr(
            "pmod(hash(id), " + users + ") as user",
            "pmod(hash(id, 1), 20) as category",
            "round(pmod(hash(id, 2), 10000) / 100.0, 2) as amount",
            "pmod(hash(id, 3), 365) as day")
        .write()
        .parquet(input);
  }
}
