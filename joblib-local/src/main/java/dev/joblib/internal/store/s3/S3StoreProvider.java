package dev.joblib.internal.store.s3;

import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreBackendProvider;
import dev.joblib.spi.StoreSpec;
import java.util.Optional;
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
  public Optional<Set<String>> optionNames() {
    return Optional.of(Set.copyOf(S3Settings.OPTIONS));
  }

  /** The SDK is on the class path, and the bucket and option values parse. */
  @Override
  public void check(StoreSpec spec) {
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
    S3Settings.parse(spec);
  }

  @Override
  public StoreBackend open(StoreSpec spec) {
    check(spec);
    return S3Store.open(S3Settings.parse(spec));
  }
}
