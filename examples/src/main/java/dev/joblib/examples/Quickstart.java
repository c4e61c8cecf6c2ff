package dev.joblib.examples;

import static dev.joblib.Joblib.delayed;

import dev.joblib.Parallel;
import java.util.List;
import java.util.stream.IntStream;

/**
 * joblib's first example: the square roots of the squares of 0..9, on two workers.
 *
 * <pre>{@code
 * >>> from math import sqrt
 * >>> from joblib import Parallel, delayed
 * >>> Parallel(n_jobs=2)(delayed(sqrt)(i ** 2) for i in range(10))
 * [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
 * }</pre>
 */
public final class Quickstart {
  private Quickstart() {}

  /**
   * Prints the results, in input order.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    List<Double> roots =
        Parallel.create()
            .nJobs(2)
            .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
    System.out.println(roots);
  }
}
