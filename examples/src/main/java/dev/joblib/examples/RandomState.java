package dev.joblib.examples;

import dev.joblib.Parallel;
import dev.joblib.TaskContext;
import dev.joblib.UnknownBackendException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * joblib's random-state example, with the problem it warns about solved: each task draws from its
 * own generator, derived from the call's seed and the task's index, so a seeded call gives the same
 * numbers on every backend and for any number of workers, and no two tasks share a stream.
 */
public final class RandomState {
  private RandomState() {}

  /**
   * Prints seeded draws per backend and whether they are all identical.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    List<Integer> tasks = IntStream.range(0, 5).boxed().collect(Collectors.toList());
    List<List<Double>> all = new ArrayList<>();
    for (String backend : List.of("sequential", "threads", "processes")) {
      for (int nJobs : new int[] {1, 2}) {
        try {
          List<Double> draws =
              Parallel.create()
                  .backend(backend)
                  .nJobs(nJobs)
                  .seed(2026)
                  .map(tasks, i -> round(TaskContext.current().random().nextDouble()));
          System.out.println(backend + " nJobs=" + nJobs + ": " + draws);
          all.add(draws);
        } catch (UnknownBackendException e) {
          System.out.println(backend + ": not on the class path, skipped");
          break;
        }
      }
    }
    System.out.println("identical across backends: " + (all.stream().distinct().count() == 1));
    List<Double> unseeded =
        Parallel.create()
            .nJobs(2)
            .map(tasks, i -> round(TaskContext.current().random().nextDouble()));
    System.out.println(
        "unseeded draws are distinct per task: " + (unseeded.stream().distinct().count() == 5));
  }

  private static double round(double x) {
    return Math.round(x * 1e6) / 1e6;
  }
}
