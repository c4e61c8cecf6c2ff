package dev.joblib.internal;

import dev.joblib.ProgressEvent;
import dev.joblib.ProgressListener;
import java.io.PrintStream;
import java.util.Objects;

/** A one-line progress bar redrawn with a carriage return, at most ten times a second. */
public final class ConsoleProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintStream out;
  private long lastDraw = Long.MIN_VALUE;

  public ConsoleProgressBar(PrintStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public void onProgress(ProgressEvent event) {
    long now = System.nanoTime();
    if (!event.finished() && lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    out.print('\r' + line(event));
    if (event.finished()) {
      out.println();
    }
    out.flush();
  }

  static String line(ProgressEvent event) {
    String elapsed = Timing.shortFormat(event.elapsed());
    if (event.total().isEmpty()) {
      return String.format("%d tasks done | elapsed: %s", event.done(), elapsed);
    }
    long total = event.total().getAsLong();
    int filled = total == 0 ? WIDTH : (int) (WIDTH * event.done() / total);
    return String.format(
        "[%s%s] %d/%d | elapsed: %s",
        "#".repeat(filled), " ".repeat(WIDTH - filled), event.done(), total, elapsed);
  }
}
