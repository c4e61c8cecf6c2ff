package dev.joblib.examples;

import static dev.joblib.Joblib.delayed;

import dev.joblib.Parallel;
import dev.joblib.ParallelConfig;
import dev.joblib.TaskContext;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * joblib's embarrassingly parallel for loop, {@code Parallel(n_jobs=-1)(delayed(sqrt)(i ** 2) for i
 * in range(10))}, unchanged except for the backend: {@code --backend spark} (the default) runs it
 * on the Spark cluster spark-submit connects to; {@code --backend threads} on this machine.
 */
public final class ParallelLoop {
  private ParallelLoop() {}

  /**
   * Prints the results in input order, and on which backend and in how many JVMs they ran.
   *
   * @param args {@code --backend ID} (spark), {@code --n N} (10)
   */
  @SuppressWarnings("try") // the scope is used by being open
  public static void main(String[] args) {
    JobArgs options = JobArgs.parse(args, "backend", "n");
    String backend = options.string("backend", "spark");
    int n = (int) options.number("n", 10, 0);
    List<Double> roots;
    List<String> where;
    try (var scope = ParallelConfig.builder().backend(backend).nJobs(-1).open();
        Parallel parallel = Parallel.create()) {
      roots =
          parallel.run(IntStream.range(0, n).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
      where =
          parallel.map(
              IntStream.range(0, n).boxed().collect(Collectors.toList()),
              i -> TaskContext.current().backend() + "@" + ProcessHandle.current().pid());
    }
    System.out.println(roots);
    long jvms = where.stream().map(w -> w.substring(w.indexOf('@'))).distinct().count();
    boolean driverRan =
        where.stream().anyMatch(w -> w.endsWith("@" + ProcessHandle.current().pid()));
    System.out.println(
        "ran on backend "
            + where.stream()
                .map(w -> w.substring(0, w.indexOf('@')))
                .distinct()
                .collect(Collectors.toList())
            + " in "
            + jvms
            + " JVM(s)"
            + (driverRan ? ", including this one" : ", none of them this one"));
  }
}
