package dev.joblib.internal.memory;

import dev.joblib.internal.store.StoreRegistry;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stores this JVM has opened, one per location and options, shared by every cached function and
 * kept open for the JVM's life (stores hold clients, not files).
 */
final class Stores {
  private static final ConcurrentHashMap<String, GuardedStore> OPEN = new ConcurrentHashMap<>();

  private Stores() {}

  /**
   * Checks, without opening it, that the settings' store can be opened in this JVM: a worker's
   * class path may lack the store's library, or have another version of it.
   *
   * @throws IllegalArgumentException if an option is not valid for the store
   * @throws IllegalStateException if a library the store needs is missing, naming the artifacts
   */
  static void check(MemorySettings settings) {
    if (!OPEN.containsKey(settings.storeId())) {
      StoreRegistry.check(URI.create(settings.location()), settings.storeOptions());
    }
  }

  /**
   * Returns the guarded store for the settings' location, opening it on first use.
   *
   * @throws RuntimeException if the store cannot be opened
   */
  static GuardedStore open(MemorySettings settings) {
    GuardedStore store = OPEN.get(settings.storeId());
    if (store != null) {
      return store;
    }
    return OPEN.computeIfAbsent(
        settings.storeId(),
        id ->
            new GuardedStore(
                StoreRegistry.open(URI.create(settings.location()), settings.storeOptions())));
  }
}
