package dev.joblib.internal.memory;

import dev.joblib.LoadOptions;
import dev.joblib.PersistenceException;
import dev.joblib.spi.StoredEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a cached function's entries under the right filter, decided once per function and JVM where
 * it runs (the function's classes are there, on a worker too):
 *
 * <ul>
 *   <li>signed Memory: the entry's signature must verify under the key bound to its key, code hash
 *       and metadata ({@link EntrySigning}); then the default deny-list filter, since only a holder
 *       of the key wrote it;
 *   <li>a private local directory ({@link PrivateLocation}): the default deny-list filter;
 *   <li>any other store: safe mode ({@link LoadOptions#safe(java.lang.reflect.Type...)}) on the
 *       function's class and declared types, plus the Memory's {@code allow} patterns.
 * </ul>
 */
final class EntryReader {
  private static final System.Logger LOG = System.getLogger("dev.joblib.Memory");
  private final MemorySettings settings;
  private final FunctionIdentity identity;
  private volatile LoadOptions options;

  EntryReader(MemorySettings settings, FunctionIdentity identity) {
    this.settings = settings;
    this.identity = identity;
  }

  /**
   * Loads an entry's value.
   *
   * @throws RuntimeException if it is refused (a class outside the filter, a signature that does
   *     not verify, missing metadata on a signed entry), corrupt or unreadable
   */
  Object read(StoredEntry entry) {
    return ValuePlugins.decode(load(entry), entry);
  }

  private Object load(StoredEntry entry) {
    LoadOptions base = options();
    if (!settings.signed()) {
      try {
        return ResultCodec.load(entry, settings, base);
      } catch (PersistenceException e) {
        if (e.reason() != PersistenceException.Reason.REFUSED || base.allowed().isEmpty()) {
          throw e;
        }
        throw new PersistenceException(
            e.reason(),
            e.getMessage()
                + " (entries of a store that is not a private local directory load in safe mode;"
                + " if the class is yours, widen it with Memory.builder().allow(...), see"
                + " docs/persistence.md)",
            null,
            e);
      }
    }
    byte[] metadata =
        entry
            .readMetadata()
            .orElseThrow(
                () ->
                    new PersistenceException(
                        PersistenceException.Reason.BAD_SIGNATURE,
                        "entry " + entry.key() + " is signed but has no metadata.json",
                        null,
                        null));
    byte[] key =
        EntrySigning.entryKey(settings.signingKey(), entry.key(), identity.codeHash(), metadata);
    return ResultCodec.load(entry, settings, base.withVerification(key));
  }

  private LoadOptions options() {
    LoadOptions o = options;
    if (o == null) {
      o = decide();
      options = o;
    }
    return o;
  }

  private LoadOptions decide() {
    LoadOptions base = ResultCodec.loadOptions(settings);
    if (settings.signed() || PrivateLocation.isPrivate(settings.location())) {
      return base;
    }
    List<String> allowed = new ArrayList<>();
    if (identity.types() != null) {
      allowed.addAll(LoadOptions.safe(identity.types().roots()).allowed());
    }
    allowed.addAll(settings.allowed());
    if (allowed.isEmpty()) {
      allowed.add("java.lang.Object"); // JDK types only, still in allow-list mode
    }
    LOG.log(
        System.Logger.Level.DEBUG,
        "[Memory] entries of {0} in {1} load in safe mode, admitting the JDK value types and {2}",
        identity.displayName(),
        settings.location(),
        allowed);
    return base.withAllowed(allowed.toArray(new String[0]));
  }
}
