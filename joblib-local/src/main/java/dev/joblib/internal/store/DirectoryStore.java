package dev.joblib.internal.store;

import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoredEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A store that keeps each entry as a directory on a file system with atomic rename: {@code
 * <location>/joblib/<functionId>/<argsId>/} holding {@value #OUTPUT} and {@value #METADATA}, and a
 * function's {@value #FUNCTION_INFO} in its directory, so a cache can be browsed like joblib's.
 *
 * <p>What does not depend on the file system is here: the layout, the walk that lists entries
 * (tolerating directories deleted meanwhile), deletes that rename a directory away before removing
 * it (readers see an entry whole or not at all), the function info written under a temporary name
 * and renamed over the old one, and the errors each operation reports. A subclass implements the
 * primitives with its file system's calls ({@link LocalStore}, and the Hadoop store for {@code
 * hdfs:}), and how it publishes an entry.
 *
 * @param <P> the file system's path type
 * @param <C> what listing a directory gives for each child: a path, or a file status
 */
public abstract class DirectoryStore<P, C> implements StoreBackend {
  /** The name of an entry's output file. */
  public static final String OUTPUT = "output.joblib";

  /** The name of an entry's metadata file. */
  public static final String METADATA = "metadata.json";

  /** The name of a function's info file. */
  public static final String FUNCTION_INFO = "func_code.json";

  private final URI location;
  private final P root;

  /**
   * Creates the store; nothing is created until the first write.
   *
   * @param location the location as the user gave it
   * @param root the directory holding the entries, {@code <location>/joblib}
   */
  protected DirectoryStore(URI location, P root) {
    this.location = location;
    this.root = root;
  }

  /**
   * What an entry's files tell a listing.
   *
   * @param size the output's and the metadata's size in bytes
   * @param lastAccess the entry's last access
   */
  public record EntryStat(long size, Instant lastAccess) {}

  // ------------------------------------------------------------------------------- primitives

  /**
   * Resolves a relative path of one or more {@code '/'}-separated names against a directory.
   *
   * @param dir the directory
   * @param relative the names
   * @return the path
   */
  protected abstract P resolve(P dir, String relative);

  /**
   * Returns a path as a URI that {@code java.nio.file} or a Hadoop file system resolves.
   *
   * @param path a path of this store
   * @return its URI
   */
  protected abstract URI uri(P path);

  /**
   * Returns a path's parent directory.
   *
   * @param path a path below the root, or the root
   * @return its parent
   */
  protected abstract P parent(P path);

  /**
   * Whether a failure says that the file or directory does not exist.
   *
   * @param e the failure of one of the primitives
   * @return true for the file system's "not found"
   */
  protected abstract boolean isMissing(IOException e);

  /**
   * Opens a file for reading.
   *
   * @param file the file
   * @return its stream
   * @throws IOException if it cannot be opened, or does not exist
   */
  protected abstract InputStream open(P file) throws IOException;

  /**
   * Reads a whole file; by default through {@link #open}.
   *
   * @param file the file
   * @return its bytes
   * @throws IOException if it cannot be read, or does not exist
   */
  protected byte[] readAll(P file) throws IOException {
    try (InputStream in = open(file)) {
      return in.readAllBytes();
    }
  }

  /**
   * Sets a file's access time, leaving its modification time.
   *
   * @param file the file
   * @param accessTime the new access time
   * @throws IOException if it cannot be set, or the file does not exist
   */
  protected abstract void setAccessTime(P file, Instant accessTime) throws IOException;

  /**
   * Renames a directory atomically to a new name that does not exist yet.
   *
   * @param dir the directory
   * @param target its new name
   * @throws IOException if it cannot be renamed, or does not exist
   */
  protected abstract void moveAway(P dir, P target) throws IOException;

  /**
   * Removes a file or a directory with everything in it; nothing if it does not exist.
   *
   * @param path the file or directory
   * @throws IOException if it cannot be removed
   */
  protected abstract void deleteTree(P path) throws IOException;

  /**
   * Creates a function's directory and the root above it, where missing.
   *
   * @param functionDir the function's directory
   * @throws IOException if they cannot be created
   */
  protected abstract void createFunctionDir(P functionDir) throws IOException;

