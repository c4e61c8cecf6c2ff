package dev.joblib.examples;

import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * joblib's {@code Memory(location, verbose=...)}: with {@code verbose(1)} each computation prints
 * joblib's lines to standard error (a rule, {@code [Memory] Calling ...}, the call with its
 * arguments, and its duration); {@code verbose(2)} adds a {@code [Memory] Loading ...} line per
 * hit. Run it twice with the same location: the second run only loads.
 *
 * <pre>{@code
 * >>> memory = Memory(location, verbose=2)
 * >>> squares = memory.cache(squares)
 * >>> squares(np.array([1., 2., 3.]))
 * ________________________________________________________________________________
 * [Memory] Calling __main__--squares...
 * squares(array([1., 2., 3.]))
 * ___________________________________________________________squares - 0.1s, 0.0min
 * }</pre>
 *
 * <p>Usage: {@code memory-verbose [location]}; without a location a temporary directory is used and
 * deleted at the end.
 */
public final class MemoryVerbose {
  private static final AtomicInteger COMPUTED = new AtomicInteger();

  private MemoryVerbose() {}

  /**
   * The squares of some values, slowly (50 ms, standing in for real work).
   *
   * @param values the values
   * @return their squares
   * @throws InterruptedException if interrupted while "computing"
   */
  static double[] squares(double[] values) throws InterruptedException {
    COMPUTED.incrementAndGet();
    Thread.sleep(50);
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i] * values[i];
    }
    return out;
  }

  /**
   * Calls a cached function three times (twice with the same input) at verbose level 2.
   *
   * @param args an optional cache location
   * @throws Exception if the cached function fails or the temporary directory cannot be handled
   */
  public static void main(String[] args) throws Exception {
    Path location = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("joblib-cache");
    try {
      Memory memory = Memory.builder().location(location).verbose(2).build();
      MemorizedFn1<double[], double[]> cached = memory.cache(MemoryVerbose::squares);
      double[][] inputs = {{1, 2, 3}, {1, 2, 3}, {4, 5}};
      for (int i = 0; i < inputs.length; i++) {
        int before = COMPUTED.get();
        double[] result = cached.apply(inputs[i]);
        System.err.flush();
        System.out.println(
            "call "
                + (i + 1)
                + ": squares of "
                + Arrays.toString(inputs[i])
                + " = "
                + Arrays.toString(result)
                + ", computed: "
                + (COMPUTED.get() > before));
      }
    } finally {
      if (args.length == 0) {
        CachedParallel.deleteTree(location);
      }
    }
  }
}
