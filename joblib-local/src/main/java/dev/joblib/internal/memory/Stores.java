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
