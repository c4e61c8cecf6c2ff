package dev.joblib.beam.internal;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;

/**
 * The DirectRunner's worker threads. Each DirectRunner pipeline runs its bundles on a pool of
 * threads named {@code direct-runner-worker}, which the runner shuts down when the pipeline fails
 * without waiting for the bundles under way; {@code waitUntilFinish} has returned (thrown) by then.
 * Waiting for the threads that appeared during a pipeline to end is the only way to know that none
 * of its bundles still writes.
 */
final class DirectRunnerWorkers {
  private static final Logger LOG = System.getLogger(DirectRunnerWorkers.class.getName());
  private static final String NAME = "direct-runner-worker";

  /** How long a failed pipeline's last bundles may take to end before the call gives up on them. */
  private static final long DRAIN_MILLIS = 60_000;

  private DirectRunnerWorkers() {}

  /**
   * The DirectRunner worker threads alive now, of any pipeline. Taken before every in-process
   * pipeline, so it enumerates threads without {@code Thread.getAllStackTraces()}'s stack walks.
   */
  static Set<Thread> alive() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 16];
    int n;
    while ((n = root.enumerate(threads, true)) == threads.length) {
      threads = new Thread[threads.length * 2]; // more started meanwhile: look again
    }
    Set<Thread> workers = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if (NAME.equals(threads[i].getName())) {
        workers.add(threads[i]);
      }
    }
    return workers;
  }

  /**
   * Cancels a failed pipeline and waits, up to a minute, for the worker threads that appeared since
   * {@code before} to end (threads of a pipeline started meanwhile in this JVM are waited for too).
   * The bundles still running are those of tasks already started: a stop marker has told later
   * tasks not to start.
   */
  static void drain(PipelineResult result, Set<Thread> before, String pipeline) {
    try {
      result.cancel();
    } catch (IOException | RuntimeException e) {
      // a pipeline that failed is often terminal already: it has no work to cancel then
      LOG.log(Level.DEBUG, "cancelling the failed Beam pipeline " + pipeline + ": " + e, e);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
    Set<Thread> started = alive();
    started.removeAll(before);
    for (Thread worker : started) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        break;
      }
      try {
        worker.join(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    started.removeIf(t -> !t.isAlive());
    if (!started.isEmpty()) {
      LOG.log(
          Level.WARNING,
          "{0} DirectRunner worker threads of the failed Beam pipeline {1} still run after {2} s;"
              + " they may write into its staging directory after it is deleted",
          started.size(),
          pipeline,
          DRAIN_MILLIS / 1000);
    }
  }
}