  /**
   * Writes a new file in an existing directory.
   *
   * @param file the file, which must not exist
   * @param bytes its content
   * @throws IOException if it cannot be written
   */
  protected abstract void writeNew(P file, byte[] bytes) throws IOException;

  /**
   * Renames a file atomically over another, replacing it if it exists.
   *
   * @param from the file
   * @param to its new name
   * @throws IOException if it cannot be renamed
   */
  protected abstract void replace(P from, P to) throws IOException;

  /**
   * Lists a directory.
   *
   * @param dir the directory
   * @return its children; none (or those listed so far) if it does not exist (any more)
   * @throws IOException if it cannot be listed
   */
  protected abstract List<C> children(P dir) throws IOException;

  /**
   * Returns the path of a listed child.
   *
   * @param child the child
   * @return its path
   */
  protected abstract P path(C child);

  /**
   * Returns the name of a listed child.
   *
   * @param child the child
   * @return its last path segment
   */
  protected abstract String name(C child);

  /**
   * Whether a listed child is a directory.
   *
   * @param child the child
   * @return true for a directory
   * @throws IOException if it cannot be told
   */
  protected abstract boolean isDirectory(C child) throws IOException;

  /**
   * Reads what a listing reports of a directory named like an entry.
   *
   * @param dir the directory, from a listing
   * @return its size and last access, or null if it holds no output (any more)
   * @throws IOException if it cannot be read
   */
  protected abstract EntryStat stat(C dir) throws IOException;

  // ----------------------------------------------------------------------------------- layout

  @Override
  public final URI location() {
    return location;
  }

  /**
   * Returns the directory holding the entries, {@code <location>/joblib}.
   *
   * @return the root
   */
  public P root() {
    return root;
  }

  /**
   * Returns the directory of an entry, {@code <root>/<functionId>/<argsId>}.
   *
   * @param key the entry
   * @return its directory
   */
  public P entryDir(EntryKey key) {
    return resolve(resolve(root, key.functionId()), key.argsId());
  }

  /**
   * Creates the entry that {@link #get} finds.
   *
   * @param key its key
   * @param output its output file
   * @param size the output's size
   * @return the entry, reading through this store's primitives
   */
  protected final StoredEntry newEntry(EntryKey key, P output, long size) {
    return new DirectoryEntry<>(this, key, output, size);
  }

  /**
   * Lets an output with files of its own write them into the entry's temporary directory.
   *
   * @param output the entry's output
   * @param temp the entry's temporary directory, which exists
   * @throws IOException if the files cannot be written
   */
  protected final void writeFiles(dev.joblib.spi.EntryWriter output, P temp) throws IOException {
    if (output.writesFiles()) {
      output.writeFiles(uri(temp));
    }
  }

  /**
   * Adds the sizes of the files below an entry's subdirectories (a value codec's files), which
   * count in the entry's size.
   *
   * @param children the entry directory's children
   * @return their bytes, 0 when the entry has no subdirectory
   * @throws IOException if a subdirectory cannot be listed
   */
  protected final long filesBelow(List<C> children) throws IOException {
    long bytes = 0;
    for (C child : children) {
      if (isDirectory(child)) {
        bytes += treeSize(path(child));
      }
    }
    return bytes;
  }

  private long treeSize(P dir) throws IOException {
    long bytes = 0;
    for (C child : children(dir)) {
      bytes += isDirectory(child) ? treeSize(path(child)) : size(child);
    }
    return bytes;
  }

  /**
   * Returns a listed file's size.
   *
   * @param child a file from {@link #children}
   * @return its bytes; 0 if it is gone
   * @throws IOException if it cannot be read
   */
  protected abstract long size(C child) throws IOException;

