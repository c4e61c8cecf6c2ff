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
 * nothing it holds the value itself, which then travels with it; when the entry could not be
 * written it keeps the value for this JVM only.
 */
final class ShelvedResult<R> implements MemorizedResult<R> {
  private static final long serialVersionUID = 1L;

  private final MemorySettings settings;
  private final String functionId;
  private final String argsId;
  private final Object inline;
  private final transient Object value;
  private final transient boolean hasValue;

  ShelvedResult(
      MemorySettings settings, String functionId, String argsId, Object value, boolean hasValue) {
    this.settings = settings;
    this.functionId = functionId;
    this.argsId = argsId;
    this.inline = settings == null ? value : null;
    this.value = value;
    this.hasValue = hasValue;
  }

  @Override
  @SuppressWarnings("unchecked")
  public R get() {
    if (settings == null) {
      return (R) inline;
    }
    EntryKey key = new EntryKey(functionId, argsId);
    StoreBackend store = Stores.open(settings).unguarded();
    Optional<StoredEntry> entry;
    try {
      entry = store.get(key);
    } catch (RuntimeException e) {
      if (hasValue) {
        return (R) value;
      }
      throw new JoblibException(
          "cannot read cache entry " + key + " in " + settings.location() + ": " + e, e);
    }
    if (entry.isEmpty()) {
      if (hasValue) {
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
      Object loaded = ResultCodec.load(entry.get(), settings, ResultCodec.loadOptions(settings));
      store.touch(key, Instant.now());
      return (R) loaded;
    } catch (RuntimeException e) {
      if (hasValue) {
        return (R) value;
      }
      throw new JoblibException(
          "cache entry " + key + " in " + settings.location() + " cannot be loaded: " + e, e);
    }
  }

  @Override
  public void clear() {
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
