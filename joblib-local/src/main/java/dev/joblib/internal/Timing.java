package dev.joblib.internal;

import java.time.Duration;

/** Durations as joblib prints them. */
public final class Timing {
  private Timing() {}

  /**
   * joblib's {@code short_format_time}: {@code " 42.0s"} below a minute, {@code " 1.2min"} above.
   */
  public static String shortFormat(Duration d) {
    double seconds = d.toNanos() / 1e9;
    if (seconds > 60) {
      return String.format(java.util.Locale.ROOT, "%4.1fmin", seconds / 60);
    }
    return String.format(java.util.Locale.ROOT, "%5.1fs", seconds);
  }
}
