package dev.joblib.spark.internal;

import dev.joblib.BackendFailedException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Where a backend's {@link SparkSession} comes from, and whether the backend must stop it.
 *
 * <p>A session given by the user is never stopped. Otherwise the backend uses the session the
 * process already has (active or default; not stopped either), or creates one from the {@code
 * spark.*} system properties (as spark-submit sets them; {@code local[*]} with the UI off when no
 * master is set). A created session is shared by every backend that needs one and stopped when the
 * last of them is closed. A backend abandoned by the garbage collector (its {@code Parallel} was
 * never closed) gives its use back without stopping the session: user code may hold it from {@code
 * getOrCreate()}; Spark stops it when the JVM exits.
 *
 * <p>A session the lease acquired that can run nothing more ({@link ClassicSession#unusable}: a
 * stopped context, a closed Spark Connect session or one its server no longer has) is given back
 * and acquired anew at the next use; a Connect session is then connected again from {@code
 * spark.remote} / {@code SPARK_REMOTE}. The process's own dead Connect session with nothing to
 * reconnect to fails with a {@code BackendFailedException} naming it.
 */
public abstract class SessionLease {
  private static final System.Logger LOG = System.getLogger(SessionLease.class.getName());
  private static SparkSession owned;
  private static int ownedUsers;

  SessionLease() {}

  /**
   * Returns the session, acquiring it on first use.
   *
   * @return a running session
   */
  public abstract SparkSession session();

  /** Gives the session back: stops it if this lease created it and no other backend uses it. */
  public abstract void release();

  /** Gives the session back without ever stopping it (the backend was garbage collected). */
  public abstract void abandon();

  /**
   * A lease on a session the caller manages.
   *
   * @param session the session
   * @return a lease that never stops it
   */
  public static SessionLease of(SparkSession session) {
    Objects.requireNonNull(session, "session");
    return new SessionLease() {
      @Override
      public SparkSession session() {
        return session;
      }

      @Override
      public void release() {}

      @Override
      public void abandon() {}
    };
  }

  /**
   * A lease on the process's session, created if there is none.
   *
   * @return a lease that acquires the session lazily
   */
  public static SessionLease fromEnvironment() {
    return new SessionLease() {
      private SparkSession session;
      private boolean ownsUse;
      private boolean released;

      @Override
      public synchronized SparkSession session() {
        if (released) {
          throw new IllegalStateException("the spark backend is closed");
        }
        if (session == null || stopped(session)) {
          if (ownsUse) {
            giveBack(session, true);
            ownsUse = false;
          }
          session = acquire();
          ownsUse = session == owned;
        }
        return session;
      }

      @Override
      public synchronized void release() {
        end(true);
      }

      @Override
      public synchronized void abandon() {
        end(false);
      }

      private void end(boolean mayStop) {
        released = true;
        if (ownsUse) {
          ownsUse = false;
          giveBack(session, mayStop);
        }
        session = null;
      }
    };
  }

  private static synchronized SparkSession acquire() {
    if (owned != null && !stopped(owned)) {
      ownedUsers++;
      return owned;
    }
    owned = null;
    ownedUsers = 0;
    SparkSession existing = running(SparkSession.getActiveSession());
    if (existing == null) {
      existing = running(SparkSession.getDefaultSession());
    }
    if (existing != null) {
      return existing;
    }
    String remote = ClassicSession.connectSelected(System::getProperty, System::getenv);
    if (remote != null) {
      owned = ClassicSession.connectBuilder(remote).create();
      ownedUsers = 1;
      LOG.log(
          Level.DEBUG, "connected a Spark Connect session to {0} for the spark backend", remote);
      return owned;
    }
    for (Option<SparkSession> dead :
        List.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())) {
      if (dead.isDefined() && !ClassicSession.isClassic(dead.get())) {
        // the user's own Connect session: a local classic session instead would be a surprise
        throw new BackendFailedException(
            SparkEngine.ID,
            "backend 'spark': the process's "
                + ClassicSession.describe(dead.get())
                + " "
                + ClassicSession.unusable(dead.get())
                + ", and no spark.remote or SPARK_REMOTE says where to connect a new one",
            null);
      }
    }
    SparkSession.Builder builder = SparkSession.builder();
    if (System.getProperty("spark.master") == null) {
      builder.master("local[*]");
    }
    if (System.getProperty("spark.ui.enabled") == null) {
      builder.config("spark.ui.enabled", false);
    }
    if (System.getProperty("spark.app.name") == null) {
      builder.appName("joblib");
    }
    owned = builder.getOrCreate();
    ownedUsers = 1;
    LOG.log(
        Level.DEBUG,
        "created a Spark session on {0} for the spark backend",
        owned.sparkContext().master());
    return owned;
  }

  private static synchronized void giveBack(SparkSession session, boolean mayStop) {
    if (session != owned) {
      return;
    }
    if (--ownedUsers <= 0 && mayStop) {
      owned = null;
      ownedUsers = 0;
      session.stop();
    }
  }

  /** The session if it is running (Spark keeps no closed Connect session as active or default). */
  private static SparkSession running(Option<SparkSession> session) {
    if (session.isDefined() && !stopped(session.get())) {
      return session.get();
    }
    return null;
  }

  /**
   * Whether the session can run nothing more: a classic session's context is stopped, a Connect
   * session is closed or its server no longer has it (restarted), see {@link
   * ClassicSession#unusable}. Such a session of the lease's own is replaced at its next use.
   */
  private static boolean stopped(SparkSession session) {
    return ClassicSession.unusable(session) != null;
  }
}
