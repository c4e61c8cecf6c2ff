package dev.joblib.internal.memory;

import dev.joblib.Joblib;
import dev.joblib.spi.EntryKey;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The cache key of a call: the function's id names the entry's directory, and the hash of its code,
 * its captured values and its arguments (the ignored ones replaced by a marker) names the entry.
 */
final class CallKeys implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String IGNORED = "<ignored by Memory.cache>";

  private final FunctionIdentity identity;
  private final int arity;
  private final int[] ignored;

  CallKeys(FunctionIdentity identity, int arity) {
    this(identity, arity, new int[0]);
  }

  private CallKeys(FunctionIdentity identity, int arity, int[] ignored) {
    this.identity = identity;
    this.arity = arity;
    this.ignored = ignored;
  }

  FunctionIdentity identity() {
    return identity;
  }

  /** Returns keys that leave the arguments at these positions out; checks the positions. */
  CallKeys ignoring(int... positions) {
    Objects.requireNonNull(positions, "positions must not be null");
    int[] sorted = positions.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0 || sorted[i] >= arity) {
        throw new IllegalArgumentException(
            "ignore: position "
                + sorted[i]
                + " does not exist for "
                + identity.displayName()
                + ", which takes "
                + arity
                + " argument(s) (positions 0 to "
                + (arity - 1)
                + ")");
      }
      if (i > 0 && sorted[i] == sorted[i - 1]) {
        throw new IllegalArgumentException("ignore: position " + sorted[i] + " given twice");
      }
    }
    return new CallKeys(identity, arity, sorted);
  }

  /** Returns keys on an explicit version instead of the code hash; checks the version. */
  CallKeys versioned(String version) {
    Objects.requireNonNull(version, "version must not be null");
    if (version.isBlank()) {
      throw new IllegalArgumentException("version must not be blank, got '" + version + "'");
    }
    return new CallKeys(identity.withVersion(version), arity, ignored);
  }

  /**
   * Returns the key of a call.
   *
   * @throws IllegalArgumentException if an argument that is not ignored cannot be hashed
   */
  EntryKey of(Object[] args) {
    List<Object> parts = new ArrayList<>(arity + 2);
    parts.add(identity.codeHash());
    parts.add(identity.capturedHash());
    for (int i = 0; i < args.length; i++) {
      parts.add(Arrays.binarySearch(ignored, i) >= 0 ? IGNORED : fingerprint(args[i], i));
    }
    String argsId;
    try {
      argsId = Joblib.hash(parts);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot hash the arguments of "
              + identity.displayName()
              + " to build its cache key (ignore the argument with ignore(position) or make it"
              + " hashable): "
              + e.getMessage(),
          e);
    }
    return new EntryKey(identity.functionId(), argsId);
  }

  private Object fingerprint(Object arg, int position) {
    try {
      return ValuePlugins.keyOf(arg);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot key argument "
              + position
              + " of "
              + identity.displayName()
              + ": "
              + e.getMessage()
              + "; to cache the call anyway, leave the argument out of the key with ignore("
              + position
              + ") and pass an argument that names its content instead (a version string,"
              + " say)",
          e);
    }
  }
}
