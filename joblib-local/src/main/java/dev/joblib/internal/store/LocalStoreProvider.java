package dev.joblib.internal.store;

import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreBackendProvider;
import dev.joblib.spi.StoreSpec;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** Opens {@link LocalStore}s for {@code file:} locations. */
public final class LocalStoreProvider implements StoreBackendProvider {
  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public LocalStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("file");
  }

  /** None: a directory needs no settings. */
  @Override
  public Optional<Set<String>> optionNames() {
    return Optional.of(Set.of());
  }

  @Override
  public StoreBackend open(StoreSpec spec) {
    if (!spec.options().isEmpty()) {
      throw new IllegalArgumentException(
          "the local store (file:) takes no store options, got " + spec.options().keySet());
    }
    Path path;
    try {
      path = Path.of(spec.location());
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw new IllegalArgumentException(
          "location is not a valid file: URI: '" + spec.location() + "'", e);
    }
    return new LocalStore(spec.location(), path);
  }
}
