package dev.joblib.examples;

import dev.joblib.Joblib;
import dev.joblib.Parallel;
import dev.joblib.ParallelConfig;
import dev.joblib.Prefer;
import dev.joblib.Require;
import dev.joblib.TaskContext;
import java.util.List;
import java.util.TreeSet;

/**
 * joblib's {@code cpu_count}, {@code n_jobs=-1} and {@code prefer}: how many CPUs this JVM may use,
 * what negative {@code nJobs} mean, and which backend a call lands on. {@code prefer} is a soft
 * hint used only when no backend is named, on the {@code Parallel} or by a scope; {@code
 * require(SHAREDMEM)} is a hard constraint that always runs on threads.
 */
public final class PreferAndCpuCount {
  private PreferAndCpuCount() {}

  /**
   * Prints the CPU counts and the backend each configuration ran on.
   *
   * @param args ignored
   */
  @SuppressWarnings("try") // the scopes are used by being open
  public static void main(String[] args) {
    int cpus = Joblib.cpuCount();
    System.out.println(
        "cpuCount() = " + cpus + ", cpuCount(true) = " + Joblib.cpuCount(true) + " physical cores");
    System.out.println("effectiveNJobs(-1) == cpuCount(): " + (Joblib.effectiveNJobs(-1) == cpus));
    System.out.println(
        "effectiveNJobs(-2) == max(cpuCount() - 1, 1): "
            + (Joblib.effectiveNJobs(-2) == Math.max(cpus - 1, 1)));

    Parallel two = Parallel.create().nJobs(2);
    report("no hint", two);
    report("prefer(THREADS)", two.prefer(Prefer.THREADS));
    report("prefer(PROCESSES)", two.prefer(Prefer.PROCESSES));
    try (var scope = ParallelConfig.use("threads")) {
      report(
          "prefer(PROCESSES) in a ParallelConfig.use(\"threads\") scope",
          two.prefer(Prefer.PROCESSES));
    }
    try (var scope = ParallelConfig.use("processes")) {
      report(
          "require(SHAREDMEM) in a ParallelConfig.use(\"processes\") scope",
          two.require(Require.SHAREDMEM));
    }
  }

  private static void report(String what, Parallel parallel) {
    List<String> backends = parallel.map(List.of(0, 1, 2, 3), i -> TaskContext.current().backend());
    System.out.println(what + ": tasks ran on " + String.join(", ", new TreeSet<>(backends)));
  }
}
