package dev.joblib.examples;

import dev.joblib.Parallel;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * joblib's {@code with Parallel(...) as parallel:} example: one instance in try-with-resources
 * serves several calls on the same workers, here an iterative computation whose next step depends
 * on the previous results.
 */
public final class ReuseWorkers {
  private ReuseWorkers() {}

  /**
   * Runs five dependent rounds on one pool and prints how many worker threads they used, and
   * whether all of them came from the same pool (thread names are {@code
   * joblib-threads-<pool>-<n>}).
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Set<String> allWorkers = new TreeSet<>();
    try (Parallel parallel = Parallel.create().nJobs(2).batchSize(1)) {
      List<Double> values =
          IntStream.range(0, 8).mapToObj(i -> (double) i).collect(Collectors.toList());
      for (int round = 1; round <= 5; round++) {
        List<String> threads = parallel.map(values, x -> Thread.currentThread().getName());
        values = parallel.map(values, x -> Math.sqrt(x + 1));
        allWorkers.addAll(threads);
        System.out.printf(
            "round %d: mean %.4f%n",
            round, values.stream().mapToDouble(x -> x).average().orElse(0));
      }
    }
    Set<String> pools =
        allWorkers.stream()
            .map(name -> name.substring(0, name.lastIndexOf('-')))
            .collect(Collectors.toSet());
    System.out.println("worker threads used over all rounds: " + allWorkers.size());
    System.out.println("all rounds ran on one pool: " + (pools.size() == 1));
  }
}
