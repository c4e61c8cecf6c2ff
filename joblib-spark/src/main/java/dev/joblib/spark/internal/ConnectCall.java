package dev.joblib.spark.internal;

import dev.joblib.BackendFailedException;
import dev.joblib.spi.BackendCall;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.SerializationCheck;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * One Parallel call on a Spark Connect session. Each batch runs as one Connect execution: a one-row
 * {@code Dataset<byte[]>} holding the serialized batch, {@code mapPartitions} with {@link
 * ConnectRunBatch} (the same batch runner as on a classic session), and {@code collectAsList} of
 * its one outcome, a task's exception included as data. At most {@code slots} executions run at
 * once, each from a thread of the backend's pool, so outcomes arrive as batches finish.
 *
 * <p>Every execution carries the Spark Connect operation tags the caller's thread had when the call
 * started (so the caller's {@code interruptTag} or {@code interruptAll} reaches the call) and a tag
 * of the call's own, which {@link #cancel()} interrupts: the server interrupts the execution's
 * Spark jobs, and with them the running tasks.
 */
final class ConnectCall implements BackendCall {
  /** How often a batch runs again after uploading a class the server reported missing. */
  private static final int MISSING_CLASS_RETRIES = 8;

  private final SparkSession session;
  private final String tag;
  private final Set<String> callerTags;
  private final BatchSink sink;
  private final int slots;
  private final Executor pool;
  private final ClassLoader driverLoader;
  private final ArrayDeque<Batch> queued = new ArrayDeque<>();
  private int running;
  private boolean failing;
  private volatile boolean cancelled;

  ConnectCall(
      SparkSession session,
      CallInfo info,
      BatchSink sink,
      int slots,
      Executor pool,
      ClassLoader driverLoader) {
    this.session = session;
    this.tag = "joblib-call-" + info.callId().replace(',', '_');
    // on the caller's thread: its operation tags (thread-local in the Connect client)
    this.callerTags = Set.copyOf(scala.jdk.javaapi.CollectionConverters.asJava(session.getTags()));
    this.sink = sink;
    this.slots = slots;
    this.pool = pool;
    this.driverLoader = driverLoader;
  }

  /** The call's own operation tag. */
  String tag() {
    return tag;
  }

  @Override
  public void submit(List<Batch> batches) {
    synchronized (this) {
      queued.addAll(batches);
    }
    launch();
  }

  @Override
  public void cancel() {
    if (!cancelled) {
      cancelled = true;
      synchronized (this) {
        queued.clear();
      }
      interrupt();
      // an execution sent just before the first interrupt may reach the server after it
      CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS).execute(this::interrupt);
    }
  }

  private void interrupt() {
    try {
      session.interruptTag(tag);
    } catch (RuntimeException e) {
      // the session is gone (closed, server down): nothing of this call runs there any more
    }
  }

  @Override
  public void close() {
    boolean busy;
    synchronized (this) {
      busy = running > 0 || !queued.isEmpty();
    }
    if (busy) {
      cancel();
    }
  }

  /** Starts executions for queued batches while there are free slots. */
  private void launch() {
    while (true) {
      Batch batch;
      synchronized (this) {
        if (cancelled || failing || running >= slots || queued.isEmpty()) {
          return;
        }
        batch = queued.poll();
        running++;
      }
      try {
        pool.execute(() -> run(batch));
      } catch (RejectedExecutionException closed) {
        synchronized (this) {
          running--;
        }
        return; // the backend is closed: the call was cancelled
      }
    }
  }

  /** On a pool thread: runs one batch as one Connect execution and reports its outcome. */
  private void run(Batch batch) {
    BatchOutcome outcome = null;
    try {
      outcome = execute(batch);
    } catch (RuntimeException | Error e) { // never leave the call waiting for this batch
      outcome =
          cancelled
              ? null
              : BatchOutcome.failure(
                  batch,
                  batch.firstIndex(),
                  new BackendFailedException(
                      "spark", "backend 'spark': running " + batch + " failed: " + e, e));
    } finally {
      // one step: launch() on another thread must not see the slot free and the failure unset
      synchronized (this) {
        running--;
        failing |= outcome != null && !outcome.succeeded();
      }
    }
    if (outcome != null && !cancelled) {
      sink.accept(outcome);
    }
    launch();
  }

  /** The batch's outcome, or null when the call was cancelled meanwhile. */
  private BatchOutcome execute(Batch batch) {
    ConnectArtifacts.Serialized serialized;
    try {
      serialized = ConnectArtifacts.write(batch);
    } catch (IOException | RuntimeException e) {
      return notSerializable(batch, e);
    }
    if (cancelled) {
      return null;
    }
    Throwable error = null;
    try {
      ConnectArtifacts.ensure(session, serialized.classes());
    } catch (RuntimeException e) {
      return backendFailure(batch, "uploading the code of", e);
    }
    sink.started(batch);
    for (int attempt = 0; attempt <= MISSING_CLASS_RETRIES; attempt++) {
      int uploads = ConnectArtifacts.uploads(session);
      try {
        BatchOutcome outcome = decode(batch, run(serialized.bytes()));
        if (cancelled) {
          return null;
        }
        if (outcome.succeeded()
            || !ConnectArtifacts.uploadMissing(session, outcome.failure(), uploads)) {
          return outcome;
        }
      } catch (Exception
          | LinkageError e) { // SparkException is checked to javac, not thrown as such
        if (cancelled) {
          return null;
        }
        error = e;
        if (!ConnectArtifacts.uploadMissing(session, e, uploads)) {
          break;
        }
      }
      // a class the server lacked is uploaded now: the batch runs again (at-least-once)
    }
    return backendFailure(
        batch, "the Spark Connect execution (operation tag " + tag + ") of", error);
  }

  /**
   * The outcome of a batch the backend failed to run or to read back (no task threw): a {@link
   * BackendFailedException} naming the batch, its first task's index, the session and the cause.
   */
  private BatchOutcome backendFailure(Batch batch, String what, Throwable cause) {
    String unusable = ClassicSession.unusable(session);
    return BatchOutcome.failure(
        batch,
        batch.firstIndex(),
        new BackendFailedException(
            SparkEngine.ID,
            "backend 'spark': "
                + what
                + " "
                + batch
                + " (from task "
                + batch.firstIndex()
                + ") on the "
                + ClassicSession.describe(session)
                + (unusable != null ? ", which " + unusable : "")
                + " failed: "
                + cause,
            cause));
  }

  /** One Connect execution of the batch's bytes; returns what it collected. */
  private List<byte[]> run(byte[] batch) {
    session.clearTags();
    callerTags.forEach(session::addTag);
    session.addTag(tag);
    try {
      if (cancelled) { // after the tag: a cancel from now on reaches this execution
        throw new CancellationException("the joblib Parallel call was cancelled");
      }
      return session
          .createDataset(List.of(ConnectRunBatch.row(batch)), Encoders.BINARY())
          .mapPartitions(new ConnectRunBatch(), Encoders.BINARY())
          .collectAsList();
    } finally {
      session.clearTags();
      if (cancelled) {
        interrupt(); // cancelled while this execution was being sent
      }
    }
  }

  private BatchOutcome decode(Batch batch, List<byte[]> out) {
    try {
      if (out.size() != 1) {
        throw new IllegalStateException("expected one outcome, got " + out.size());
      }
      return (BatchOutcome) Wire.readUntrusted(out.get(0), driverLoader);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      return backendFailure(batch, "reading on the client the outcome of", e);
    }
  }

  /** The failure of the first task of the batch that does not serialize. */
  private static BatchOutcome notSerializable(Batch batch, Exception error) {
    List<?> tasks = batch.tasks();
    for (int i = 0; i < tasks.size(); i++) {
      int index = batch.firstIndex() + i;
      try {
        SerializationCheck.requireSerializable(tasks.get(i), "task " + index);
      } catch (IllegalArgumentException refused) {
        return BatchOutcome.failure(batch, index, refused);
      }
    }
    return BatchOutcome.failure(
        batch,
        batch.firstIndex(),
        new IllegalArgumentException(batch + " cannot be sent to Spark Connect: " + error, error));
  }
}
