package dev.joblib.examples;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs an example job by name: {@code java -jar joblib-examples.jar <job> [args...]}. Without a
 * name it lists the jobs.
 */
public final class Examples {
  /** An example job's entry point. */
  @FunctionalInterface
  interface Job {
    void run(String[] args) throws Exception;
  }

  private static final Map<String, Job> JOBS = new LinkedHashMap<>();

  static {
    JOBS.put("quickstart", Quickstart::main);
    JOBS.put("shared-memory", SharedMemory::main);
    JOBS.put("random-state", RandomState::main);
    JOBS.put("reuse", ReuseWorkers::main);
    JOBS.put("pi", MonteCarloPi::main);
    JOBS.put("parallel-loop", ParallelLoop::main);
    JOBS.put("threads-vs-processes", ThreadsVsProcesses::main);
    JOBS.put("cached-parallel", CachedParallel::main);
    JOBS.put("grid-search", GridSearchMemory::main);
    JOBS.put("process-isolation", ProcessIsolation::main);
    JOBS.put("dump-load", DumpLoad::main);
    JOBS.put("prefer", PreferAndCpuCount::main);
    JOBS.put("memory-verbose", MemoryVerbose::main);
    JOBS.put("features", Features::main);
  }

  private Examples() {}

  /**
   * Runs the job named by the first argument with the remaining arguments.
   *
   * @param args the job's name, then its arguments
   * @throws Exception whatever the job throws
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !JOBS.containsKey(args[0])) {
      if (args.length > 0) {
        System.err.println("Unknown example job '" + args[0] + "'.");
      }
      System.err.println(
          "Usage: java -jar joblib-examples.jar <job> [args...]; jobs: " + JOBS.keySet());
      if (args.length > 0) {
        System.exit(2);
      }
      return;
    }
    JOBS.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
  }
}
