package dev.joblib.spark.internal;

import dev.joblib.spark.internal.SplitBatch.Part;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Decides which queued parts go into the next Spark job, so that the results of one job stay under
 * {@code spark.driver.maxResultSize}, and each partition's share of it. It learns the bytes per
 * task from the outcomes that come back and keeps the largest seen (starting from a small guess
 * when the setting is large). Until the first outcome, a job takes one part (jobs run side by side,
 * so only the first wave pays a job per batch); then a job takes consecutive parts while their
 * expected outcomes, with Spark's per-task overhead, add up to at most half the setting, and a part
 * expected above that is split first. Each partition may send its expected share of the whole
 * setting (at least twice what is expected of it); what sends more is returned as an {@link
 * OversizedOutcome} and run again in smaller parts. With the setting at 0 (unlimited) a job takes
 * every queued part, as before.
 */
final class JobCutter {
  /**
   * From this setting up (Spark's default is 1 GiB), a call starts from a guess of {@link
   * #GUESSED_BYTES_PER_TASK} instead of waiting for a first outcome: a wave of tiny results is then
   * one job (probing cost two more jobs and a round trip per call, 1.29x -> 1.47x of a raw RDD at
   * 10,000 tiny tasks), and a wrong guess is still caught by each partition's share. A smaller
   * setting says results are large for it: the call measures first.
   */
  static final long GUESS_FROM_BYTES = 256L << 20;

  /**
   * The bytes per task a call starts from when the setting is at least {@link #GUESS_FROM_BYTES}.
   */
  static final double GUESSED_BYTES_PER_TASK = 1024;

  private final ResultLimit limit;
  private double bytesPerTask;

  /**
   * Creates the cutter.
   *
   * @param limit the session's {@code spark.driver.maxResultSize}
   */
  JobCutter(ResultLimit limit) {
    this.limit = limit;
    this.bytesPerTask =
        !limit.unlimited() && limit.maxResultSize() >= GUESS_FROM_BYTES
            ? GUESSED_BYTES_PER_TASK
            : -1;
  }

  /** Learns from an outcome (or a part's measured sizes): {@code bytes} for {@code tasks} tasks. */
  void observe(int tasks, long bytes) {
    if (tasks > 0) {
      bytesPerTask = Math.max(bytesPerTask, (double) bytes / tasks);
    }
  }

  /** After Spark refused a job's results: expects twice as much from now on. */
  void doubleEstimate() {
    if (bytesPerTask > 0) {
      bytesPerTask *= 2;
    }
  }

  /** The bytes per task expected now, or -1 before any outcome (and no guess). */
  double bytesPerTask() {
    return bytesPerTask;
  }

  /** The most a part's expected outcome may be before it is split (and a sized part's target). */
  long partBudget() {
    return Math.max(1, limit.jobBudget() - limit.partitionOverhead());
  }

  /**
   * Takes the next job's parts from the head of {@code queue} (at least one, at most {@code
   * maxParts}); parts of batches already reported are dropped. Empty when nothing is queued.
   */
  List<Part> nextJob(Deque<Part> queue, int maxParts) {
    List<Part> job = new ArrayList<>();
    Part head = nextFitting(queue);
    if (head == null) {
      return job;
    }
    job.add(head);
    if (limit.unlimited()) {
      while (job.size() < maxParts && !queue.isEmpty()) {
        Part next = queue.poll();
        if (!next.whole().reported()) {
          job.add(next);
        }
      }
      return job;
    }
    if (bytesPerTask < 0 || head.alone()) {
      return job;
    }
    long total = expected(head) + limit.partitionOverhead();
    while (job.size() < maxParts) {
      Part next = nextFitting(queue);
      if (next == null) {
        break;
      }
      long more = expected(next) + limit.partitionOverhead();
      if (next.alone() || total + more > limit.jobBudget()) {
        queue.addFirst(next);
        break;
      }
      job.add(next);
      total += more;
    }
    return job;
  }

  /**
   * Each partition's share of the setting, in bytes: the whole of it less Spark's overhead for a
   * job of one partition, else the setting less the partitions' overheads, shared out in proportion
   * to what is expected of each.
   */
  long[] shares(List<Part> job) {
    long[] shares = new long[job.size()];
    if (limit.unlimited() || job.size() == 1) {
      Arrays.fill(shares, limit.partitionLimit());
      return shares;
    }
    double budget = limit.maxResultSize() - (double) job.size() * limit.partitionOverhead();
    double expected = 0;
    for (Part part : job) {
      expected += Math.max(1, expected(part));
    }
    for (int i = 0; i < shares.length; i++) {
      shares[i] = (long) Math.floor(budget * Math.max(1, expected(job.get(i))) / expected);
    }
    return shares;
  }

  /** The expected outcome size of {@code part}: measured, or estimated from the bytes per task. */
  long expected(Part part) {
    if (part.knownBytes() >= 0) {
      return part.knownBytes();
    }
    return bytesPerTask < 0 ? 0 : (long) Math.ceil(bytesPerTask * part.size());
  }

  /** The queue's next part of a batch not yet reported, split first if expected to be too large. */
  private Part nextFitting(Deque<Part> queue) {
    Part head = queue.poll();
    while (head != null && head.whole().reported()) {
      head = queue.poll();
    }
    if (head == null
        || limit.unlimited()
        || bytesPerTask < 0
        || head.knownBytes() >= 0
        || head.size() == 1
        || expected(head) <= partBudget()) {
      return head;
    }
    int perPart = (int) Math.max(1, Math.min(head.size(), partBudget() / bytesPerTask));
    List<Part> parts = SplitBatch.split(head, perPart);
    for (int i = parts.size() - 1; i > 0; i--) {
      queue.addFirst(parts.get(i));
    }
    return parts.get(0);
  }
}
