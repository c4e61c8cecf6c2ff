package dev.joblib.internal.memory;

import dev.joblib.spi.EntryKey;
import dev.joblib.spi.EntryWriter;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoredEntry;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wraps a store so that its trouble costs speed, not correctness: on the call path a failed read is
 * a miss and a failed write leaves the computed value to be returned; each failure is logged once
 * as a warning with its cause. Explicit maintenance ({@code clear}, {@code reduceSize}) goes to the
 * store directly and reports failures.
 */
final class GuardedStore {
  private static final System.Logger LOG = System.getLogger("dev.joblib.Memory");

  private final StoreBackend store;
  private final ConcurrentHashMap<EntryKey, Long> touched = new ConcurrentHashMap<>();

  /** Guards a store. */
  GuardedStore(StoreBackend store) {
    this.store = store;
  }

  /** When this JVM last recorded an access per entry (nanoTime), to record at most one a second. */
  ConcurrentHashMap<EntryKey, Long> touched() {
    return touched;
  }

  /** The store itself, for operations whose failures the user must see. */
  StoreBackend unguarded() {
    return store;
  }

  /** Looks an entry up; empty on failure. */
  Optional<StoredEntry> get(EntryKey key) {
    try {
      return store.get(key);
    } catch (RuntimeException e) {
      warn("cannot look up cache entry " + key + " in " + store.location() + "; computing it", e);
      return Optional.empty();
    }
  }

  /** Publishes an entry; false on failure. */
  boolean publish(EntryKey key, EntryWriter output, byte[] metadata) {
    try {
      return store.publish(key, output, metadata);
    } catch (RuntimeException e) {
      warn(
          "unable to cache to "
              + store.location()
              + " (entry "
              + key
              + "); the computed value is returned",
          e);
      return false;
    }
  }

  /** Records an access; failures only logged at debug level (an access time is a hint). */
  void touch(EntryKey key, Instant when) {
    try {
      store.touch(key, when);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "cannot record the access time of " + key, e);
    }
  }

  /** Deletes an entry; false on failure. */
  boolean delete(EntryKey key) {
    try {
      return store.delete(key);
    } catch (RuntimeException e) {
      warn("cannot delete cache entry " + key + " from " + store.location(), e);
      return false;
    }
  }

  /** Reads a function's info; empty on failure. */
  Optional<byte[]> getFunctionInfo(String functionId) {
    try {
      return store.getFunctionInfo(functionId);
    } catch (RuntimeException e) {
      warn("cannot read the code hash of " + functionId + " in " + store.location(), e);
      return Optional.empty();
    }
  }

  /** Writes a function's info; logs failures. */
  void putFunctionInfo(String functionId, byte[] info) {
    try {
      store.putFunctionInfo(functionId, info);
    } catch (RuntimeException e) {
      warn("cannot write the code hash of " + functionId + " to " + store.location(), e);
    }
  }

  /** Deletes a function's entries; logs failures. */
  void deleteFunction(String functionId) {
    try {
      store.deleteFunction(functionId);
    } catch (RuntimeException e) {
      warn("cannot clear the cache of " + functionId + " in " + store.location(), e);
    }
  }

  /** Logs a warning about the store, with its cause. */
  static void warn(String message, Throwable cause) {
    LOG.log(Level.WARNING, "[Memory] " + message + ": " + cause, cause);
  }
}
