package dev.joblib.internal.store;

import dev.joblib.internal.KnownOptions;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreBackendProvider;
import dev.joblib.spi.StoreSpec;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The stores found on the class path with {@link ServiceLoader}, by URI scheme. */
public final class StoreRegistry {
  private static final System.Logger LOG = System.getLogger(StoreRegistry.class.getName());
  private static final Map<String, String> KNOWN_ARTIFACTS =
      Map.of(
          "hdfs",
          "dev.joblib:joblib-local with org.apache.hadoop:hadoop-client-api and"
              + " hadoop-client-runtime",
          "s3",
          "dev.joblib:joblib-local with software.amazon.awssdk:s3",
          "s3a",
          "dev.joblib:joblib-local with org.apache.hadoop:hadoop-aws, hadoop-client-api and"
              + " hadoop-client-runtime");
  private static volatile Registry registry;

  private StoreRegistry() {}

  private record Registry(
      Map<String, StoreBackendProvider> byScheme, List<StoreBackendProvider> all) {}

  /**
   * Opens the store for a location.
   *
   * @throws IllegalArgumentException if no store handles the location's scheme
   */
  public static StoreBackend open(URI location, Map<String, String> options) {
    return provider(location).open(new StoreSpec(location, options));
  }

  /**
   * Checks, without opening anything, that a store for the location can be opened in this JVM: its
   * scheme has a store, the option names are ones the store declares ({@link
   * StoreBackendProvider#optionNames()}), and the store's own {@link StoreBackendProvider#check}
   * passes (its libraries are on the class path, the option values are valid).
   *
   * @param location the location, with a scheme
   * @param options the store options
   * @throws IllegalArgumentException if no store handles the scheme, or an option is not valid
   * @throws IllegalStateException if a library the store needs is missing, naming the artifacts
   */
  public static void check(URI location, Map<String, String> options) {
    StoreBackendProvider provider = provider(location);
    String scheme = location.getScheme().toLowerCase(Locale.ROOT);
    provider
        .optionNames()
        .ifPresent(
            known ->
                KnownOptions.require(
                    "store option", "the " + scheme + ": store", options.keySet(), known));
    provider.check(new StoreSpec(location, options));
  }

  /** The provider for a location. */
  public static StoreBackendProvider provider(URI location) {
    String scheme =
        location.getScheme() == null ? "" : location.getScheme().toLowerCase(Locale.ROOT);
    Registry found = registry();
    StoreBackendProvider provider = found.byScheme().get(scheme);
    if (provider != null) {
      return provider;
    }
    for (StoreBackendProvider candidate : found.all()) {
      if (candidate.supports(location)) {
        return candidate;
      }
    }
    String hint =
        KNOWN_ARTIFACTS.containsKey(scheme)
            ? " The '" + scheme + "' store needs " + KNOWN_ARTIFACTS.get(scheme) + "."
            : "";
    throw new IllegalArgumentException(
        "location: no store for the scheme '"
            + scheme
            + "' of '"
            + location
            + "'; schemes available: "
            + found.byScheme().keySet()
            + "."
            + hint);
  }

  private static Registry registry() {
    Registry found = registry;
    if (found == null) {
      synchronized (StoreRegistry.class) {
        found = registry;
        if (found == null) {
          found = load();
          registry = found;
        }
      }
    }
    return found;
  }

  private static Registry load() {
    Map<String, StoreBackendProvider> byScheme = new TreeMap<>();
    List<StoreBackendProvider> all = new ArrayList<>();
    ClassLoader loader = StoreRegistry.class.getClassLoader();
    for (StoreBackendProvider provider : ServiceLoader.load(StoreBackendProvider.class, loader)) {
      all.add(provider);
      for (String scheme : provider.schemes()) {
        StoreBackendProvider clash = byScheme.putIfAbsent(scheme, provider);
        if (clash != null) {
          throw new IllegalStateException(
              "two stores claim the scheme '"
                  + scheme
                  + "': "
                  + clash.getClass().getName()
                  + " and "
                  + provider.getClass().getName());
        }
      }
      LOG.log(Level.DEBUG, "found store {0} for {1}", provider.getClass(), provider.schemes());
    }
    all.sort(Comparator.comparing(p -> p.getClass().getName()));
    return new Registry(Map.copyOf(byScheme), List.copyOf(all));
  }
}
