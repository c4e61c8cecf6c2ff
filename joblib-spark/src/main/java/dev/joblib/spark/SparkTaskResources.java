package dev.joblib.spark;

import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * What the Spark task running the current joblib task was granted: its CPUs and the addresses of
 * its GPUs (or other resources), as Spark assigned them for {@code SparkBackend.gpusPerTask}, a
 * resource profile, or {@code spark.task.resource.*}.
 *
 * <pre>{@code
 * Parallel.create().backend(SparkBackend.of(spark).gpusPerTask(1)).map(shards, shard -> {
 *   String gpu = SparkTaskResources.addresses("gpu").get(0);   // such as "0"
 *   return train(shard, gpu);
 * });
 * }</pre>
 *
 * <p>Spark binds its task context to the thread running the Spark task: call these from the task
 * itself, not from the threads of a {@code Parallel} call made inside it (read the addresses first
 * and pass them on).
 *
 * @since 0.1
 */
public final class SparkTaskResources {
  private SparkTaskResources() {}

  /**
   * Returns the addresses of a resource granted to the current Spark task.
   *
   * @param name the resource name, such as {@code "gpu"}
   * @return the addresses, such as {@code ["0"]}; empty when the task was granted none
   * @throws IllegalStateException outside a Spark task (on the driver, or on another backend)
   */
  public static List<String> addresses(String name) {
    ResourceInformation info = current().resourcesJMap().get(name);
    return info == null ? List.of() : List.of(info.addresses());
  }

  /**
   * Returns the CPUs granted to the current Spark task.
   *
   * @return at least 1
   * @throws IllegalStateException outside a Spark task (on the driver, or on another backend)
   */
  public static int cpus() {
    return current().cpus();
  }

  private static TaskContext current() {
    TaskContext task = TaskContext.get();
    if (task == null) {
      throw new IllegalStateException(
          "no Spark task runs on this thread: SparkTaskResources answers inside a task of the"
              + " 'spark' backend (on the executor's task thread)");
    }
    return task;
  }
}
