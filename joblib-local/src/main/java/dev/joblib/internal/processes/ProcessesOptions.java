package dev.joblib.internal.processes;

import dev.joblib.NestingDepthException;
import dev.joblib.internal.CpuCount;
import dev.joblib.internal.Secrets;
import dev.joblib.spi.BackendSpec;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The processes backend's options ({@code Parallel.option(name, value)}), validated. The worker
 * pool is shared by every backend with equal {@link #poolKey()}.
 */
record ProcessesOptions(
    int nJobs,
    Duration idleTimeout,
    Duration startTimeout,
    String xmx,
    List<String> jvmArgs,
    Map<String, String> forwardedProperties,
    long maxNbytes,
    Path tempFolder,
    int innerMaxNumThreads) {

  static final String IDLE_TIMEOUT = "idleTimeout";
  static final String START_TIMEOUT = "startTimeout";
  static final String XMX = "xmx";
  static final String JVM_ARGS = "jvmArgs";
  static final String FORWARD_PROPERTIES = "forwardProperties";
  static final String MAX_NBYTES = "maxNbytes";
  static final String TEMP_FOLDER = "tempFolder";

  /** Every option's name, as the provider declares them. */
  static final Set<String> NAMES =
      Set.of(
          IDLE_TIMEOUT, START_TIMEOUT, XMX, JVM_ARGS, FORWARD_PROPERTIES, MAX_NBYTES, TEMP_FOLDER);

  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);

  /**
   * How long a worker JVM may take from its launch to being ready for batches: generous, since a
   * loaded machine can take seconds to start a JVM, and bounded, so that a worker that hangs while
   * starting fails the call instead of stalling it.
   */
  static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  static final long DEFAULT_MAX_NBYTES = 1L << 20;

  private static final Pattern SIZE = Pattern.compile("(\\d+)([kmgt]?)b?");
  private static final Pattern SECONDS = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

  /**
   * The settings that make two pools interchangeable. The forwarded properties are there as their
   * names, each with its value's fingerprint ({@link Secrets#fingerprint}): the key of a map that
   * lives as long as the JVM holds no forwarded value.
   */
  record PoolKey(
      int nJobs,
      Duration idleTimeout,
      Duration startTimeout,
      String xmx,
      List<String> jvmArgs,
      String forwardedProperties,
      int innerMaxNumThreads) {}

  PoolKey poolKey() {
    Map<String, String> fingerprints = new TreeMap<>();
    forwardedProperties.forEach(
        (name, value) -> fingerprints.put(name, Secrets.fingerprint(value)));
    return new PoolKey(
        nJobs,
        idleTimeout,
        startTimeout,
        xmx,
        jvmArgs,
        fingerprints.toString(),
        innerMaxNumThreads);
  }

  static ProcessesOptions from(BackendSpec spec) {
    int nJobs = CpuCount.resolve(spec.nJobs());
    Duration idle =
        spec.option(IDLE_TIMEOUT).map(v -> duration(IDLE_TIMEOUT, v)).orElse(DEFAULT_IDLE_TIMEOUT);
    Duration start =
        spec.option(START_TIMEOUT)
            .map(v -> duration(START_TIMEOUT, v))
            .orElse(DEFAULT_START_TIMEOUT);
    String xmx = spec.option(XMX).map(v -> checkedSize(XMX, v)).orElseGet(() -> defaultXmx(nJobs));
    List<String> jvmArgs =
        spec.option(JVM_ARGS)
            .map(v -> List.of(v.strip().isEmpty() ? new String[0] : v.strip().split("\\s+")))
            .orElse(List.of());
    Map<String, String> forwarded = new LinkedHashMap<>();
    spec.option(FORWARD_PROPERTIES)
        .ifPresent(
            names -> {
              for (String name : names.split(",")) {
                String n = name.strip();
                String value = n.isEmpty() ? null : System.getProperty(n);
                if (value != null) {
                  forwarded.put(n, value);
                }
              }
            });
    String depthLimit = System.getProperty(NestingDepthException.LIMIT_PROPERTY);
    if (depthLimit != null) {
      forwarded.put(NestingDepthException.LIMIT_PROPERTY, depthLimit); // a worker's calls nest too
    }
    long maxNbytes =
        spec.option(MAX_NBYTES).map(ProcessesOptions::maxNbytes).orElse(DEFAULT_MAX_NBYTES);
    Path temp = spec.option(TEMP_FOLDER).map(Path::of).orElse(null);
    return new ProcessesOptions(
        nJobs,
        idle,
        start,
        xmx,
        jvmArgs,
        Map.copyOf(forwarded),
        maxNbytes,
        temp,
        spec.innerMaxNumThreads());
  }

  /** Option {@code name}'s value: "300", "1.5s", "500ms", "5m" or ISO-8601 ("PT5M"). */
  static Duration duration(String name, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    Matcher m = SECONDS.matcher(v);
    Duration d;
    if (m.matches()) {
      double amount = Double.parseDouble(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      double millis =
          switch (unit) {
            case "ms" -> amount;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 1000;
          };
      d = Duration.ofMillis(Math.round(millis));
    } else {
      try {
        d = Duration.parse(value.strip());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "option "
                + name
                + ": expected seconds (\"300\", \"1.5s\", \"500ms\", \"5m\") or an ISO-8601"
                + " duration (\"PT5M\"), got '"
                + value
                + "'",
            e);
      }
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          "option " + name + " must be positive, got '" + value + "'");
    }
    return d;
  }

  /** joblib's max_nbytes: "1M" (1024 * 1024), "500K", "1000", or "off"/"none" (no memmapping). */
  static long maxNbytes(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.equals("off") || v.equals("none") || v.equals("null")) {
      return Long.MAX_VALUE;
    }
    return bytes(MAX_NBYTES, value);
  }

  private static String checkedSize(String name, String value) {
    bytes(name, value);
    return value.strip();
  }

  static long bytes(String name, String value) {
    Matcher m = SIZE.matcher(value.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "option "
              + name
              + ": expected a size such as \"1M\", \"512k\", \"2g\" or a number of bytes, got '"
              + value
              + "'");
    }
    long n = Long.parseLong(m.group(1));
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    return n << shift;
  }

  /** Half the machine's memory split between the workers, at least 256 MiB each. */
  static String defaultXmx(int nJobs) {
    long mib = Math.max(256, TotalMemory.BYTES / 2 / nJobs >> 20);
    return mib + "m";
  }

  /**
   * The machine's (or container's) memory, read once: asking the OS bean reads cgroup files, which
   * took longer than a whole small call when done for every {@code Parallel}.
   */
  private static final class TotalMemory {
    static final long BYTES = read();

    private static long read() {
      long total = 0;
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        total = os.getTotalMemorySize();
      }
      return total > 0 ? total : 4L << 30;
    }
  }

  /** The flags of the caller's JVM that workers need too (module opens and exports). */
  static List<String> inheritedJvmFlags() {
    List<String> flags = new ArrayList<>();
    List<String> input = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (int i = 0; i < input.size(); i++) {
      String arg = input.get(i);
      if (arg.startsWith("--add-opens")
          || arg.startsWith("--add-exports")
          || arg.startsWith("--add-modules")
          || arg.startsWith("--add-reads")
          || arg.startsWith("--enable-native-access")
          || arg.equals("--enable-preview")
          || arg.equals("-XX:+IgnoreUnrecognizedVMOptions")) {
        flags.add(arg);
        if (!arg.contains("=") && !arg.equals("--enable-preview") && !arg.startsWith("-XX")) {
          if (i + 1 < input.size()) {
            flags.add(input.get(++i));
          }
        }
      }
    }
    return flags;
  }

  @Override
  public String toString() {
    return "processes[nJobs="
        + nJobs
        + ", idleTimeout="
        + idleTimeout
        + ", startTimeout="
        + startTimeout
        + ", xmx="
        + xmx
        + ", jvmArgs="
        + jvmArgs
        + ", forwardProperties="
        + forwardedProperties.keySet()
        + ", maxNbytes="
        + (maxNbytes == Long.MAX_VALUE ? "off" : maxNbytes)
        + ", tempFolder="
        + tempFolder
        + (innerMaxNumThreads > 0 ? ", innerMaxNumThreads=" + innerMaxNumThreads : "")
        + "]";
  }
}
