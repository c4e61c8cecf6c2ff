package dev.joblib.internal.parallel;

import dev.joblib.internal.Timing;
import java.io.PrintStream;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Prints joblib's progress lines: {@code [Parallel(n_jobs=2)]: Done 10 out of 100 | elapsed: ...}.
 */
final class VerboseReporter {
  private final int verbose;
  private final int nJobs;
  private final OptionalLong total;
  private final int width;
  private long batchesDone;

  VerboseReporter(int verbose, int nJobs, OptionalLong total) {
    this.verbose = verbose;
    this.nJobs = nJobs;
    this.total = total;
    this.width = total.isPresent() ? String.valueOf(Math.max(total.getAsLong(), 1)).length() : 3;
  }

  void started(String backendId) {
    if (verbose > 0) {
      print("Using backend " + backendId + " with " + nJobs + " concurrent workers.");
    }
  }

  void batchDone(long tasksDone, Duration elapsed) {
    batchesDone++;
    if (verbose == 0 || !shouldPrint(batchesDone - 1)) {
      return;
    }
    print(done(tasksDone) + " | elapsed: " + Timing.shortFormat(elapsed).strip());
  }

  void finished(long tasksDone, Duration elapsed) {
    if (verbose > 0) {
      print(done(tasksDone) + " | elapsed: " + Timing.shortFormat(elapsed).strip() + " finished");
    }
  }

  private String done(long tasksDone) {
    if (total.isPresent()) {
      return String.format(
          "Done %" + width + "d out of %" + width + "d", tasksDone, total.getAsLong());
    }
    return String.format("Done %" + width + "d tasks      ", tasksDone);
  }

  /** joblib's {@code _verbosity_filter}: every line above 10, ever sparser lines below. */
  private boolean shouldPrint(long index) {
    if (verbose > 10) {
      return true;
    }
    double scale = 0.5 * (11 - verbose) * (11 - verbose);
    return (int) Math.sqrt((index + 1) / scale) != (int) Math.sqrt(index / scale);
  }

  private void print(String message) {
    PrintStream out = verbose >= 50 ? System.out : System.err;
    out.println("[Parallel(n_jobs=" + nJobs + ")]: " + message);
  }
}
