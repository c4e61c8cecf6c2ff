package dev.joblib.spark.internal;

import java.util.function.UnaryOperator;
import org.apache.spark.sql.SparkSession;

/**
 * Which kind of session the backend runs on: a classic session ({@code
 * org.apache.spark.sql.classic.SparkSession}, a driver in this JVM) runs calls as RDD jobs through
 * its {@code SparkContext}; a Spark Connect session ({@code
 * org.apache.spark.sql.connect.SparkSession}, a client of a remote server, which refuses {@code
 * sparkContext()}) runs them as Dataset executions. And which kind the environment asks for when
 * joblib builds the session.
 */
public final class ClassicSession {
  /** The class of Spark's classic session (Spark 4.x). */
  static final String CLASSIC = "org.apache.spark.sql.classic.SparkSession";

  /** The class of Spark's Connect client session (Spark 4.x). */
  static final String CONNECT = "org.apache.spark.sql.connect.SparkSession";

  private ClassicSession() {}

  /**
   * Whether {@code session} is a classic session (false for a Spark Connect session).
   *
   * @param session a session
   * @return true for {@code org.apache.spark.sql.classic.SparkSession} and its subclasses
   */
  static boolean isClassic(SparkSession session) {
    for (Class<?> c = session.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(CLASSIC)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The Spark Connect server the environment selects for a session joblib builds: {@code
   * spark.remote} or {@code spark.connect.remote} (system properties, as spark-submit {@code
   * --remote} and the Spark shells set them) or {@code SPARK_REMOTE} (environment); with only
   * {@code spark.api.mode=connect}, the empty string (Spark then chooses: a local Connect server
   * for a local master). A classic builder would ignore them and start a local session in this JVM
   * instead of reaching the cluster the user meant.
   *
   * @param properties the system properties to read ({@code System::getProperty})
   * @param environment the environment variables to read ({@code System::getenv})
   * @return the {@code sc://} address, {@code ""}, or null when Spark Connect is not selected
   */
  static String connectSelected(
      UnaryOperator<String> properties, UnaryOperator<String> environment) {
    String remote = properties.apply("spark.remote");
    if (remote == null) {
      remote = properties.apply("spark.connect.remote");
    }
    if (remote == null) {
      remote = environment.apply("SPARK_REMOTE");
    }
    if (remote != null && !remote.isBlank()) {
      return remote.strip();
    }
    String mode = properties.apply("spark.api.mode");
    return mode != null && mode.strip().equalsIgnoreCase("connect") ? "" : null;
  }

  /**
   * A builder of a Spark Connect session to {@code remote}.
   *
   * @param remote an {@code sc://} address, or {@code ""} to let Spark choose
   * @return the builder
   */
  static SparkSession.Builder connectBuilder(String remote) {
    SparkSession.Builder builder = SparkSession.builder().config("spark.api.mode", "connect");
    return remote.isEmpty() ? builder : builder.remote(remote);
  }
}
