package dev.joblib.spark.internal;

import java.util.Objects;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;

/**
 * What each Spark task of a call asks for: CPUs and GPUs per task, or a full {@link
 * ResourceProfile}; nothing asked means Spark's default profile ({@code spark.task.cpus}, {@code
 * spark.task.resource.*}). Immutable; each {@code with} checks its value before any work.
 *
 * @param cpusPerTask CPUs per task, 0 when not asked
 * @param gpusPerTask GPUs per task (a fraction below 1 shares a GPU), 0 when not asked
 * @param profile a full profile given by the user, or null
 */
public record ResourceRequest(int cpusPerTask, double gpusPerTask, ResourceProfile profile) {
  /** Nothing asked: the default profile. */
  public static final ResourceRequest DEFAULT = new ResourceRequest(0, 0, null);

  /** The option and method name for CPUs per task. */
  public static final String CPUS = "cpusPerTask";

  /** The option and method name for GPUs per task. */
  public static final String GPUS = "gpusPerTask";

  /** The Spark resource name of a GPU ({@code spark.task.resource.gpu.amount}). */
  public static final String GPU = "gpu";

  /**
   * Asks for {@code cpus} CPUs per task.
   *
   * @param cpus at least 1
   * @return the new request
   * @throws IllegalArgumentException if {@code cpus} is below 1, or a full profile was given
   */
  public ResourceRequest withCpusPerTask(int cpus) {
    if (cpus < 1) {
      throw new IllegalArgumentException(
          "backend 'spark': "
              + CPUS
              + " must be at least 1 (CPUs each Spark task gets), got "
              + cpus);
    }
    requireNoProfile(CPUS);
    return new ResourceRequest(cpus, gpusPerTask, null);
  }

  /**
   * Asks for {@code gpus} GPUs per task.
   *
   * @param gpus a whole number of at least 1, or a fraction in (0, 1) to share a GPU between tasks
   * @return the new request
   * @throws IllegalArgumentException if {@code gpus} is not positive, not finite, or a fraction
   *     above 1, or a full profile was given
   */
  public ResourceRequest withGpusPerTask(double gpus) {
    if (!(gpus > 0) || Double.isInfinite(gpus) || (gpus > 1 && gpus != Math.rint(gpus))) {
      throw new IllegalArgumentException(
          "backend 'spark': "
              + GPUS
              + " must be a whole number of at least 1, or a fraction between 0 and 1 to share a"
              + " GPU, got "
              + gpus);
    }
    requireNoProfile(GPUS);
    return new ResourceRequest(cpusPerTask, gpus, null);
  }

  /**
   * Uses a full profile (executor and task resources) for every task.
   *
   * @param fullProfile the profile
   * @return the new request
   * @throws NullPointerException if {@code fullProfile} is null
   * @throws IllegalArgumentException if CPUs or GPUs per task were asked already
   */
  public ResourceRequest withProfile(ResourceProfile fullProfile) {
    Objects.requireNonNull(fullProfile, "resourceProfile");
    if (cpusPerTask > 0 || gpusPerTask > 0) {
      throw new IllegalArgumentException(
          "backend 'spark': give either a ResourceProfile or "
              + CPUS
              + "/"
              + GPUS
              + ", not both (put the task resources in the profile)");
    }
    return new ResourceRequest(0, 0, fullProfile);
  }

  private void requireNoProfile(String name) {
    if (profile != null) {
      throw new IllegalArgumentException(
          "backend 'spark': "
              + name
              + " cannot be combined with a full ResourceProfile (put the task resources in the"
              + " profile)");
    }
  }

  /**
   * Whether nothing was asked (Spark's default profile serves).
   *
   * @return true for the default
   */
  public boolean isDefault() {
    return profile == null && cpusPerTask == 0 && gpusPerTask == 0;
  }

  /**
   * The profile to run the tasks with: the full one given, or a task-only profile (Spark's {@code
   * TaskResourceProfile}, which runs on the executors of the default profile) for CPUs and GPUs per
   * task. Each call builds a new profile (with a new id): build once per backend.
   *
   * @return the profile; never the default one
   * @throws IllegalStateException if nothing was asked
   */
  public ResourceProfile build(int defaultCpus) {
    if (profile != null) {
      return profile;
    }
    if (isDefault()) {
      throw new IllegalStateException("no task resources asked: the default profile serves");
    }
    TaskResourceRequests task = new TaskResourceRequests();
    task.cpus(cpusPerTask > 0 ? cpusPerTask : Math.max(1, defaultCpus));
    if (gpusPerTask > 0) {
      task.resource(GPU, gpusPerTask);
    }
    return new ResourceProfileBuilder().require(task).build();
  }

  @Override
  public String toString() {
    if (profile != null) {
      return "resourceProfile=" + profile;
    }
    return (cpusPerTask > 0 ? CPUS + "=" + cpusPerTask : "")
        + (cpusPerTask > 0 && gpusPerTask > 0 ? ", " : "")
        + (gpusPerTask > 0 ? GPUS + "=" + gpusPerTask : "");
  }
}
