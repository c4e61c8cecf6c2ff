package dev.joblib.internal.store.hadoop;

import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreBackendProvider;
import dev.joblib.spi.StoreSpec;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Opens stores on Hadoop file systems: {@code hdfs:} and {@code s3a:} by name, and any other scheme
 * a Hadoop {@code FileSystem} on the class path knows ({@code viewfs}, {@code abfs}, {@code gs},
 * {@code webhdfs}...). Hadoop is an optional dependency: this class touches none of its classes
 * until a store is opened, and then says which artifacts to add when they are missing.
 */
public final class HadoopStoreProvider implements StoreBackendProvider {
  static final String HADOOP_ARTIFACTS =
      "org.apache.hadoop:hadoop-client-api and org.apache.hadoop:hadoop-client-runtime";

  /** The prefix of the store's own options; the other options are Hadoop configuration keys. */
  static final String OWN_OPTIONS = "joblib.";

  /** Store option: the least time between two recorded accesses of one entry (object stores). */
  static final String TOUCH_INTERVAL = "joblib.touchInterval";

  private static final String S3A_ARTIFACTS =
      "org.apache.hadoop:hadoop-aws (without software.amazon.awssdk:bundle) with"
          + " software.amazon.awssdk:s3, s3-transfer-manager and sts";

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public HadoopStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("hdfs", "s3a");
  }

  @Override
  public boolean supports(URI location) {
    if (!present("org.apache.hadoop.fs.FileSystem")) {
      return false;
    }
    return HadoopStores.knowsScheme(location.getScheme().toLowerCase(Locale.ROOT));
  }

  /**
   * The library check of {@link #open}, and the store's own ({@code joblib.*}) options; every other
   * option is a Hadoop configuration key, which only Hadoop knows.
   */
  @Override
  public void check(StoreSpec spec) {
    String scheme = spec.location().getScheme().toLowerCase(Locale.ROOT);
    if (!present("org.apache.hadoop.fs.FileSystem")) {
      throw new IllegalStateException(
          "the "
              + scheme
              + ": store needs Hadoop on the class path: add "
              + HADOOP_ARTIFACTS
              + (scheme.equals("s3a") ? ", and " + S3A_ARTIFACTS : "")
              + " (for location '"
              + spec.location()
              + "')");
    }
    if (scheme.equals("s3a") && !present("org.apache.hadoop.fs.s3a.S3AFileSystem")) {
      throw new IllegalStateException(
          "the s3a: store needs "
              + S3A_ARTIFACTS
              + " on the class path (for location '"
              + spec.location()
              + "'); or use an s3:// location with the native S3 store");
    }
    for (String name : new TreeSet<>(spec.options().keySet())) {
      if (name.startsWith(OWN_OPTIONS) && !name.equals(TOUCH_INTERVAL)) {
        throw new IllegalArgumentException(
            "store option '"
                + name
                + "': the "
                + scheme
                + ": store has no such option of its own; its own options are ["
                + TOUCH_INTERVAL
                + "], and every other option is a Hadoop configuration key (fs.*, dfs.*, ...)");
      }
    }
    touchInterval(spec.options());
  }

  @Override
  public StoreBackend open(StoreSpec spec) {
    check(spec);
    return HadoopStores.open(spec);
  }

  /** The {@link #TOUCH_INTERVAL} option, 10 minutes by default. */
  static Duration touchInterval(Map<String, String> options) {
    String interval = options.get(TOUCH_INTERVAL);
    if (interval == null) {
      return Duration.ofMinutes(10);
    }
    try {
      return Duration.parse(interval);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "store option "
              + TOUCH_INTERVAL
              + " must be an ISO-8601 duration such as PT10M, got '"
              + interval
              + "'",
          e);
    }
  }

  static boolean present(String className) {
    try {
      Class.forName(className, false, HadoopStoreProvider.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
