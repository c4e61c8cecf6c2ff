package dev.joblib;

import dev.joblib.internal.ConsoleProgressBar;
import java.io.PrintStream;

/**
 * Receives progress events of a {@link Parallel} call, in the calling thread, each time a batch of
 * tasks completes.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * Called after each completed batch and once more when the call finishes.
   *
   * @param event the progress so far, never null
   */
  void onProgress(ProgressEvent event);

  /**
   * Returns a listener that draws a one-line progress bar on standard error.
   *
   * @return a new listener
   */
  static ProgressListener consoleBar() {
    return new ConsoleProgressBar(System.err);
  }

  /**
   * Returns a listener that draws a one-line progress bar on the given stream.
   *
   * @param out where to draw, never null
   * @return a new listener
   */
  static ProgressListener consoleBar(PrintStream out) {
    return new ConsoleProgressBar(out);
  }
}
