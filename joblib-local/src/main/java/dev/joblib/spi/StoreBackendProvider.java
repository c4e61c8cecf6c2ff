package dev.joblib.spi;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Opens {@link StoreBackend}s for the locations of some URI schemes; found with {@link
 * java.util.ServiceLoader} through a {@code META-INF/services/dev.joblib.spi.StoreBackendProvider}
 * file.
 *
 * <p>A location is given to the provider that lists its scheme in {@link #schemes()}; two providers
 * listing one scheme is an error. Only when none lists it are the providers asked through {@link
 * #supports(URI)}, in class-name order: this lets a Hadoop store take any scheme its file systems
 * know ({@code abfs}, {@code gs}, {@code viewfs}...).
 *
 * @since 0.1
 */
public interface StoreBackendProvider {
  /**
   * Returns the URI schemes this provider claims, lowercase, such as {@code "file"} or {@code
   * "hdfs"}.
   *
   * @return the schemes, never null, may be empty for a provider that only answers {@link
   *     #supports(URI)}
   */
  Set<String> schemes();

  /**
   * Tells whether this provider can open a location whose scheme no provider claims. The default
   * accepts exactly the schemes of {@link #schemes()}.
   *
   * @param location an absolute location with a scheme, never null
   * @return whether {@link #open} would accept it
   */
  default boolean supports(URI location) {
    String scheme = location.getScheme();
    return scheme != null && schemes().contains(scheme.toLowerCase(Locale.ROOT));
  }

  /**
   * Opens a store. Opening should be cheap and should not fail because the location does not exist
   * yet: stores create their directories on the first write. A store whose client library is
   * missing from the class path throws an {@link IllegalStateException} naming the artifacts to
   * add.
   *
   * @param spec the location and the store options, never null
   * @return a store, never null; the caller closes it
   * @throws IllegalArgumentException if the location or an option is not valid for this store
   * @throws IllegalStateException if a library the store needs is not on the class path
   */
  StoreBackend open(StoreSpec spec);
}
