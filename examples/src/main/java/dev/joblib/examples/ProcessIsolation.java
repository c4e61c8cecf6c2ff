package dev.joblib.examples;

import dev.joblib.Joblib;
import dev.joblib.Parallel;
import java.util.ArrayList;
import java.util.List;

/**
 * What a task may change: on {@code threads} a task gets the caller's very objects, so a task that
 * mutates its argument changes the caller's copy; on {@code processes} it gets a copy in another
 * JVM (small values serialized, arrays larger than {@code maxNbytes} memory-mapped), so the
 * caller's objects stay as they were and results must come back as return values. This is joblib's
 * lesson about loky's process isolation versus {@code require="sharedmem"}.
 */
public final class ProcessIsolation {
  private static final double[] BIG_TEMPLATE = new double[300_000]; // 2.4 MB > maxNbytes (1 MiB)

  private ProcessIsolation() {}

  /**
   * Runs one mutating task on threads, then on processes, and prints what the caller sees.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    for (String backend : List.of("threads", "processes")) {
      List<String> names = new ArrayList<>(List.of("a", "b"));
      double[] big = BIG_TEMPLATE.clone();
      List<String> seen =
          Parallel.create()
              .nJobs(2)
              .backend(backend)
              .run(List.of(Joblib.delayed(ProcessIsolation::mutate, names, big)));
      String task = seen.get(0);
      if (backend.equals("threads")) {
        System.out.println(
            "threads: the task saw "
                + task
                + "; the caller now has "
                + names
                + ", big[0] = "
                + big[0]);
      } else {
        System.out.println(
            "processes: the task saw "
                + task
                + "; the caller still has "
                + names
                + ", big[0] = "
                + big[0]);
        System.out.println("processes: what a task returns comes back: " + task);
      }
    }
  }

  /** Changes both its arguments in place and returns the list as it saw it. */
  static String mutate(List<String> names, double[] big) {
    names.add("added by the task");
    big[0] = 42.0;
    return names.toString();
  }
}
