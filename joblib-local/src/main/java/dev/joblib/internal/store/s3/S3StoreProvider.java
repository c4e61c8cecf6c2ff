package dev.joblib.internal.store.s3;

import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreBackendProvider;
import dev.joblib.spi.StoreSpec;
import java.util.Set;

/**
 * Opens the native S3 store for {@code s3://bucket/prefix} locations. The AWS SDK is an optional
 * dependency: this class touches none of its classes until a store is opened, and then says which
 * artifact to add when it is missing.
 */
public final class S3StoreProvider implements StoreBackendProvider {
  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public S3StoreProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  @Override
  public StoreBackend open(StoreSpec spec) {
    try {
      Class.forName(
          "software.amazon.awssdk.services.s3.S3Client",
          false,
          S3StoreProvider.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(
          "the s3: store needs the AWS SDK for Java v2 on the class path: add"
              + " software.amazon.awssdk:s3 (2.35.x) for location '"
              + spec.location()
              + "'; or use an s3a:// location with org.apache.hadoop:hadoop-aws",
          e);
    }
    return S3Store.open(S3Settings.parse(spec));
  }
}
