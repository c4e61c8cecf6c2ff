package dev.joblib.beam.examples;

import dev.joblib.Parallel;
import dev.joblib.TaskContext;
import dev.joblib.beam.BeamBackend;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * An example job on the beam backend: estimates pi from 32 seeded Monte Carlo tasks. Runner options
 * come from the command line, for instance {@code --runner=DirectRunner} or {@code
 * --runner=FlinkRunner --flinkMaster=[local] --parallelism=2}; add {@code --tempLocation=<dir>} to
 * choose where results are staged.
 */
public final class MonteCarloPi {
  private static final int TASKS = 32;
  private static final int SAMPLES = 200_000;

  private MonteCarloPi() {}

  /**
   * Runs the job and prints the estimate.
   *
   * @param args Beam pipeline options
   */
  public static void main(String[] args) {
    System.out.println("pi ~ " + estimate(args));
  }

  /** The mean of the tasks' estimates; the same for every runner, since tasks are seeded. */
  static double estimate(String... args) {
    List<Integer> tasks = IntStream.range(0, TASKS).boxed().collect(Collectors.toList());
    try (BeamBackend beam = BeamBackend.of(args)) {
      List<Double> estimates =
          Parallel.create().backend(beam).seed(2026).map(tasks, i -> sample(SAMPLES));
      return estimates.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
  }

  /** One task: the share of random points of the unit square inside the quarter circle, times 4. */
  static double sample(int samples) {
    SplittableRandom random = TaskContext.current().random();
    int inside = 0;
    for (int i = 0; i < samples; i++) {
      double x = random.nextDouble();
      double y = random.nextDouble();
      if (x * x + y * y <= 1) {
        inside++;
      }
    }
    return 4.0 * inside / samples;
  }
}
