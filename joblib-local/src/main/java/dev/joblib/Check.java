package dev.joblib;

import java.time.Duration;
import java.util.Objects;

/** Argument checks whose messages name the parameter and the value given. */
final class Check {
  /** The longest timeout that fits in a {@code long} of nanoseconds. */
  private static final Duration MAX_TIMEOUT = Duration.ofNanos(Long.MAX_VALUE);

  private Check() {}

  static int nJobs(int nJobs) {
    if (nJobs == 0) {
      throw new IllegalArgumentException(
          "nJobs must not be 0 (it has no meaning); use a positive count, -1 for all CPUs or -2 for"
              + " all but one");
    }
    return nJobs;
  }

  static int batchSize(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "batchSize must be at least 1 (or unset for auto batching), got " + batchSize);
    }
    return batchSize;
  }

  static int innerMaxNumThreads(int innerMaxNumThreads) {
    if (innerMaxNumThreads < 1) {
      throw new IllegalArgumentException(
          "innerMaxNumThreads must be at least 1, got " + innerMaxNumThreads);
    }
    return innerMaxNumThreads;
  }

  static Duration timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout must not be null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    if (timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "timeout must be at most " + MAX_TIMEOUT + " (about 292 years), got " + timeout);
    }
    return timeout;
  }

  static int verbose(int verbose) {
    if (verbose < 0) {
      throw new IllegalArgumentException("verbose must be 0 or more, got " + verbose);
    }
    return verbose;
  }

  static String backendId(String id) {
    Objects.requireNonNull(id, "backend must not be null");
    if (id.isBlank()) {
      throw new IllegalArgumentException("backend must not be blank, got '" + id + "'");
    }
    return id;
  }

  /** Checks a backend option: a non-blank name and a non-null value. */
  static void option(String name, String value) {
    Objects.requireNonNull(name, "option name must not be null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("option name must not be blank, got '" + name + "'");
    }
    Objects.requireNonNull(value, () -> "option '" + name + "' must not have a null value");
  }

  static <T> T notNull(T value, String parameter) {
    return Objects.requireNonNull(value, () -> parameter + " must not be null");
  }
}
