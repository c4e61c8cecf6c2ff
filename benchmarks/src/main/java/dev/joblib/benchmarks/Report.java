package dev.joblib.benchmarks;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark report: runs the named suites (all by default) and prints one {@code name value
 * unit} line per measurement. Suites whose backend is not on the class path are skipped with a line
 * saying so.
 */
public final class Report {
  private static final Map<String, String> SUITES = new LinkedHashMap<>();

  static {
    SUITES.put("threads", "dev.joblib.benchmarks.ThreadsBenchmark");
    SUITES.put("persistence", "dev.joblib.benchmarks.PersistenceBenchmark");
    SUITES.put("processes", "dev.joblib.benchmarks.ProcessesBenchmark");
    SUITES.put("memory", "dev.joblib.benchmarks.MemoryBenchmark");
    SUITES.put("spark", "dev.joblib.benchmarks.SparkBenchmark");
    SUITES.put("beam", "dev.joblib.benchmarks.BeamBenchmark");
  }

  private Report() {}

  /**
   * Runs the suites.
   *
   * @param args suite names; none for all
   * @throws Exception if a suite fails
   */
  public static void main(String[] args) throws Exception {
    List<String> names = args.length == 0 ? new ArrayList<>(SUITES.keySet()) : Arrays.asList(args);
    for (String name : names) {
      String className = SUITES.get(name);
      if (className == null) {
        throw new IllegalArgumentException(
            "unknown benchmark suite '" + name + "'; suites: " + SUITES.keySet());
      }
      Class<?> suite;
      try {
        suite = Class.forName(className);
      } catch (ClassNotFoundException e) {
        System.out.println("# " + name + ": not built into this jar, skipped");
        continue;
      }
      System.out.println("# " + name);
      Method main = suite.getMethod("main", String[].class);
      main.invoke(null, (Object) new String[0]);
    }
  }
}
