package dev.joblib;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Decides whether a cached result may still be used (joblib's {@code cache_validation_callback}).
 * An entry it rejects is deleted and the function is computed again.
 *
 * <pre>{@code
 * var fetch = memory.cache(Prices::download)
 *     .cacheValidation(CacheValidation.expiresAfter(Duration.ofHours(6)));
 * }</pre>
 *
 * <p>Serializable, so that a cached function carrying it can run in a worker JVM.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface CacheValidation extends Serializable {
  /**
   * Tells whether an entry is still valid.
   *
   * @param metadata the entry's metadata, never null
   * @return {@code true} to use the cached result, {@code false} to recompute it
   */
  boolean isValid(CacheMetadata metadata);

  /**
   * Returns a validation that accepts entries computed less than {@code maxAge} ago (joblib's
   * {@code expires_after}).
   *
   * @param maxAge the longest age of a usable entry, positive
   * @return the validation
   * @throws NullPointerException if {@code maxAge} is null
   * @throws IllegalArgumentException if {@code maxAge} is zero or negative
   */
  static CacheValidation expiresAfter(Duration maxAge) {
    Objects.requireNonNull(maxAge, "maxAge must not be null");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be positive, got " + maxAge);
    }
    return metadata -> metadata.time().plus(maxAge).isAfter(Instant.now());
  }

  /**
   * Returns a validation that accepts an entry only if this one and {@code other} both do.
   *
   * @param other the other validation, never null
   * @return the combined validation
   * @throws NullPointerException if {@code other} is null
   */
  default CacheValidation and(CacheValidation other) {
    Objects.requireNonNull(other, "other must not be null");
    return metadata -> isValid(metadata) && other.isValid(metadata);
  }
}
