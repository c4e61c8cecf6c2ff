package dev.joblib.spark.internal;

import java.lang.System.Logger.Level;
import org.apache.spark.SparkContext;
import org.apache.spark.resource.ResourceProfile;

/**
 * A backend's resource profile, registered with each {@link SparkContext} it runs on (Spark's
 * stage-level scheduling): {@code rdd.withResources(profile)} then runs every Spark task of the
 * call with the profile's CPUs and GPUs, and {@code sc.maxNumConcurrentTasks(profile)} counts the
 * slots of that profile.
 *
 * <p>Spark accepts task-only profiles on standalone, YARN and Kubernetes clusters (on the default
 * profile's executors when dynamic allocation is off), and any profile there with dynamic
 * allocation on. In local mode it refuses them: the backend logs a warning and runs on the default
 * profile. Elsewhere a refusal fails before any work with Spark's reason.
 */
final class TaskProfile {
  private static final System.Logger LOG = System.getLogger(TaskProfile.class.getName());

  private final ResourceRequest request;
  private ResourceProfile profile;
  private SparkContext registeredWith;
  private ResourceProfile resolved;

  TaskProfile(ResourceRequest request) {
    this.request = request;
  }

  /** Whether the tasks ask for resources of their own (else the default profile serves). */
  boolean asksResources() {
    return !request.isDefault();
  }

  /**
   * The profile the call's Spark tasks run with on {@code sc}: the asked one once registered, or
   * the default profile when nothing was asked or in local mode.
   *
   * @throws IllegalArgumentException if Spark refuses the profile on a cluster
   */
  synchronized ResourceProfile on(SparkContext sc) {
    ResourceProfile standard = sc.resourceProfileManager().defaultResourceProfile();
    if (request.isDefault()) {
      return standard;
    }
    if (registeredWith == sc && resolved != null) {
      return resolved;
    }
    if (profile == null) {
      profile = request.build(sc.conf().getInt("spark.task.cpus", 1));
    }
    try {
      sc.resourceProfileManager().addResourceProfile(profile);
      resolved = profile;
    } catch (Exception refused) { // a SparkException, undeclared by Scala
      if (!sc.isLocal()) {
        throw new IllegalArgumentException(
            "backend 'spark': Spark refused the task resources ("
                + request
                + ") on master "
                + sc.master()
                + ": "
                + refused.getMessage()
                + " (stage-level scheduling needs a standalone, YARN or Kubernetes cluster; with"
                + " dynamic allocation, executors of the profile's own: give a full ResourceProfile"
                + " with executor resources)",
            refused);
      }
      LOG.log(
          Level.WARNING,
          "backend ''spark'': Spark does not run tasks with their own resources in local mode"
              + " (master {0}); {1} is ignored and the tasks use the default profile"
              + " (spark.task.cpus={2})",
          sc.master(),
          request,
          sc.conf().get("spark.task.cpus", "1"));
      resolved = standard;
    }
    registeredWith = sc;
    return resolved;
  }

  @Override
  public String toString() {
    return request.toString();
  }
}
