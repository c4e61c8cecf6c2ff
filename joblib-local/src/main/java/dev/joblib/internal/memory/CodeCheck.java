package dev.joblib.internal.memory;

import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The code-change check: once per JVM, store and function, compares the function's code hash with
 * the one the store recorded ({@code func_code.json}); when they differ, the results of the old
 * code are cleared. Then the current hash is recorded.
 */
final class CodeCheck {
  private static final System.Logger LOG = System.getLogger("dev.joblib.Memory");

  /** Per store and function, the code hash already checked against the store in this JVM. */
  private static final ConcurrentHashMap<String, String> CHECKED_CODE = new ConcurrentHashMap<>();

  private final MemorySettings settings;
  private final FunctionIdentity identity;
  private final String checkedKey;

  CodeCheck(MemorySettings settings, FunctionIdentity identity) {
    this.settings = settings;
    this.identity = identity;
    this.checkedKey = settings.storeId() + "|" + identity.functionId();
  }

  /** Forgets which functions this JVM has checked in a store (after {@code Memory.clear}). */
  static void forgetStore(MemorySettings settings) {
    CHECKED_CODE.keySet().removeIf(k -> k.startsWith(settings.storeId() + "|"));
  }

  /** Forgets that this function was checked (after its results were cleared). */
  void forget() {
    CHECKED_CODE.remove(checkedKey);
  }

  /** Compares the function's code hash with the store's (once per JVM); clears stale results. */
  void ensure(GuardedStore s) {
    String codeHash = identity.codeHash();
    if (codeHash.equals(CHECKED_CODE.get(checkedKey))) {
      return;
    }
    synchronized (CHECKED_CODE) {
      if (codeHash.equals(CHECKED_CODE.get(checkedKey))) {
        return;
      }
      String stored = null;
      Optional<byte[]> info = s.getFunctionInfo(identity.functionId());
      if (info.isPresent()) {
        try {
          stored = MetadataCodec.codeHashOf(info.get());
        } catch (IllegalArgumentException e) {
          GuardedStore.warn("func_code.json of " + identity.functionId() + " is unreadable", e);
        }
      }
      if (stored != null && !stored.equals(codeHash)) {
        LOG.log(
            Level.INFO,
            "[Memory] Function {0} ({1}) has changed (code {2} -> {3}): clearing its cached results"
                + " in {4}",
            identity.displayName(),
            identity.functionId(),
            stored,
            codeHash,
            settings.location());
        s.deleteFunction(identity.functionId());
      }
      if (!codeHash.equals(stored)) {
        s.putFunctionInfo(
            identity.functionId(),
            MetadataCodec.encodeFunctionInfo(identity.functionId(), codeHash));
      }
      CHECKED_CODE.put(checkedKey, codeHash);
    }
  }
}
