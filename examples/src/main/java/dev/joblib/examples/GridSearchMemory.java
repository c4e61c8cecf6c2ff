package dev.joblib.examples;

import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import dev.joblib.Parallel;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A grid search whose evaluations are cached: the first run evaluates a 3 x 2 grid; the re-run,
 * with two more grid points, loads the six known scores and computes only the two new ones. This is
 * how a long experiment resumes where it stopped.
 *
 * <p>Usage: {@code grid-search [location]}; without a location a temporary directory is used and
 * deleted at the end.
 */
public final class GridSearchMemory {
  private static final AtomicInteger EVALUATED = new AtomicInteger();

  private GridSearchMemory() {}

  /**
   * A point of the grid: a regularisation strength and a kernel width.
   *
   * @param c the regularisation strength
   * @param gamma the kernel width
   */
  public record Point(double c, double gamma) implements Serializable {}

  /**
   * "Trains and validates" a model at a grid point: a smooth synthetic score with its best near c =
   * 1, gamma = 0.1, after 50 ms of work.
   *
   * @param p the grid point
   * @return the validation score, higher is better
   * @throws InterruptedException if interrupted
   */
  static double crossValidate(Point p) throws InterruptedException {
    EVALUATED.incrementAndGet();
    Thread.sleep(50);
    double dc = Math.log10(p.c());
    double dg = Math.log10(p.gamma()) + 1;
    return 0.95 - 0.05 * dc * dc - 0.08 * dg * dg;
  }

  /**
   * Runs the search on the first grid, then again on the grid with two more points.
   *
   * @param args an optional cache location
   * @throws IOException if the temporary directory cannot be created or deleted
   */
  public static void main(String[] args) throws IOException {
    Path location = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("joblib-grid");
    try {
      List<Point> grid = new ArrayList<>();
      for (double c : new double[] {0.1, 1, 10}) {
        for (double gamma : new double[] {0.01, 0.1}) {
          grid.add(new Point(c, gamma));
        }
      }
      search("run 1", location, grid);
      grid.add(new Point(1, 1));
      grid.add(new Point(100, 0.1));
      search("run 2", location, grid);
    } finally {
      if (args.length == 0) {
        CachedParallel.deleteTree(location);
      }
    }
  }

  private static void search(String name, Path location, List<Point> grid) {
    // a fresh Memory each time, as a re-run of the program would have
    MemorizedFn1<Point, Double> score = Memory.at(location).cache(GridSearchMemory::crossValidate);
    int before = EVALUATED.get();
    List<Double> scores = Parallel.create().nJobs(2).backend("threads").map(grid, score);
    int best = 0;
    for (int i = 1; i < scores.size(); i++) {
      if (scores.get(i) > scores.get(best)) {
        best = i;
      }
    }
    System.out.printf(
        "%s: %d grid points, %d computed, best c=%s gamma=%s score=%.3f%n",
        name,
        grid.size(),
        EVALUATED.get() - before,
        grid.get(best).c(),
        grid.get(best).gamma(),
        scores.get(best));
  }
}
