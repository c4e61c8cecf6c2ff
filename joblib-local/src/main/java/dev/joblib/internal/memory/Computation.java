package dev.joblib.internal.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** Runs a cached function after a miss: timed, and with joblib's verbose lines around it. */
final class Computation {
  private final MemorySettings settings;
  private final FunctionIdentity identity;

  /**
   * A computed value.
   *
   * @param value the function's result, may be null
   * @param time when the call finished
   * @param duration how long it took
   */
  record Computed(Object value, Instant time, Duration duration) {}

  Computation(MemorySettings settings, FunctionIdentity identity) {
    this.settings = settings;
    this.identity = identity;
  }

  /** Runs the function; prints the call before and its duration after when verbose. */
  Computed run(Object[] args, Callable<Object> compute) throws Exception {
    if (settings.verbose() > 0) {
      CallText.out().println("_".repeat(80));
      CallText.out().println("[Memory] Calling " + identity.functionId().replace('/', '.') + "...");
      CallText.out().println(CallText.call(identity, args));
    }
    long start = System.nanoTime();
    Object value = compute.call();
    Duration duration = Duration.ofNanos(System.nanoTime() - start);
    Instant time = Instant.now();
    if (settings.verbose() > 0) {
      double seconds = duration.toNanos() / 1e9;
      String tail =
          String.format("%s - %.1fs, %.1fmin", identity.displayName(), seconds, seconds / 60.0);
      CallText.out().println("_".repeat(Math.max(0, 80 - tail.length())) + tail);
    }
    return new Computed(value, time, duration);
  }
}
