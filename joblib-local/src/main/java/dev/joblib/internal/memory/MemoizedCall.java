package dev.joblib.internal.memory;

import dev.joblib.CacheValidation;
import dev.joblib.MemorizedResult;
import dev.joblib.spi.EntryKey;
import java.io.Serializable;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * One memoised function's call, whatever its arity: the key ({@link CallKeys}), the code check
 * ({@link CodeCheck}), the lookup ({@link EntryLookup}), and on a miss one computation per JVM
 * ({@link SingleFlight}, {@link Computation}) whose result is stored ({@link ResultPublisher}).
 *
 * <p>Immutable and serializable: only the settings, the keys and the validation travel; the steps
 * are rebuilt and the store reopened where it runs.
 */
final class MemoizedCall implements Serializable {
  private static final long serialVersionUID = 1L;

  private final MemorySettings settings;
  private final CallKeys keys;
  private final CacheValidation validation;
  private final transient CodeCheck codeCheck;
  private final transient EntryLookup lookup;
  private final transient Computation computation;
  private final transient ResultPublisher publisher;
  private transient volatile GuardedStore store;
  private transient volatile boolean storeFailed;

  MemoizedCall(MemorySettings settings, CallKeys keys, CacheValidation validation) {
    this.settings = settings;
    this.keys = keys;
    this.validation = validation;
    FunctionIdentity identity = keys.identity();
    this.codeCheck = new CodeCheck(settings, identity);
    this.lookup = new EntryLookup(settings, identity, validation);
    this.computation = new Computation(settings, identity);
    this.publisher = new ResultPublisher(settings, identity);
  }

  /** Rebuilds the steps after deserialization. */
  private Object readResolve() {
    return new MemoizedCall(settings, keys, validation);
  }

  MemoizedCall withIgnored(int... positions) {
    return new MemoizedCall(settings, keys.ignoring(positions), validation);
  }

  MemoizedCall withValidation(CacheValidation validation) {
    Objects.requireNonNull(validation, "validation must not be null");
    return new MemoizedCall(settings, keys, validation);
  }

  MemoizedCall withVersion(String version) {
    return new MemoizedCall(settings, keys.versioned(version), validation);
  }

  String functionId() {
    return keys.identity().functionId();
  }

  /** The store location, or null for a Memory that caches nothing. */
  String location() {
    return settings.location();
  }

  private boolean enabled() {
    return settings.location() != null;
  }

  /** Returns the cached value, or computes, stores and returns it. */
  Object call(Object[] args, Callable<Object> compute) throws Exception {
    return obtain(args, compute, true);
  }

  /**
   * Returns the cached value (or {@link EntryLookup#NOT_LOADED} on a hit when {@code load} is
   * false), or computes, stores and returns it.
   */
  private Object obtain(Object[] args, Callable<Object> compute, boolean load) throws Exception {
    if (!enabled()) {
      return compute.call();
    }
    EntryKey key = keys.of(args);
    GuardedStore s = store();
    if (s == null) {
      return compute.call();
    }
    codeCheck.ensure(s);
    EntryLookup.Hit firstHit = lookup.find(s, key, load);
    if (firstHit != null) {
      return firstHit.value();
    }
    return SingleFlight.run(
        settings.storeId() + "|" + key,
        () -> lookup.find(s, key, load),
        () -> computeAndPublish(s, key, args, compute));
  }

  private Object computeAndPublish(
      GuardedStore s, EntryKey key, Object[] args, Callable<Object> compute) throws Exception {
    Computation.Computed computed = computation.run(args, compute);
    publisher.publish(s, key, args, computed);
    if (ValuePlugins.codecFor(computed.value()) != null) {
      // a codec's value is returned as read back from the entry, on a miss as on a hit
      EntryLookup.Hit stored = lookup.find(s, key, true);
      if (stored != null) {
        return stored.value();
      }
    }
    return computed.value();
  }

  boolean isCached(Object[] args) {
    if (!enabled()) {
      return false;
    }
    EntryKey key = keys.of(args);
    GuardedStore s = store();
    if (s == null) {
      return false;
    }
    codeCheck.ensure(s);
    return lookup.find(s, key, false) != null;
  }

  MemorizedResult<Object> callAndShelve(Object[] args, Callable<Object> compute) throws Exception {
    if (!enabled()) {
      return new ShelvedResult<>(null, null, functionId(), "0".repeat(32), compute.call(), true);
    }
    EntryKey key = keys.of(args);
    Object value = obtain(args, compute, false);
    GuardedStore s = store();
    boolean stored = value == EntryLookup.NOT_LOADED || (s != null && s.get(key).isPresent());
    return stored
        ? new ShelvedResult<>(
            settings, keys.identity(), key.functionId(), key.argsId(), null, false)
        : new ShelvedResult<>(
            settings, keys.identity(), key.functionId(), key.argsId(), value, true);
  }

  /** Deletes every stored result of this function. */
  void clear() {
    if (!enabled()) {
      return;
    }
    Stores.open(settings).unguarded().deleteFunction(functionId());
    codeCheck.forget();
  }

  private GuardedStore store() {
    GuardedStore s = store;
    if (s == null && !storeFailed) {
      // a missing library or a bad option is a mistake to fix, not an outage to ride out: fail
      Stores.check(settings);
      try {
        s = Stores.open(settings);
        store = s;
      } catch (RuntimeException e) {
        storeFailed = true;
        GuardedStore.warn(
            "cannot open the cache at "
                + settings.location()
                + "; "
                + keys.identity().displayName()
                + " runs without caching",
            e);
      }
    }
    return s;
  }
}
