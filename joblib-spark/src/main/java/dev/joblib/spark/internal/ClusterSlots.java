package dev.joblib.spark.internal;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.resource.ResourceProfile;

/**
 * How many Spark tasks of a resource profile the cluster runs at once: what nJobs -1 means.
 *
 * <ul>
 *   <li>The registered executors' slots for the profile, as Spark counts them for barrier stages
 *       ({@code sc.maxNumConcurrentTasks(profile)}: cores over the task's CPUs, and its GPUs and
 *       other resources).
 *   <li>Under dynamic allocation the cluster it may grow to: {@code
 *       spark.dynamicAllocation.maxExecutors} × the tasks one executor runs (its cores, from the
 *       profile or {@code spark.executor.cores}, over the task's CPUs), when both are known; with
 *       no maximum, {@code initialExecutors} (or {@code minExecutors}) × that. Spark only asks for
 *       executors for pending tasks, so a call cut into fewer partitions would never grow the
 *       cluster.
 *   <li>Before any executor has registered (and with nothing better known), the default parallelism
 *       over the task's CPUs.
 * </ul>
 */
final class ClusterSlots {
  private ClusterSlots() {}

  static int of(SparkContext sc, ResourceProfile profile) {
    // maxNumConcurrentTasks is Spark's own count (private[spark] in Scala, public to Java): unlike
    // defaultParallelism it honours the task's CPUs and ignores spark.default.parallelism
    int current = sc.maxNumConcurrentTasks(profile);
    SparkConf conf = sc.conf();
    if (sc.executorAllocationManager().isDefined()) {
      long potential = dynamicSlots(conf, profile);
      if (potential > current) {
        return (int) Math.min(Integer.MAX_VALUE, potential);
      }
    }
    if (current > 0) {
      return current;
    }
    return Math.max(1, sc.defaultParallelism() / taskCpus(conf, profile));
  }

  /** The slots dynamic allocation may reach, or 0 when not known. */
  private static long dynamicSlots(SparkConf conf, ResourceProfile profile) {
    int perExecutor = tasksPerExecutor(conf, profile);
    if (perExecutor <= 0) {
      return 0;
    }
    int max = conf.getInt("spark.dynamicAllocation.maxExecutors", Integer.MAX_VALUE);
    if (max < Integer.MAX_VALUE) {
      return (long) max * perExecutor;
    }
    int min = conf.getInt("spark.dynamicAllocation.minExecutors", 0);
    int initial = conf.getInt("spark.dynamicAllocation.initialExecutors", min);
    return (long) Math.max(min, initial) * perExecutor;
  }

  /** Tasks of the profile one executor runs, or 0 when its cores are not known. */
  private static int tasksPerExecutor(SparkConf conf, ResourceProfile profile) {
    try {
      int tasks = profile.maxTasksPerExecutor(conf); // also works out whether cores are known
      return profile.isCoresLimitKnown() ? tasks : 0;
    } catch (RuntimeException unknown) { // a profile Spark cannot size on this conf
      return 0;
    }
  }

  private static int taskCpus(SparkConf conf, ResourceProfile profile) {
    Object cpus = profile.getTaskCpus().getOrElse(() -> conf.getInt("spark.task.cpus", 1));
    return Math.max(1, ((Number) cpus).intValue());
  }
}
