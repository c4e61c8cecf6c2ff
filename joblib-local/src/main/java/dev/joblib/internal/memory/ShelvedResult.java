package dev.joblib.internal.memory;

import dev.joblib.JoblibException;
import dev.joblib.MemorizedResult;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoredEntry;
import java.time.Instant;
import java.util.Optional;

/**
 * A {@link MemorizedResult}: the store's settings and the entry's key. When the Memory caches
 * nothing it holds the value itself, which then travels with it (joblib's {@code
 * NotMemorizedResult}); when the entry could not be written it keeps the value for this JVM only.
 * {@link #clear()} drops a value held that way too, so {@link #get()} after it fails the same way
 * whether the value was stored or not.
 */
final class ShelvedResult<R> implements MemorizedResult<R> {
  private static final long serialVersionUID = 1L;

  private final MemorySettings settings;
  private final String functionId;
  private final String argsId;
  private final FunctionIdentity identity;
  private final Object inline;
  private final transient Object value;
  private final transient boolean hasValue;
  private volatile boolean cleared;

  ShelvedResult(
      MemorySettings settings,
      FunctionIdentity identity,
      String functionId,
      String argsId,
      Object value,
      boolean hasValue) {
    this.settings = settings;
    this.identity = identity;
    this.functionId = functionId;
    this.argsId = argsId;
    this.inline = settings == null ? value : null;
    this.value = value;
    this.hasValue = hasValue;
  }

  @Override
  @SuppressWarnings("unchecked")
  public R get() {
    EntryKey key = new EntryKey(functionId, argsId);
    if (settings == null) {
      if (cleared) {
        throw new JoblibException(
            "no value for "
                + key
                + ": it was cleared (this Memory has no location: the value lived only in this"
                + " reference)");
      }
      return (R) inline;
    }
    boolean fallback = hasValue && !cleared;
    StoreBackend store = Stores.open(settings).unguarded();
    Optional<StoredEntry> entry;
    try {
      entry = store.get(key);
    } catch (RuntimeException e) {
      if (fallback) {
        return (R) value;
      }
      throw new JoblibException(
          "cannot read cache entry " + key + " in " + settings.location() + ": " + e, e);
    }
    if (entry.isEmpty()) {
      if (fallback) {
        return (R) value;
      }
      throw new JoblibException(
          "no cache entry "
              + key
              + " in "
              + settings.location()
              + " (it may have been cleared or evicted)");
    }
    try {
      Object loaded = new EntryReader(settings, identity).read(entry.get());
      store.touch(key, Instant.now());
      return (R) loaded;
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      if (fallback) {
        return (R) value;
      }
      throw new JoblibException(
          "cache entry " + key + " in " + settings.location() + " cannot be loaded: " + e, e);
    }
  }

  @Override
  public void clear() {
    cleared = true;
    if (settings != null) {
      Stores.open(settings).unguarded().delete(new EntryKey(functionId, argsId));
    }
  }

  @Override
  public String functionId() {
    return functionId;
  }

  @Override
  public String argsId() {
    return argsId;
  }

  @Override
  public String toString() {
    return "MemorizedResult(location=\""
        + (settings == null ? null : settings.location())
        + "\", func=\""
        + functionId
        + "\", args_id=\""
        + argsId
        + "\")";
  }
}
