package dev.joblib.internal.store;

import dev.joblib.internal.OwnerOnly;
import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.EntryWriter;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoredEntry;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The store on a local (or locally mounted) file system. An entry is a directory holding {@code
 * output.joblib} and {@code metadata.json}; it is written under a temporary name and renamed into
 * place in one step, so the first writer wins and readers never see a partial entry. Deletes rename
 * the directory away before removing it. The last access is the output file's access time, set
 * explicitly by {@link #touch}.
 */
public final class LocalStore implements StoreBackend {
  /** The name of an entry's output file. */
  public static final String OUTPUT = "output.joblib";

  /** The name of an entry's metadata file. */
  public static final String METADATA = "metadata.json";

  /** The name of a function's info file. */
  public static final String FUNCTION_INFO = "func_code.json";

  private static final int PUBLISH_ATTEMPTS = 5;
  private static final byte[] GITIGNORE =
      "# Created by joblib automatically.\n*\n".getBytes(StandardCharsets.UTF_8);

  private final URI location;
  private final Path base;
  private final Path root;
  private final java.util.concurrent.ConcurrentHashMap<String, Path> functionDirs =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Opens the store on a directory; nothing is created until the first write.
   *
   * @param location the location as the user gave it
   * @param base the directory, whose {@code joblib/} subdirectory holds the entries
   */
  public LocalStore(URI location, Path base) {
    this.location = location;
    this.base = base.toAbsolutePath().normalize();
    this.root = this.base.resolve("joblib");
  }

  @Override
  public URI location() {
    return location;
  }

  /** Returns the directory holding the entries, {@code <location>/joblib}. */
  public Path root() {
    return root;
  }

  private Path entryDir(EntryKey key) {
    Path functionDir = functionDirs.get(key.functionId());
    if (functionDir == null) {
      functionDir = root.resolve(key.functionId());
      if (functionDirs.size() < 10_000) {
        functionDirs.put(key.functionId(), functionDir);
      }
    }
    return functionDir.resolve(key.argsId());
  }

  @Override
  public Optional<StoredEntry> get(EntryKey key) {
    Path output = entryDir(key).resolve(OUTPUT);
    // java.io.File answers "missing" without an exception: misses are the common case here
    File file = output.toFile();
    long size = file.length();
    if (size == 0 && !file.isFile()) {
      if (!file.exists()) {
        return Optional.empty();
      }
      if (!file.isFile()) {
        throw new UncheckedIOException(
            new IOException("cache entry output " + output + " is not a regular file"));
      }
      size = file.length(); // published between the two looks
    }
    return Optional.of(new LocalEntry(key, output, size));
  }

  @Override
  public boolean publish(EntryKey key, EntryWriter output, byte[] metadata) {
    Path entry = entryDir(key);
    if (entry.resolve(OUTPUT).toFile().exists()) {
      return false;
    }
    Path temp = null;
    try {
      temp = createTemp(entry.getParent(), ".tmp-" + key.argsId() + "-");
      writeOutput(temp.resolve(OUTPUT), output);
      OwnerOnly.write(temp.resolve(METADATA), metadata);
      boolean published = moveIntoPlace(temp, entry);
      if (published) {
        temp = null; // it is the entry now
      }
      return published;
    } catch (NoSuchFileException e) {
      if (temp != null && !Files.exists(temp)) {
        return false; // a concurrent clear or deleteFunction took the temporary directory away
      }
      throw new UncheckedIOException("cannot publish cache entry " + entry + ": " + e, e);
    } catch (IOException e) {
      // the cause in the message: the warning Memory logs then says why (a full disk, say)
      throw new UncheckedIOException("cannot publish cache entry " + entry + ": " + e, e);
    } finally {
      if (temp != null) {
        deleteQuietly(temp);
      }
    }
  }

  /** Creates a temporary directory, retrying when a concurrent clear removes its parent. */
  private Path createTemp(Path functionDir, String prefix) throws IOException {
    for (int attempt = 1; ; attempt++) {
      Path temp = functionDir.resolve(prefix + UUID.randomUUID());
      try {
        createRoot(functionDir);
        return OwnerOnly.createDirectory(temp);
      } catch (NoSuchFileException | FileAlreadyExistsException e) {
        // a concurrent clear removed the parent, or renamed it away while it was being checked
        if (attempt >= PUBLISH_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static void writeOutput(Path file, EntryWriter output) throws IOException {
    try (OutputStream out = new BufferedOutputStream(OwnerOnly.newOutputStream(file), 1 << 16)) {
      output.writeTo(new NonClosingOutputStream(out));
    }
  }

  private boolean moveIntoPlace(Path temp, Path entry) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
        return true;
      } catch (AtomicMoveNotSupportedException | NoSuchFileException e) {
        throw e;
      } catch (FileSystemException e) {
        if (Files.exists(entry.resolve(OUTPUT))) {
          return false; // another writer won
        }
        if (attempt >= PUBLISH_ATTEMPTS) {
          throw e;
        }
        if (Files.isDirectory(entry)) {
          // a directory without output is debris (for example emptied by hand): remove it
          deleteDirectory(entry);
        }
        // else it was deleted meanwhile: try again
      }
    }
  }

  private void createRoot(Path functionDir) throws IOException {
    if (functionDir.toFile().isDirectory()) {
      return; // the common case, without createDirectories' exception for existing directories
    }
    if (!Files.isDirectory(root)) {
      OwnerOnly.createDirectories(root);
      Path gitignore = base.resolve(".gitignore");
      if (!Files.exists(gitignore)) {
        try {
          OwnerOnly.write(gitignore, GITIGNORE);
        } catch (FileAlreadyExistsException e) {
          // written by a concurrent writer
        }
      }
    }
    OwnerOnly.createDirectories(functionDir);
  }

  @Override
  public void touch(EntryKey key, Instant accessTime) {
    Path output = entryDir(key).resolve(OUTPUT);
    try {
      Files.getFileAttributeView(output, BasicFileAttributeView.class)
          .setTimes(null, FileTime.from(accessTime), null);
    } catch (NoSuchFileException e) {
      // deleted meanwhile: nothing to record
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the access time of " + output, e);
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

  /** Renames a directory out of the way, then removes it; false if it did not exist. */
  private static boolean deleteDirectory(Path dir) throws IOException {
    Path trash = dir.resolveSibling(".del-" + UUID.randomUUID());
    try {
      Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return false;
    }
    deleteTree(trash);
    return true;
  }

  private static void deleteTree(Path path) throws IOException {
    for (int attempt = 1; ; attempt++) {
      if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(path)) {
          listing.forEach(children::add);
        } catch (NoSuchFileException e) {
          return;
        }
        for (Path child : children) {
          deleteTree(child);
        }
      }
      try {
        Files.deleteIfExists(path);
        return;
      } catch (java.nio.file.DirectoryNotEmptyException e) {
        // some file systems (overlayfs) may skip entries of a directory changed while listed
        if (attempt >= 5) {
          throw e;
        }
      }
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      deleteTree(path);
    } catch (IOException e) {
      // a leftover temporary directory is invisible to readers and removed by clear()
    }
  }

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
    Path functionDir = root.resolve(functionId);
    try (DirectoryStream<Path> children = Files.newDirectoryStream(functionDir)) {
      for (Path child : children) {
        addIfEntry(child, functionId, found);
      }
    } catch (NoSuchFileException e) {
      // no entries
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list cache entries under " + functionDir, e);
    }
    return found.stream();
  }

  /** Walks the tree, tolerating directories deleted concurrently. */
  private static void collect(Path dir, String functionId, List<EntryInfo> found)
      throws IOException {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (name.startsWith(".") || !Files.isDirectory(child)) {
          continue;
        }
        if (!functionId.isEmpty() && addIfEntry(child, functionId, found)) {
          continue;
        }
        collect(child, functionId.isEmpty() ? name : functionId + "/" + name, found);
      }
    } catch (NoSuchFileException e) {
      // removed while listing
    }
  }

  private static boolean addIfEntry(Path dir, String functionId, List<EntryInfo> found)
      throws IOException {
    String name = dir.getFileName().toString();
    if (name.startsWith(".") || !isHex(name)) {
      return false;
    }
    try {
      BasicFileAttributes output =
          Files.readAttributes(dir.resolve(OUTPUT), BasicFileAttributes.class);
      long size = output.size();
      try {
        size += Files.size(dir.resolve(METADATA));
      } catch (NoSuchFileException e) {
        // counted without metadata
      }
      Instant access = output.lastAccessTime().toInstant();
      found.add(new EntryInfo(new EntryKey(functionId, name), size, access));
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static boolean isHex(String name) {
    if (name.length() < 8 || name.length() > 128) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Optional<byte[]> getFunctionInfo(String functionId) {
    Path file = root.resolve(EntryKey.checkFunctionId(functionId)).resolve(FUNCTION_INFO);
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @Override
  public void putFunctionInfo(String functionId, byte[] info) {
    Path functionDir = root.resolve(EntryKey.checkFunctionId(functionId));
    Path file = functionDir.resolve(FUNCTION_INFO);
    Path temp = functionDir.resolve(".tmp-info-" + UUID.randomUUID());
    try {
      createRoot(functionDir);
      OwnerOnly.write(temp, info);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  @Override
  public void deleteFunction(String functionId) {
    Path functionDir = root.resolve(EntryKey.checkFunctionId(functionId));
    try {
      deleteDirectory(functionDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the cache of function " + functionDir, e);
    }
  }

  @Override
  public void clear() {
    try {
      if (Files.isDirectory(root)) {
        deleteDirectory(root);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the cache at " + root, e);
    }
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "LocalStore[" + base + "]";
  }

  private static final class LocalEntry extends SizedEntry {
    private final Path output;

    LocalEntry(EntryKey key, Path output, long size) {
      super(key, size);
      this.output = output;
    }

    @Override
    public InputStream openOutput() {
      try {
        return Files.newInputStream(output);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open cache entry " + output, e);
      }
    }

    @Override
    public byte[] readOutput() {
      if (outputSize() > Integer.MAX_VALUE - 16) {
        return super.readOutput(); // throws: too big for an array
      }
      // the size is known from get(): one open, read and close (no second stat)
      byte[] bytes = new byte[(int) outputSize()];
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      try (FileChannel channel = FileChannel.open(output)) {
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
          // read until full or end of file
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read cache entry " + output, e);
      }
      return buffer.hasRemaining() ? Arrays.copyOf(bytes, buffer.position()) : bytes;
    }

    @Override
    public Optional<Path> localOutputFile() {
      return Optional.of(output);
    }

    @Override
    public Optional<byte[]> readMetadata() {
      Path file = output.resolveSibling(METADATA);
      try {
        return Optional.of(Files.readAllBytes(file));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
  }
}
