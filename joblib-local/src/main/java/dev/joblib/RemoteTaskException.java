package dev.joblib;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An exception thrown by a task in another JVM (a worker process, an executor) that could not be
 * recreated in the caller, for instance because its class is missing here or it holds a field that
 * does not serialize. It carries the original class name, message and stack trace; its own stack
 * trace is set to the remote one, so {@link #printStackTrace()} shows where the task failed, and
 * its cause is the remote cause, recreated the same way.
 *
 * <p>Every backend that runs tasks in another JVM (processes, spark, beam) reports such a failure
 * with this one type, as the cause of the {@link TaskFailedException}, so one {@code catch} clause
 * or {@code instanceof} test covers them all.
 *
 * @since 0.1
 */
public class RemoteTaskException extends JoblibException {
  private static final long serialVersionUID = 1L;

  /** How many causes {@link #copyOf} copies at most; a longer chain is cut there. */
  private static final int MAX_CAUSES = 32;

  /** The fully qualified class name of the original exception. */
  private final String remoteClassName;

  /** The original exception's message, or null. */
  private final String remoteMessage;

  /**
   * Creates the stand-in for a remote exception.
   *
   * @param remoteClassName the fully qualified class name of the original exception, never null
   * @param remoteMessage the original message, may be null
   * @param remoteStackTrace the original stack trace, never null (may be empty)
   * @param cause the stand-in for the original cause, may be null
   * @throws NullPointerException if {@code remoteClassName} or {@code remoteStackTrace} is null
   */
  public RemoteTaskException(
      String remoteClassName,
      String remoteMessage,
      StackTraceElement[] remoteStackTrace,
      Throwable cause) {
    super(
        remoteMessage == null
            ? Objects.requireNonNull(remoteClassName, "remoteClassName")
            : remoteClassName + ": " + remoteMessage,
        cause);
    this.remoteClassName = remoteClassName;
    this.remoteMessage = remoteMessage;
    setStackTrace(Objects.requireNonNull(remoteStackTrace, "remoteStackTrace").clone());
  }

  /**
   * Creates a stand-in for {@code original} that always serializes: its class name, message and
   * stack trace, and the same for each of its causes (at most 32; a cause cycle ends the chain).
   * Backends call this where a task's exception does not serialize, before sending it back to the
   * caller. Suppressed exceptions are not copied.
   *
   * @param original the exception the task threw, never null
   * @return the stand-in, whose {@link #remoteClassName()} is {@code original}'s class name
   * @throws NullPointerException if {@code original} is null
   */
  public static RemoteTaskException copyOf(Throwable original) {
    Objects.requireNonNull(original, "original");
    List<Throwable> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = original; t != null && chain.size() < MAX_CAUSES; t = t.getCause()) {
      if (!seen.add(t)) {
        break;
      }
      chain.add(t);
    }
    RemoteTaskException copy = null;
    for (int i = chain.size() - 1; i >= 0; i--) {
      Throwable t = chain.get(i);
      copy =
          new RemoteTaskException(t.getClass().getName(), t.getMessage(), t.getStackTrace(), copy);
    }
    return copy;
  }

  /**
   * Returns the class name of the original exception.
   *
   * @return a fully qualified class name, never null
   */
  public String remoteClassName() {
    return remoteClassName;
  }

  /**
   * Returns the message of the original exception.
   *
   * @return the message, or null if it had none
   */
  public String remoteMessage() {
    return remoteMessage;
  }

  /**
   * Returns the original stack trace as text, one {@code at ...} line per frame.
   *
   * @return the frames, never null
   */
  public String remoteStackTrace() {
    StringBuilder text = new StringBuilder();
    for (StackTraceElement frame : getStackTrace()) {
      text.append("\tat ").append(frame).append('\n');
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return getMessage() + " (remote " + remoteClassName + ")";
  }
}
