package dev.joblib.spark;

import org.apache.spark.sql.SparkSession;

/** Sessions for tests: local mode, no UI, few shuffle partitions. */
final class LocalSpark {
  private LocalSpark() {}

  static SparkSession start(int cores) {
    return SparkSession.builder()
        .master("local[" + cores + "]")
        .appName("joblib-spark-test")
        .config("spark.ui.enabled", false)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }
}
