package dev.joblib;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A child JVM of the Dataset Memory tests: {@code totals <cache> <input> [<go-file>]} caches {@link
 * DatasetFunctions#totals} over the Parquet input (waiting for the go file first, when given) and
 * prints how often it ran, the rows and where they were read from.
 */
public final class DatasetChild {
  private DatasetChild() {}

  public static void main(String[] args) throws Exception {
    SparkSession spark = DatasetFunctions.session();
    try {
      MemorizedFn1<Dataset<Row>, Dataset<Row>> totals =
          Memory.at(args[1]).cache(DatasetFunctions::totals);
      Dataset<Row> input = spark.read().parquet(args[2]);
      if (args.length > 3) {
        System.out.println("ready");
        System.out.flush();
        while (!Files.exists(Path.of(args[3]))) {
          Thread.sleep(5);
        }
      }
      Dataset<Row> out = totals.apply(input);
      List<Row> rows = out.collectAsList();
      System.out.println("calls " + DatasetFunctions.CALLS.get());
      System.out.println("rows " + rows);
      System.out.println("files " + String.join(",", out.inputFiles()));
    } finally {
      spark.stop();
    }
  }
}
