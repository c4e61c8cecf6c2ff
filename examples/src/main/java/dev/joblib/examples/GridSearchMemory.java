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

/**
 * A grid search whose evaluations are cached: the first run evaluates a 3 x 2 grid; the re-run,
 * with two more grid points, loads the six known scores and computes only the two new ones. This is
 * how a long experiment resumes where it stopped.
 *
 * <p>Usage: {@code grid-search [--location PATH_OR_URI] [--backend ID]}. Without a location a
 * temporary directory is used and deleted at the end; with {@code --location s3://bucket/cache} or
 * {@code hdfs://namenode/cache} and {@code --backend spark} the cache is shared by every executor
 * of a cluster, so re-runs (and other jobs) never compute a point twice. "computed" counts the
 * points that were not in the cache before the run.
 */
public final class GridSearchMemory {
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
    Thread.sleep(50);
    double dc = Math.log10(p.c());
    double dg = Math.log10(p.gamma()) + 1;
    return 0.95 - 0.05 * dc * dc - 0.08 * dg * dg;
  }

  /**
   * Runs the search on the first grid, then again on the grid with two more points.
   *
   * @param args {@code --location} (a temporary directory), {@code --backend} (threads)
   * @throws IOException if the temporary directory cannot be created or deleted
   */
  public static void main(String[] args) throws IOException {
    JobArgs options = JobArgs.parse(args, "location", "backend");
    String backend = options.string("backend", "threads");
    Path temporary = null;
    String location = options.string("location", "");
    if (location.isEmpty()) {
      temporary = Files.createTempDirectory("joblib-grid");
      location = temporary.toString();
    }
    try {
      List<Point> grid = new ArrayList<>();
      for (double c : new double[] {0.1, 1, 10}) {
        for (double gamma : new double[] {0.01, 0.1}) {
          grid.add(new Point(c, gamma));
        }
      }
      search("run 1", location, backend, grid);
      grid.add(new Point(1, 1));
      grid.add(new Point(100, 0.1));
      search("run 2", location, backend, grid);
    } finally {
      if (temporary != null) {
        CachedParallel.deleteTree(temporary);
      }
    }
  }

  private static void search(String name, String location, String backend, List<Point> grid) {
    // a fresh Memory each time, as a re-run of the program would have
    MemorizedFn1<Point, Double> score = Memory.at(location).cache(GridSearchMemory::crossValidate);
    long computed = grid.stream().filter(p -> !score.isCached(p)).count();
    Parallel parallel = Parallel.create().backend(backend);
    List<Double> scores =
        (backend.equals("threads") ? parallel.nJobs(2) : parallel).map(grid, score);
    int best = 0;
    for (int i = 1; i < scores.size(); i++) {
      if (scores.get(i) > scores.get(best)) {
        best = i;
      }
    }
    System.out.printf(
        "%s: %d grid points, %d computed, best c=%s gamma=%s score=%.3f%n",
        name, grid.size(), computed, grid.get(best).c(), grid.get(best).gamma(), scores.get(best));
  }
}
