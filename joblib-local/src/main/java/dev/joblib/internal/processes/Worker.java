package dev.joblib.internal.processes;

import dev.joblib.BackendFailedException;
import dev.joblib.WorkerDiedException;
import dev.joblib.internal.OwnerOnly;
import dev.joblib.spi.BatchOutcome;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One worker JVM seen from the parent: the process, a dispatcher thread that feeds it one batch at
 * a time from the pool's queue, and a thread that forwards its stderr (prefixed) and keeps the last
 * lines for the error when it dies.
 */
final class Worker {
  private static final int TAIL_LINES = 20;
  private static final Map<Integer, String> SIGNALS =
      Map.of(1, "SIGHUP", 2, "SIGINT", 6, "SIGABRT", 9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM");

  private final WorkerPool pool;
  private final int id;
  private final Process process;
  private final Path statusFile;
  private final DataOutputStream toWorker;
  private final DataInputStream fromWorker;
  private final Deque<String> tail = new ArrayDeque<>();
  private final Thread stderrPump;
  private final Thread dispatcher;
  private final AtomicReference<Start> start = new AtomicReference<>(Start.LAUNCHED);
  private volatile ProcessCall.Job current;
  private volatile boolean killed;
  private volatile boolean retiring;

  /** Where the worker is in its start-up. */
  private enum Start {
    LAUNCHED,
    READY,
    TIMED_OUT
  }

  private Worker(WorkerPool pool, int id, Process process, Path statusFile) {
    this.pool = pool;
    this.id = id;
    this.process = process;
    this.statusFile = statusFile;
    this.toWorker = new DataOutputStream(process.getOutputStream());
    this.fromWorker = new DataInputStream(process.getInputStream());
    String name = "joblib-worker-" + pool.number() + "-" + id;
    this.stderrPump = new Thread(this::pumpStderr, name + "-stderr");
    this.dispatcher = new Thread(this::dispatch, name);
    stderrPump.setDaemon(true);
    dispatcher.setDaemon(true);
  }

  /** Starts the JVM and the threads that serve it. */
  static Worker start(
      WorkerPool pool, int id, List<String> command, Map<String, String> env, byte[] properties)
      throws IOException {
    Path status = pool.statusFolder().resolve("worker-" + pool.number() + "-" + id);
    byte[] token = pool.token();
    OwnerOnly.writeNew( // in the pool's own new folder: a file (or link) there is not ours to use
        status,
        ByteBuffer.allocate(WorkerMain.STATUS_BYTES)
            .putInt(-1)
            .put(token)
            .array()); // see WorkerMain
    List<String> full = new java.util.ArrayList<>(command);
    full.add(String.valueOf(ProcessHandle.current().pid()));
    full.add(status.toString());
    ProcessBuilder builder = new ProcessBuilder(full);
    builder.environment().putAll(env);
    Worker worker = new Worker(pool, id, builder.start(), status);
    worker.stderrPump.start(); // before a write that may wait: the worker's stderr must not fill up
    try {
      Frames.write(worker.toWorker, Frames.HELLO, token); // fits the pipe's buffer: no wait
      // the worker reads them right after the handshake; a payload larger than the pipe's buffer
      // waits for that, at most until the start timeout kills a worker that never reads
      Frames.write(worker.toWorker, Frames.PROPERTIES, properties);
    } catch (IOException e) {
      // the JVM died at start; sending the first batch fails and reports it with its stderr
    }
    worker.dispatcher.start();
    return worker;
  }

  long pid() {
    return process.pid();
  }

  boolean isRetiring() {
    return retiring;
  }

  /** Whether the worker runs a batch now. */
  boolean isBusy() {
    return current != null;
  }

  /** The call whose batch runs now, or null. */
  ProcessCall runningCall() {
    ProcessCall.Job job = current;
    return job == null ? null : job.call();
  }

  /** Lets the worker finish its batch, then exit; the pool does not replace it. */
  void retire() {
    retiring = true;
  }

  /** Kills the worker and whatever it started, at once; the pool replaces it. */
  void kill() {
    killed = true;
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** For the shutdown hook: ends the worker without waiting. */
  void terminate() {
    retiring = true;
    process.destroy();
  }

  private void dispatch() {
    try {
      if (!awaitReady()) {
        return;
      }
      while (!retiring && !killed) {
        ProcessCall.Job job = pool.next();
        if (job == null) {
          if (!process.isAlive()) {
            break; // died while idle: replaced at once
          }
          continue;
        }
        if (!process.isAlive()) {
          pool.requeue(job); // it died idle: the batch never reached it
          break;
        }
        if (!runOne(job)) {
          return;
        }
      }
      if (!killed) {
        try {
          Frames.write(toWorker, Frames.EXIT, new byte[0]);
        } catch (IOException e) {
          // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          kill();
        }
      }
    } catch (InterruptedException e) {
      kill();
    } finally {
      try {
        Files.deleteIfExists(statusFile);
      } catch (IOException e) {
        System.err.println("joblib: cannot delete " + statusFile + ": " + e);
      }
      pool.workerGone(this);
    }
  }

  /**
   * Waits for the worker's {@link Frames#READY} frame, at most the pool's start timeout (then the
   * worker is killed). If it does not come, the worker is not replaced and the batches waiting for
   * a worker fail with why, so a worker that cannot start (a bad JVM option, a missing class, a
   * machine out of memory) fails the call instead of being restarted forever.
   */
  private boolean awaitReady() throws InterruptedException {
    Duration limit = pool.startTimeout();
    ScheduledFuture<?> timer =
        pool.schedule(
            () -> {
              if (start.compareAndSet(Start.LAUNCHED, Start.TIMED_OUT)) {
                retiring = true; // not replaced: the pool reports the failure instead
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
              }
            },
            limit);
    Frames.Frame first;
    IOException broken = null;
    try {
      first = Frames.read(fromWorker, 0);
    } catch (IOException e) {
      first = null;
      broken = e;
    }
    timer.cancel(false);
    if (first != null
        && first.type() == Frames.READY
        && start.compareAndSet(Start.LAUNCHED, Start.READY)) {
      return true;
    }
    boolean timedOut = start.get() == Start.TIMED_OUT;
    boolean stopped = retiring && !timedOut; // the pool is shutting down: nothing to report
    retiring = true;
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      kill();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    stderrPump.join(1000);
    if (!stopped) {
      pool.startFailed(notStarted(first, broken, timedOut, limit));
    }
    return false;
  }

  private BackendFailedException notStarted(
      Frames.Frame first, IOException broken, boolean timedOut, Duration limit) {
    int exit = process.isAlive() ? -1 : process.exitValue();
    String lines;
    synchronized (tail) {
      lines = String.join("\n", tail);
    }
    String why =
        timedOut
            ? "it was not ready within "
                + limit
                + " (option "
                + ProcessesOptions.START_TIMEOUT
                + ") and was killed"
            : first != null
                ? "its first frame was of type "
                    + first.type()
                    + ", not READY; "
                    + describeExit(exit)
                : broken != null
                    ? "its output broke (" + broken + "); " + describeExit(exit)
                    : describeExit(exit);
    String message =
        "backend 'processes': worker "
            + id
            + " (pid "
            + process.pid()
            + ") could not start: "
            + why
            + ". Command: "
            + String.join(" ", pool.command())
            + (lines.isEmpty()
                ? ". It wrote nothing to stderr."
                : ". Last stderr lines:\n" + lines);
    return new BackendFailedException(ProcessesBackend.ID, message, broken);
  }

  /** Runs one job; false if the worker died doing it. */
  private boolean runOne(ProcessCall.Job job) throws InterruptedException {
    ProcessCall call = job.call();
    current = job;
    try {
      if (call.isCancelled()) {
        return true;
      }
      byte[] payload;
      try {
        payload = call.encode(job.batch());
      } catch (IOException | RuntimeException e) {
        call.deliver(call.encodeFailure(job.batch(), e));
        return true;
      }
      if (call.isCancelled()) {
        return true;
      }
      call.started(job.batch());
      Frames.Frame reply;
      IOException broken = null;
      try {
        Frames.write(toWorker, Frames.BATCH, payload);
        reply = Frames.read(fromWorker);
      } catch (IOException e) {
        reply = null;
        broken = e;
      }
      if (reply == null || reply.type() != Frames.OUTCOME) {
        died(job, broken);
        return false;
      }
      current = null;
      call.deliver(Outcomes.decode(reply.payload(), job.batch(), call.serializer(), call.loader()));
      return true;
    } finally {
      current = null;
      pool.touch();
    }
  }

  private void died(ProcessCall.Job job, IOException broken) throws InterruptedException {
    boolean cancelled = killed;
    boolean garbled = broken != null && !(broken instanceof java.io.EOFException);
    boolean stillRunning = !process.waitFor(garbled ? 1 : 5, TimeUnit.SECONDS);
    if (stillRunning) {
      kill(); // it broke the protocol (closed or garbled its stdout) but lives on
      process.waitFor(5, TimeUnit.SECONDS);
    }
    stderrPump.join(1000);
    ProcessCall call = job.call();
    if (cancelled || call.isCancelled()) {
      return;
    }
    int exit = process.isAlive() ? -1 : process.exitValue();
    int index = runningIndex(job);
    String lines;
    synchronized (tail) {
      lines = String.join("\n", tail);
    }
    String message =
        "worker "
            + id
            + " (pid "
            + process.pid()
            + ") died while running task "
            + index
            + ": "
            + (stillRunning
                ? "it broke the frame protocol ("
                    + broken
                    + ") and was killed, "
                    + describeExit(exit)
                : describeExit(exit))
            + "; the pool replaces it."
            + (lines.isEmpty() ? " It wrote nothing to stderr." : " Last stderr lines:\n" + lines);
    call.deliver(
        BatchOutcome.failure(
            job.batch(), index, new WorkerDiedException(message, process.pid(), exit, lines)));
  }

  static String describeExit(int exit) {
    if (exit > 128 && exit < 160) {
      int signal = exit - 128;
      return "killed by signal "
          + signal
          + " ("
          + SIGNALS.getOrDefault(signal, "SIG" + signal)
          + ", exit code "
          + exit
          + ")";
    }
    return exit < 0 ? "it closed its pipe" : "exit code " + exit;
  }

  /** The task the worker was running, from its status file; the batch's first if unknown. */
  private int runningIndex(ProcessCall.Job job) {
    int first = job.batch().firstIndex();
    try {
      byte[] bytes = Files.readAllBytes(statusFile);
      if (bytes.length >= Integer.BYTES) {
        int index = ByteBuffer.wrap(bytes).getInt();
        if (index >= first && index < first + job.batch().size()) {
          return index;
        }
      }
    } catch (IOException e) {
      // fall back to the batch's first task
    }
    return first;
  }

  private void pumpStderr() {
    String prefix = "[joblib worker " + id + " pid " + process.pid() + "] ";
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        synchronized (tail) {
          if (tail.size() == TAIL_LINES) {
            tail.removeFirst();
          }
          tail.addLast(line);
        }
        System.err.println(prefix + line);
      }
    } catch (IOException e) {
      System.err.println(prefix + "(stderr no longer readable: " + e + ")");
    }
  }

  @Override
  public String toString() {
    return "worker " + id + " (pid " + process.pid() + ")";
  }
}
