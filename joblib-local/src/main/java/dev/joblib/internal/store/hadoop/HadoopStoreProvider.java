package dev.joblib.internal.store.hadoop;

import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreBackendProvider;
import dev.joblib.spi.StoreSpec;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Opens stores on Hadoop file systems: {@code hdfs:} and {@code s3a:} by name, and any other scheme
 * a Hadoop {@code FileSystem} on the class path knows ({@code viewfs}, {@code abfs}, {@code gs},
 * {@code webhdfs}...). Hadoop is an optional dependency: this class touches none of its classes
 * until a store is opened, and then says which artifacts to add when they are missing.
 */
public final class HadoopStoreProvider implements StoreBackendProvider {
  static final String HADOOP_ARTIFACTS =
      "org.apache.hadoop:hadoop-client-api and org.apache.hadoop:hadoop-client-runtime";
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

  @Override
  public StoreBackend open(StoreSpec spec) {
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
    return HadoopStores.open(spec);
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
