package dev.joblib.spark;

import dev.joblib.ParallelBackendContract;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The backend contract on a real Spark session with two local cores. */
class SparkBackendContractTest extends ParallelBackendContract {
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start(2);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Override
  protected String backendId() {
    return "spark";
  }
}