  /** A file's bytes, or empty when it does not exist. */
  final Optional<byte[]> readIfPresent(P file) {
    try {
      return Optional.of(readAll(file));
    } catch (IOException e) {
      if (isMissing(e)) {
        return Optional.empty();
      }
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  // ----------------------------------------------------------------------- access and delete

  @Override
  public void touch(EntryKey key, Instant accessTime) {
    P output = resolve(entryDir(key), OUTPUT);
    try {
      setAccessTime(output, accessTime);
    } catch (IOException e) {
      if (!isMissing(e)) { // else deleted meanwhile: nothing to record
        throw new UncheckedIOException("cannot record the access time of " + output, e);
      }
    }
  }

  @Override
  public boolean delete(EntryKey key) {
    try {
      return deleteDirectory(entryDir(key));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete cache entry " + entryDir(key), e);
    }
  }

  /**
   * Renames a directory out of the way (readers see it whole or gone), then removes it.
   *
   * @param dir the directory
   * @return false if it did not exist
   * @throws IOException if it cannot be renamed or removed
   */
  protected final boolean deleteDirectory(P dir) throws IOException {
    P trash = resolve(parent(dir), ".del-" + UUID.randomUUID());
    try {
      moveAway(dir, trash);
    } catch (IOException e) {
      if (isMissing(e)) {
        return false;
      }
      throw e;
    }
    deleteTree(trash);
    return true;
  }

  /**
   * Removes a temporary file or directory, ignoring failures.
   *
   * @param path the file or directory
   */
  protected final void deleteQuietly(P path) {
    try {
      deleteTree(path);
    } catch (IOException e) {
      // a leftover temporary directory is invisible to readers and removed by clear()
    }
  }

  @Override
  public void deleteFunction(String functionId) {
    P functionDir = resolve(root, EntryKey.checkFunctionId(functionId));
    try {
      deleteDirectory(functionDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the cache of function " + functionDir, e);
    }
  }

  @Override
  public void clear() {
    try {
      deleteDirectory(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the cache at " + root, e);
    }
  }

  // ---------------------------------------------------------------------------------- listing

  @Override
  public Stream<EntryInfo> list() {
    List<EntryInfo> found = new ArrayList<>();
    try {
      collect(root, "", found);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list cache entries under " + root, e);
    }
    return found.stream();
  }

  @Override
  public Stream<EntryInfo> list(String functionId) {
    EntryKey.checkFunctionId(functionId);
    List<EntryInfo> found = new ArrayList<>();
    P functionDir = resolve(root, functionId);
    try {
      for (C child : children(functionDir)) {
        addIfEntry(child, functionId, found);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list cache entries under " + functionDir, e);
    }
    return found.stream();
  }

  /** Walks the tree: below a function's directories, a directory named like an args id is one. */
  private void collect(P dir, String functionId, List<EntryInfo> found) throws IOException {
    for (C child : children(dir)) {
      String name = name(child);
      if (name.startsWith(".") || !isDirectory(child)) {
        continue;
      }
      if (!functionId.isEmpty() && addIfEntry(child, functionId, found)) {
        continue;
      }
      collect(path(child), functionId.isEmpty() ? name : functionId + "/" + name, found);
    }
  }

  private boolean addIfEntry(C dir, String functionId, List<EntryInfo> found) throws IOException {
    String name = name(dir);
    if (name.startsWith(".") || !EntryNames.isArgsId(name)) {
      return false;
    }
    EntryStat stat = stat(dir);
    if (stat == null) {
      return false;
    }
    found.add(new EntryInfo(new EntryKey(functionId, name), stat.size(), stat.lastAccess()));
    return true;
  }

  // ---------------------------------------------------------------------------- function info

  @Override
  public Optional<byte[]> getFunctionInfo(String functionId) {
    return readIfPresent(
        resolve(resolve(root, EntryKey.checkFunctionId(functionId)), FUNCTION_INFO));
  }

  @Override
  public void putFunctionInfo(String functionId, byte[] info) {
    P functionDir = resolve(root, EntryKey.checkFunctionId(functionId));
    P file = resolve(functionDir, FUNCTION_INFO);
    P temp = resolve(functionDir, ".tmp-info-" + UUID.randomUUID());
    try {
      createFunctionDir(functionDir);
      writeNew(temp, info);
      replace(temp, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    } finally {
      deleteQuietly(temp);
    }
  }
}
