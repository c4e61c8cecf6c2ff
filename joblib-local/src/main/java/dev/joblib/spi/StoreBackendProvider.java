package dev.joblib.spi;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
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
   * Declares the names of the store options this provider reads from {@link StoreSpec#options()},
   * so that a Memory given another name ({@code Memory.builder().storeOption(name, value)}) fails
   * when it is built, with an {@link IllegalArgumentException} naming the option and the known
   * names, instead of running uncached.
   *
   * @return the option names, an empty set for a store that takes none; or empty (the default) when
   *     the provider does not declare them, because they are open-ended (any Hadoop configuration
   *     key) or because {@link #check} checks them itself
   */
  default Optional<Set<String>> optionNames() {
    return Optional.empty();
  }

  /**
   * Checks, without opening anything and without I/O, that a store for {@code spec} can be opened
   * in this JVM: the libraries it needs are on the class path and the options are valid. {@code
   * Memory} calls it when it is built and again before it first opens the store in a JVM (a
   * worker's class path may lack a jar), and lets these exceptions through: a mistake in the
   * configuration fails the call that names it, unlike a store that is down, which only costs
   * recomputations and warnings. The default checks nothing.
   *
   * @param spec the location and the store options, never null
   * @throws IllegalArgumentException if the location or an option is not valid for this store
   * @throws IllegalStateException if a library the store needs is not on the class path (the
   *     message names the artifacts to add)
   */
  default void check(StoreSpec spec) {}

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
