package dev.joblib.spark;

import org.apache.spark.sql.SparkSession;

/** Sessions for tests: local mode, no UI, few shuffle partitions. */
final class LocalSpark {
  private LocalSpark() {}

  /** Waits until the session's listener bus has delivered every event posted so far. */
  static void drainListenerBus(SparkSession spark) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops the process's active and default sessions, if any, so a test starts from none. */
  static void stopAll() {
    SparkSession.getDefaultSession().foreach(LocalSpark::stop);
    SparkSession.getActiveSession().foreach(LocalSpark::stop);
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  private static Object stop(SparkSession session) {
    session.stop();
    return null;
  }

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
