package dev.joblib.spi;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link StoreBackendProvider} is asked to open: a location and the store options set with
 * {@code Memory.builder().storeOption(name, value)} (an S3 endpoint, Hadoop configuration
 * overrides...).
 *
 * @param location the cache location, never null; absolute, with a scheme ({@code
 *     file:///tmp/cache}, {@code hdfs://nn:8020/cache}, {@code s3://bucket/prefix})
 * @param options store-specific options by name, never null
 * @since 0.1
 */
public record StoreSpec(URI location, Map<String, String> options) {
  /**
   * Validates and copies the settings.
   *
   * @param location the cache location
   * @param options store-specific options by name
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code location} has no scheme
   */
  public StoreSpec {
    Objects.requireNonNull(location, "location must not be null");
    if (location.getScheme() == null) {
      throw new IllegalArgumentException(
          "location must have a scheme (file:, hdfs:, s3: ...), got '" + location + "'");
    }
    options = Map.copyOf(Objects.requireNonNull(options, "options must not be null"));
  }

  /**
   * Returns an option's value.
   *
   * @param name the option's name
   * @return the value, or empty when it is not set
   */
  public Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  /**
   * Prints the location and the options, secret values redacted (see {@link SecretOptions}).
   *
   * @return the printable form
   */
  @Override
  public String toString() {
    return "StoreSpec[location=" + location + ", options=" + SecretOptions.redacted(options) + "]";
  }
}
