package dev.joblib;

import java.util.List;

/**
 * The main class of the child JVMs of {@link RunawayRecursionTest}: a task that calls {@code
 * Parallel} on itself without end, on the backend named by the argument; prints how it ended.
 */
public final class RunawayChild {
  private RunawayChild() {}

  /** Recurses through a two-job call (threads at the first level of a processes worker). */
  static int deeper(int x) {
    return Parallel.create().nJobs(2).map(List.of(x + 1, x + 2), RunawayChild::deeper).get(0);
  }

  /** Recurses through a call with the default settings: one job, sequential. */
  static int deeperAlone(int x) {
    return Parallel.create().map(List.of(x + 1), RunawayChild::deeperAlone).get(0);
  }

  public static void main(String[] args) {
    long start = System.nanoTime();
    try {
      switch (args[0]) {
        case "sequential" ->
            Parallel.create().backend("sequential").map(List.of(0), RunawayChild::deeperAlone);
        case "threads" ->
            Parallel.create().backend("threads").nJobs(2).map(List.of(0, 1), RunawayChild::deeper);
        case "processes" ->
            Parallel.create()
                .backend("processes")
                .nJobs(2)
                .option("xmx", "256m")
                .map(List.of(0, 1), RunawayChild::deeper);
        default -> throw new IllegalArgumentException(args[0]);
      }
      System.out.println("ended without a failure");
    } catch (Throwable t) {
      long millis = (System.nanoTime() - start) / 1_000_000;
      int causes = 0;
      long messageChars = 0;
      long frames = 0;
      for (Throwable c = t; c != null && causes < 10_000; c = c.getCause()) {
        causes++;
        String message = String.valueOf(c.getMessage());
        messageChars += message.length();
        frames += c.getStackTrace().length;
        if (causes <= 4) {
          System.out.println(
              "cause "
                  + causes
                  + ": "
                  + c.getClass().getName()
                  + ": "
                  + message.substring(0, Math.min(message.length(), 300)));
        }
      }
      System.out.println(
          "failed after "
              + millis
              + " ms; causes "
              + causes
              + "; message chars "
              + messageChars
              + "; frames "
              + frames);
    }
    System.out.flush();
    System.exit(0);
  }
}
