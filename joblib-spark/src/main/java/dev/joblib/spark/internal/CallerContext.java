package dev.joblib.spark.internal;

import java.util.List;
import java.util.Properties;

/** The Spark local properties a call's jobs carry from the thread that started the call. */
final class CallerContext {
  /** Local properties of the caller's own operation, never given to the call's jobs. */
  private static final List<String> NOT_INHERITED =
      List.of(
          "spark.sql.execution.id",
          "spark.sql.execution.root.id",
          "spark.sql.execution.query.id",
          "spark.rdd.scope",
          "spark.rdd.scope.noOverride");

  private CallerContext() {}

  /** A copy of a thread's local properties (what Spark itself gives a child thread). */
  static Properties copy(Properties properties) {
    Properties copy = new Properties();
    if (properties != null) {
      for (String name : properties.stringPropertyNames()) {
        copy.setProperty(name, properties.getProperty(name));
      }
    }
    return copy;
  }

  /**
   * The caller's context without what belongs to the caller's own operation: the SQL execution it
   * may be inside (Spark would track our jobs under it until it ends, or forever once it has) and
   * its RDD scope (our jobs' stages would be filed under the caller's operation).
   */
  static Properties of(Properties properties) {
    Properties context = copy(properties);
    NOT_INHERITED.forEach(context::remove);
    return context;
  }
}
