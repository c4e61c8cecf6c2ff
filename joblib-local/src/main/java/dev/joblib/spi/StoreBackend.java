package dev.joblib.spi;

import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where {@code Memory} keeps its entries: a local directory, an HDFS path, an S3 prefix.
 *
 * <p>An entry is the output of one call (the dump of its result) plus a small metadata document
 * ({@code metadata.json}), kept under {@code <location>/joblib/<functionId>/<argsId>/}. Besides
 * entries, each function has an optional small info document (its code hash), kept at {@code
 * <location>/joblib/<functionId>/func_code.json}.
 *
 * <p>Guarantees every store gives (checked by {@code StoreBackendContract}):
 *
 * <ul>
 *   <li><b>Atomic publish.</b> {@link #publish} makes an entry visible whole or not at all: a
 *       reader in any thread, process or machine never sees a partial output or an output without
 *       its metadata. The local and HDFS stores write a temporary name (starting with {@code '.'})
 *       and rename it; S3 uses one conditional PUT.
 *   <li><b>First writer wins.</b> When several writers publish one key concurrently, one entry
 *       results and the others' content is discarded. Stores that cannot do conditional writes may
 *       let the last writer win instead (the content of one key is the same for every writer), and
 *       must say so in their documentation.
 *   <li><b>Temporary data is invisible.</b> {@link #get}, {@link #list()} and {@link #list(String)}
 *       ignore temporary names; a writer that dies leaves at most a temporary file that {@link
 *       #clear()} removes.
 *   <li><b>Thread safety.</b> Every method may be called from many threads at once.
 *   <li><b>Unchecked errors.</b> I/O failures surface as {@link UncheckedIOException} with the path
 *       or key in the message and the original exception as cause; nothing is swallowed. {@code
 *       Memory} wraps every store in a guard that turns such failures into cache misses.
 * </ul>
 *
 * <p>A store does not interpret the output's bytes: detecting a truncated or corrupt output is the
 * caller's job (the dump format carries checksums); the store only has to keep, list and delete
 * what it was given.
 *
 * @since 0.1
 */
public interface StoreBackend extends AutoCloseable {
  /**
   * Returns the location this store was opened on.
   *
   * @return the location as given in the {@link StoreSpec}, never null
   */
  URI location();

  /**
   * Looks an entry up without reading it.
   *
   * @param key the entry, never null
   * @return a handle to read the entry, or empty if no complete entry exists under {@code key}
   * @throws UncheckedIOException if the store cannot be queried
   */
  Optional<StoredEntry> get(EntryKey key);

  /**
   * Publishes an entry atomically, if none exists under {@code key} yet. The output is written
   * through {@code output} to a place readers do not look at, then made visible together with
   * {@code metadata} in one atomic step. If an entry already exists, or another writer publishes
   * first, the existing entry is kept and this call returns {@code false} after removing its own
   * temporary data.
   *
   * <p>The entry's last access is the time of publication.
   *
   * @param key the entry, never null
   * @param output writes the output, never null; called at most once
   * @param metadata the bytes of the entry's {@code metadata.json}, never null
   * @return {@code true} if this call published the entry; {@code false} if an entry was there, or
   *     if a concurrent {@link #clear()} or {@link #deleteFunction} removed the place where it was
   *     being written (as if it had been published and deleted at once)
   * @throws UncheckedIOException if writing fails or {@code output} throws an {@link
   *     java.io.IOException}; nothing is published then
   * @throws RuntimeException whatever unchecked exception {@code output} throws; nothing is
   *     published then
   */
  boolean publish(EntryKey key, EntryWriter output, byte[] metadata);

  /**
   * Records {@code accessTime} as the entry's last access, which {@link #list()} reports and
   * eviction follows. Missing entries are ignored. A store whose updates cost a request (S3) may
   * skip an update that moves the recorded time forward by less than an interval it documents; a
   * time earlier than the recorded one is always stored.
   *
   * @param key the entry, never null
   * @param accessTime the time to record, never null
   * @throws UncheckedIOException if the store cannot be updated
   */
  void touch(EntryKey key, Instant accessTime);

  /**
   * Deletes an entry. Readers see the entry whole or not at all while it is being deleted.
   *
   * @param key the entry, never null
   * @return {@code true} if this call deleted it, {@code false} if it did not exist
   * @throws UncheckedIOException if the entry exists and cannot be deleted
   */
  boolean delete(EntryKey key);

  /**
   * Deletes many entries, in batches where the store supports it (S3's DeleteObjects). Missing
   * entries are skipped.
   *
   * @param keys the entries, never null
   * @return how many entries this call deleted
   * @throws UncheckedIOException if an existing entry cannot be deleted; the others are still
   *     attempted and their failures added as suppressed exceptions
   */
  default int deleteAll(Collection<EntryKey> keys) {
    int deleted = 0;
    UncheckedIOException failure = null;
    for (EntryKey key : keys) {
      try {
        if (delete(key)) {
          deleted++;
        }
      } catch (UncheckedIOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return deleted;
  }

  /**
   * Lists every complete entry of the store, lazily (a paginated listing on object stores). The
   * caller closes the stream. Entries published or deleted while the stream is consumed may or may
   * not appear.
   *
   * @return the entries in no particular order, never null
   * @throws UncheckedIOException if the listing fails, when the stream is created or consumed
   */
  Stream<EntryInfo> list();

  /**
   * Lists the complete entries of one function, lazily. The caller closes the stream.
   *
   * @param functionId the function, as in {@link EntryKey#functionId()}, never null
   * @return the entries in no particular order, never null; empty if the function has none
   * @throws UncheckedIOException if the listing fails
   */
  Stream<EntryInfo> list(String functionId);

  /**
   * Reads a function's info document ({@code func_code.json}).
   *
   * @param functionId the function, never null
   * @return its bytes, or empty if none was written
   * @throws UncheckedIOException if it exists and cannot be read
   */
  Optional<byte[]> getFunctionInfo(String functionId);

  /**
   * Writes a function's info document, replacing any previous one atomically (the last writer wins;
   * readers see one version whole).
   *
   * @param functionId the function, never null
   * @param info the document's bytes, never null
   * @throws UncheckedIOException if it cannot be written
   */
  void putFunctionInfo(String functionId, byte[] info);

  /**
   * Deletes every entry of a function and its info document.
   *
   * @param functionId the function, never null
   * @throws UncheckedIOException if something cannot be deleted
   */
  void deleteFunction(String functionId);

  /**
   * Deletes everything under {@code <location>/joblib/}: every entry, info document and leftover
   * temporary file. The location itself stays.
   *
   * @throws UncheckedIOException if something cannot be deleted
   */
  void clear();

  /**
   * Releases the store's clients and connections. Entries stay. Never throws a checked exception.
   */
  @Override
  void close();
}
