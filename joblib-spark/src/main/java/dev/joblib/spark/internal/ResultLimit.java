package dev.joblib.spark.internal;

import java.io.Serializable;

/**
 * {@code spark.driver.maxResultSize} as it bears on a call. Spark adds up the serialized results of
 * one job's tasks ({@code TaskSetManager.canFetchMoreResults}: the whole {@code DirectTaskResult}
 * of each task, its accumulator updates and metric peaks included) and aborts the job once the sum
 * passes the setting; an executor also drops a single result above it. So a call keeps each job's
 * expected results within half the setting, and each partition's actual outcome within its share.
 */
final class ResultLimit implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The setting's name. */
  static final String SETTING = "spark.driver.maxResultSize";

  /**
   * The most counted per partition for what Spark adds to our bytes: the byte array's
   * serialization, the task metrics' accumulator updates and metric peaks (measured: 0.3 to 0.5 KiB
   * on Spark 4.2 local mode), with room for a few user accumulators.
   */
  private static final long MAX_OVERHEAD = 4 << 10;

  private final long maxResultSize;

  /**
   * Creates the limit.
   *
   * @param maxResultSize the setting in bytes; 0 for unlimited
   */
  ResultLimit(long maxResultSize) {
    if (maxResultSize < 0) {
      throw new IllegalArgumentException(
          SETTING + " must not be negative, got " + maxResultSize + " bytes");
    }
    this.maxResultSize = maxResultSize;
  }

  /** Whether results are unlimited (the setting is 0). */
  boolean unlimited() {
    return maxResultSize == 0;
  }

  /** The setting in bytes; 0 for unlimited. */
  long maxResultSize() {
    return maxResultSize;
  }

  /**
   * What Spark adds to a partition's outcome bytes in the result it counts: the byte array's own
   * serialization and the task's accumulator updates and metric peaks, counted as 4 KiB (at most
   * 1/16 of the setting).
   */
  long partitionOverhead() {
    return Math.min(MAX_OVERHEAD, maxResultSize / 16);
  }

  /** The most one job's expected results (overheads included) are planned to add up to. */
  long jobBudget() {
    return maxResultSize / 2;
  }

  /** The largest outcome one partition may send when it is its job's only partition. */
  long partitionLimit() {
    return unlimited() ? Long.MAX_VALUE : maxResultSize - partitionOverhead();
  }

  /** The message for a task whose result alone is too large for Spark to bring back. */
  String tooLarge(int taskIndex, long resultBytes) {
    return "the result of task "
        + taskIndex
        + " is "
        + resultBytes
        + " bytes serialized, more than Spark brings back from one task: "
        + SETTING
        + " is "
        + maxResultSize
        + " bytes (less "
        + partitionOverhead()
        + " bytes kept for Spark's own data per task); raise "
        + SETTING
        + " or return less from the task (for example write the data to storage and return its"
        + " path)";
  }

  /** The message for a task that ran alone and whose result Spark still refused as too large. */
  String refused(int taskIndex, String sparkMessage) {
    return "the result of task "
        + taskIndex
        + " is more than Spark brings back from one task ("
        + SETTING
        + " is "
        + maxResultSize
        + " bytes): raise "
        + SETTING
        + " or return less from the task; Spark: "
        + sparkMessage;
  }

  @Override
  public String toString() {
    return SETTING + "=" + maxResultSize;
  }
}
