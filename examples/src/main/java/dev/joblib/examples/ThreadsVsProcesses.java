package dev.joblib.examples;

import dev.joblib.Parallel;
import dev.joblib.TaskContext;
import dev.joblib.TaskFailedException;
import dev.joblib.WorkerDiedException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Threads or processes? The same CPU-bound Metropolis sampler (joblib tutorial's {@code run_mcmc})
 * on both backends gives the same seeded estimates; then a task that kills its JVM shows what
 * processes buy: the worker dies, the call fails with the task's index, and the caller carries on.
 */
public final class ThreadsVsProcesses {
  private static final int CHAINS = 8;
  private static final int STEPS = 2_000_000;

  private ThreadsVsProcesses() {}

  /**
   * Runs the comparison and the crash demo.
   *
   * @param args optional: the number of steps per chain
   */
  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : STEPS;
    List<Integer> chains = IntStream.range(0, CHAINS).boxed().collect(Collectors.toList());

    long start = System.nanoTime();
    List<Double> onThreads = Parallel.create().nJobs(2).seed(2024).map(chains, c -> runMcmc(steps));
    double threadsSeconds = (System.nanoTime() - start) / 1e9;

    List<Double> onProcesses;
    try (Parallel processes = Parallel.create().nJobs(2).backend("processes").seed(2024)) {
      start = System.nanoTime();
      onProcesses = processes.map(chains, c -> runMcmc(steps));
      double processesSeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "run_mcmc, %d chains of %d steps: threads %.2f s, processes %.2f s (incl. worker start)%n",
          CHAINS, steps, threadsSeconds, processesSeconds);
      System.out.printf(
          "mean of the chain means: %.4f (target 0)%n",
          onProcesses.stream().mapToDouble(x -> x).average().orElse(Double.NaN));
      System.out.println("same estimates on both backends: " + onThreads.equals(onProcesses));

      try {
        processes.map(
            chains,
            c -> {
              if (c == 3) {
                Runtime.getRuntime().halt(66); // stands in for a crash in native code
              }
              return c;
            });
        System.out.println("the crash went unnoticed (unexpected)");
      } catch (TaskFailedException e) {
        WorkerDiedException died = (WorkerDiedException) e.getCause();
        System.out.println(
            "processes: task "
                + e.taskIndex()
                + " killed its worker (exit code "
                + died.exitCode()
                + "); the caller lives on");
      }
      List<Integer> after = processes.map(chains, c -> c * c);
      System.out.println("the next call on the same pool works: " + after);
    }
    System.out.println("on threads the same task would have ended this JVM");
  }

  /** A Metropolis random walk over the standard normal density; returns the chain's mean. */
  static double runMcmc(int steps) {
    SplittableRandom random = TaskContext.current().random();
    double x = 0;
    double logP = -0.5 * x * x;
    double sum = 0;
    for (int i = 0; i < steps; i++) {
      double proposal = x + (random.nextDouble() - 0.5);
      double logProposal = -0.5 * proposal * proposal;
      if (Math.log(random.nextDouble()) < logProposal - logP) {
        x = proposal;
        logP = logProposal;
      }
      sum += x;
    }
    return sum / steps;
  }
}
