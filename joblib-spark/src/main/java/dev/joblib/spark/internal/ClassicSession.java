package dev.joblib.spark.internal;

import java.lang.reflect.Method;
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
   * Why {@code session} can run nothing more, or null while it can: a classic session whose {@code
   * SparkContext} is stopped; a Spark Connect session that was closed (its gRPC channel is shut
   * down) or that its server no longer has (the server restarted or released it: the client's
   * {@code isUsable()}, which Spark 4.2 keeps internal to Spark and is read here by reflection). A
   * Connect client of another version without those methods counts as usable.
   *
   * @param session a session
   * @return the reason, such as "is closed", or null
   */
  static String unusable(SparkSession session) {
    if (isClassic(session)) {
      return session.sparkContext().isStopped() ? "has a stopped SparkContext" : null;
    }
    try {
      Method client = session.getClass().getMethod("client");
      Method channel = client.getReturnType().getMethod("channel");
      Object grpc = channel.invoke(client.invoke(session));
      if (grpc != null && (Boolean) channel.getReturnType().getMethod("isShutdown").invoke(grpc)) {
        return "is closed";
      }
    } catch (ReflectiveOperationException | RuntimeException unknown) {
      // a client without them: the usability check below still applies
    }
    try {
      if (!(Boolean) session.getClass().getMethod("isUsable").invoke(session)) {
        return "is no longer known to its server (the server restarted or released the session)";
      }
    } catch (ReflectiveOperationException | RuntimeException unknown) {
      // a client without isUsable(): assumed usable, the execution itself then fails
    }
    return null;
  }

  /**
   * How the backend names a Spark Connect session in its errors: its session id and the server's
   * address, as far as the client tells them.
   *
   * @param session a Spark Connect session
   * @return such as {@code "Spark Connect session 6f1c… (sc://host:15002)"}
   */
  static String describe(SparkSession session) {
    String id = "?";
    String address = null;
    try {
      id = String.valueOf(session.getClass().getMethod("sessionId").invoke(session));
      Method client = session.getClass().getMethod("client");
      Object configuration =
          client.getReturnType().getMethod("configuration").invoke(client.invoke(session));
      Method host = configuration.getClass().getMethod("host");
      Method port = configuration.getClass().getMethod("port");
      address = "sc://" + host.invoke(configuration) + ":" + port.invoke(configuration);
    } catch (ReflectiveOperationException | RuntimeException unknown) {
      // a client without them: the id or address stays out of the message
    }
    return "Spark Connect session " + id + (address != null ? " (" + address + ")" : "");
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
