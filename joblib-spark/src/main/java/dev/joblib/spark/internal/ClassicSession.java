package dev.joblib.spark.internal;

import java.util.function.UnaryOperator;
import org.apache.spark.sql.SparkSession;

/**
 * The backend submits Spark jobs through the session's {@code SparkContext}, which only a classic
 * session ({@code org.apache.spark.sql.classic.SparkSession}, a driver in this JVM) has. A Spark
 * Connect session ({@code org.apache.spark.sql.connect.SparkSession}, a client of a remote server)
 * refuses {@code sparkContext()} deep inside the first call; these checks refuse it up front with
 * what was given and what to do instead.
 */
public final class ClassicSession {
  /** The class of Spark's classic session (Spark 4.x). */
  static final String CLASSIC = "org.apache.spark.sql.classic.SparkSession";

  /** The class of Spark's Connect client session (Spark 4.x). */
  static final String CONNECT = "org.apache.spark.sql.connect.SparkSession";

  private static final String WHAT_TO_DO =
      " Spark Connect does not give clients the SparkContext that the backend submits its jobs"
          + " with. Run the application as a classic Spark driver instead (spark-submit --master"
          + " <your cluster> without --remote; spark.api.mode=classic), build the session with"
          + " SparkSession.builder().master(...), or use the 'threads' or 'processes' backend.";

  private ClassicSession() {}

  /**
   * Returns {@code session} if it is classic.
   *
   * @param session the session given to the backend
   * @return the same session
   * @throws IllegalArgumentException if it is a Spark Connect (or any non-classic) session
   */
  public static SparkSession require(SparkSession session) {
    if (isClassic(session)) {
      return session;
    }
    throw new IllegalArgumentException(
        "backend 'spark' needs a classic Spark session ("
            + CLASSIC
            + ", a driver in this JVM), got "
            + describe(session)
            + "."
            + WHAT_TO_DO);
  }

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
   * Refuses to build a session when the environment asks for Spark Connect: {@code spark.remote} or
   * {@code spark.connect.remote} (system properties) or {@code SPARK_REMOTE} (environment) name a
   * server, or {@code spark.api.mode} is {@code connect}. A classic builder would ignore them and
   * start a local session in this JVM instead of reaching the cluster the user meant.
   *
   * @param properties the system properties to read ({@code System::getProperty})
   * @param environment the environment variables to read ({@code System::getenv})
   * @throws IllegalStateException if Spark Connect is selected
   */
  static void requireNoConnectSelected(
      UnaryOperator<String> properties, UnaryOperator<String> environment) {
    String remote = properties.apply("spark.remote");
    String from = "system property spark.remote";
    if (remote == null) {
      remote = properties.apply("spark.connect.remote");
      from = "system property spark.connect.remote";
    }
    if (remote == null) {
      remote = environment.apply("SPARK_REMOTE");
      from = "environment variable SPARK_REMOTE";
    }
    String mode = properties.apply("spark.api.mode");
    boolean connectMode = mode != null && mode.strip().equalsIgnoreCase("connect");
    if (remote == null && !connectMode) {
      return;
    }
    String selected =
        remote != null
            ? from + " = " + remote
            : "system property spark.api.mode = " + mode + " (Spark Connect)";
    throw new IllegalStateException(
        "backend 'spark' needs a classic Spark session ("
            + CLASSIC
            + ", a driver in this JVM), but no session is running and "
            + selected
            + " selects Spark Connect; joblib does not build a local session in its place."
            + WHAT_TO_DO);
  }

  /** The session's kind and, for a Connect session, the server when the environment names it. */
  private static String describe(SparkSession session) {
    String name = session.getClass().getName();
    if (!name.startsWith(CONNECT)) {
      return "a " + name;
    }
    String remote = System.getProperty("spark.remote", System.getenv("SPARK_REMOTE"));
    return "a Spark Connect session (" + name + (remote != null ? ", server " + remote : "") + ")";
  }
}
