package dev.joblib.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** CPU counts as joblib computes them: the JVM's view (cgroups, affinity), capped by a variable. */
public final class CpuCount {
  /** Caps the count, as joblib's {@code LOKY_MAX_CPU_COUNT} does. */
  public static final String MAX_ENV = "JOBLIB_MAX_CPU_COUNT";

  private CpuCount() {}

  /** Logical CPUs this JVM may use: at least 1. */
  public static int logical() {
    int count = Runtime.getRuntime().availableProcessors();
    String cap = System.getenv(MAX_ENV);
    if (cap != null && !cap.isBlank()) {
      try {
        count = Math.min(count, Integer.parseInt(cap.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalStateException(MAX_ENV + " must be a whole number, got '" + cap + "'", e);
      }
    }
    return Math.max(count, 1);
  }

  /**
   * Physical cores (distinct core ids per package in /proc/cpuinfo), never more than {@link
   * #logical()}; the logical count where the file cannot be read.
   */
  public static int physical() {
    int logical = logical();
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (!Files.isReadable(cpuinfo)) {
      return logical;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(cpuinfo);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + cpuinfo, e);
    }
    Set<String> cores = new HashSet<>();
    String physicalId = "0";
    for (String line : lines) {
      if (line.startsWith("physical id")) {
        physicalId = line.substring(line.indexOf(':') + 1).strip();
      } else if (line.startsWith("core id")) {
        cores.add(physicalId + "/" + line.substring(line.indexOf(':') + 1).strip());
      }
    }
    return cores.isEmpty() ? logical : Math.min(cores.size(), logical);
  }

  /** joblib's rule: n > 0 is n, n < 0 is max(cpus + 1 + n, 1); 0 is refused. */
  public static int resolve(int nJobs) {
    if (nJobs == 0) {
      throw new IllegalArgumentException("nJobs must not be 0 (it has no meaning), got 0");
    }
    return nJobs > 0 ? nJobs : Math.max(logical() + 1 + nJobs, 1);
  }
}
