package dev.joblib.spark.internal;

import dev.joblib.BackendFailedException;
import dev.joblib.JoblibException;
import dev.joblib.spi.Batch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a failed Spark job of a call means: which partition Spark blames, if any, and why. */
final class JobFailures {
  private static final Pattern GAVE_UP =
      Pattern.compile("Task (\\d+) in stage \\S+ failed \\d+ times");

  /** What Spark's abort says when a job's results add up to more than the setting. */
  private static final String TOO_LARGE = "bigger than " + ResultLimit.SETTING;

  private JobFailures() {}

  /**
   * Whether Spark aborted the job because its results passed {@code spark.driver.maxResultSize}
   * ("Total size of serialized results of 6 tasks (1208.9 KiB) is bigger than
   * spark.driver.maxResultSize (1024.0 KiB)").
   */
  static boolean resultsTooLarge(Throwable error) {
    return String.valueOf(error.getMessage()).contains(TOO_LARGE);
  }

  /**
   * The partition Spark's job-abort message names ("Task 3 in stage 0.0 failed 4 times"), or -1.
   * The Spark task index is the partition's position in the job, since each job is a single result
   * stage over all its partitions.
   */
  static int gaveUpOn(Throwable error, int partitions) {
    Matcher m = GAVE_UP.matcher(String.valueOf(error.getMessage()));
    if (!m.find()) {
      return -1;
    }
    try {
      int partition = Integer.parseInt(m.group(1));
      return partition < partitions ? partition : -1;
    } catch (NumberFormatException tooLarge) {
      return -1;
    }
  }

  /** The failure of the batch whose Spark task Spark gave up on. */
  static JoblibException gaveUp(Batch batch, int partition, String tag, Throwable error) {
    return new JoblibException(
        "Spark gave up on the Spark task running "
            + batch
            + " (partition "
            + partition
            + " of the job with tag "
            + tag
            + "): no attempt ended with a result or an exception from the tasks' code"
            + " (such as a batch the executors cannot read, or an executor lost on every"
            + " attempt; Spark counts a lost executor against every task it was"
            + " running): "
            + error.getMessage(),
        error);
  }

  /** The failure of a batch whose job Spark refused to start (such as a stopped context). */
  static BackendFailedException refused(Batch batch, String tag, RuntimeException error) {
    return new BackendFailedException(
        "spark",
        "backend 'spark': Spark refused the job for " + batch + " (job tag " + tag + "): " + error,
        error);
  }

  /** The failure of a job with no Spark task to blame: the backend failed, not the tasks. */
  static BackendFailedException noTaskToBlame(String tag, Throwable error) {
    return new BackendFailedException(
        "spark",
        "backend 'spark': the Spark job with tag "
            + tag
            + " failed with no task to blame: "
            + error,
        error);
  }
}
