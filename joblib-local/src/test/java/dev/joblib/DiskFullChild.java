package dev.joblib;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.Level;

/**
 * Runs in a child JVM whose disk is full (a file-size limit, or a full tmpfs): a dump over an older
 * one, a dump to a new path, and Memory computing a value too big to store, next to entries cached
 * earlier. Prints one line per outcome for {@link DiskFullTest} to check.
 *
 * <p>Arguments: the older dump, a new dump path, the cache, the call log, the number of doubles.
 */
final class DiskFullChild {
  private DiskFullChild() {}

  public static void main(String[] args) throws Exception {
    Path older = Path.of(args[0]);
    Path fresh = Path.of(args[1]);
    Path cache = Path.of(args[2]);
    String log = args[3];
    int doubles = Integer.parseInt(args[4]);
    double[] big = MemoFunctions.ramp(doubles);

    for (Path target : new Path[] {older, fresh}) {
      try {
        Joblib.dump(big, target);
        System.out.println("dump " + target + " succeeded");
      } catch (PersistenceException e) {
        System.out.println(
            "dump " + target + " failed " + e.reason() + " path=" + e.path().orElse(null));
        System.out.println("message " + e.getMessage());
      }
    }

    try (LogCapture logs = new LogCapture()) {
      MemorizedFn1<Integer, double[]> ramp = Memory.at(cache).cache(MemoFunctions.ramp(log));
      double[] value = ramp.apply(doubles);
      System.out.println("memory value " + (Arrays.equals(value, big) ? "right" : "WRONG"));
      MemorizedFn1<Integer, Integer> square = Memory.at(cache).cache(MemoFunctions.square(log));
      System.out.println("memory square 2 = " + square.apply(2));
      for (String warning : logs.messages(Level.WARNING)) {
        System.out.println("warning " + warning.replace('\n', ' '));
      }
    }
    System.out.flush();
  }
}
