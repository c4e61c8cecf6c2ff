package dev.joblib.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/** Timing helpers: warm-up runs, then the median of measured runs. */
final class Measure {
  private Measure() {}

  /** Something to time; returns a value so that the JIT cannot drop the work. */
  @FunctionalInterface
  interface Work {
    Object run() throws Exception;
  }

  static volatile Object sink;

  /** The median wall time of {@code runs} runs after {@code warmups} runs, in seconds. */
  static double medianSeconds(int warmups, int runs, Work work) throws Exception {
    for (int i = 0; i < warmups; i++) {
      sink = work.run();
    }
    double[] seconds = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      sink = work.run();
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(seconds);
    return seconds[runs / 2];
  }

  /**
   * The median wall times of several works measured in turns (warm-ups of each, then round after
   * round of one run of each), so that a machine shared with other work slows all of them alike.
   *
   * @return each work's median, in the order given
   */
  static double[] interleavedMedians(int warmups, int rounds, Work... works) throws Exception {
    double[][] seconds = new double[works.length][rounds];
    for (int i = 0; i < warmups; i++) {
      for (Work work : works) {
        sink = work.run();
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (int w = 0; w < works.length; w++) {
        long start = System.nanoTime();
        sink = works[w].run();
        seconds[w][r] = (System.nanoTime() - start) / 1e9;
      }
    }
    double[] medians = new double[works.length];
    for (int w = 0; w < works.length; w++) {
      Arrays.sort(seconds[w]);
      medians[w] = seconds[w][rounds / 2];
    }
    return medians;
  }

  /** Prints one report line. */
  static void print(String name, double value, String unit) {
    System.out.println(String.format(Locale.ROOT, "%s %.4g %s", name, value, unit));
  }
}
