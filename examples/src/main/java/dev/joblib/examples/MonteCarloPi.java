package dev.joblib.examples;

import dev.joblib.Parallel;
import dev.joblib.ParallelConfig;
import dev.joblib.TaskContext;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * Estimates pi by throwing random points at the unit square, in chunks run in parallel: on a Spark
 * cluster with {@code --backend spark} (the default; under spark-submit the session comes from its
 * flags, otherwise {@code local[*]}), or on {@code threads} on this machine.
 *
 * <pre>
 * spark-submit --master spark://host:7077 --class dev.joblib.examples.MonteCarloPi \
 *     joblib-examples.jar --samples 200000000 --tasks 64
 * </pre>
 *
 * <p>Each chunk draws from its task's seeded stream ({@link TaskContext#random()}), so the estimate
 * is the same on every backend and for any number of workers.
 */
public final class MonteCarloPi {
  private MonteCarloPi() {}

  /**
   * Prints the estimate.
   *
   * @param args {@code --backend ID} (spark), {@code --remote sc://host:port} (a Spark Connect
   *     server instead of the local or spark-submit session), {@code --samples N} (20,000,000),
   *     {@code --tasks N} (32), {@code --seed N} (2026)
   */
  @SuppressWarnings("try") // the scope is used by being open
  public static void main(String[] args) {
    JobArgs options = JobArgs.parse(args, "backend", "samples", "tasks", "seed");
    String backend = options.string("backend", "spark");
    long samples = options.number("samples", 20_000_000, 1);
    int tasks = (int) options.number("tasks", 32, 1);
    long seed = options.number("seed", 2026, Long.MIN_VALUE);
    List<Long> chunks =
        LongStream.range(0, tasks)
            .mapToObj(i -> samples / tasks + (i < samples % tasks ? 1 : 0))
            .collect(Collectors.toList());
    long start = System.nanoTime();
    long inside;
    try (var scope = ParallelConfig.builder().backend(backend).nJobs(-1).open();
        Parallel parallel = Parallel.create().seed(seed)) {
      inside = parallel.map(chunks, MonteCarloPi::countInside).stream().mapToLong(x -> x).sum();
    }
    double pi = 4.0 * inside / samples;
    System.out.printf(
        "pi is roughly %.6f (%d samples in %d tasks on %s, %d ms)%n",
        pi, samples, tasks, backend, (System.nanoTime() - start) / 1_000_000);
  }

  /** How many of {@code n} random points of the unit square fall inside the quarter circle. */
  static long countInside(long n) {
    SplittableRandom random = TaskContext.current().random();
    long inside = 0;
    for (long i = 0; i < n; i++) {
      double x = random.nextDouble();
      double y = random.nextDouble();
      if (x * x + y * y <= 1) {
        inside++;
      }
    }
    return inside;
  }
}
