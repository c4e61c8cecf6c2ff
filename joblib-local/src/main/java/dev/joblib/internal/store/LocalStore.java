package dev.joblib.internal.store;

import dev.joblib.internal.OwnerOnly;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.EntryWriter;
import dev.joblib.spi.StoredEntry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store on a local (or locally mounted) file system. An entry is a directory holding {@code
 * output.joblib} and {@code metadata.json}; it is written under a temporary name and renamed into
 * place in one step, so the first writer wins and readers never see a partial entry. Deletes rename
 * the directory away before removing it. The last access is the output file's access time, set
 * explicitly by {@link #touch}. The bytes of small outputs read lately are kept while their file is
 * unchanged ({@link HotOutputs}), so a repeated hit costs one stat. The layout, listing and deletes
 * are {@link DirectoryStore}'s; this class publishes and supplies the {@code java.nio.file} calls.
 */
public final class LocalStore extends DirectoryStore<Path, Path> {
  private static final int PUBLISH_ATTEMPTS = 5;
  private static final long HOT_BYTES = 8L << 20;
  private static final byte[] GITIGNORE =
      "# Created by joblib automatically.\n*\n".getBytes(StandardCharsets.UTF_8);

  private final Path base;
  private final ConcurrentHashMap<String, Path> functionDirs = new ConcurrentHashMap<>();
  private final HotOutputs hot = new HotOutputs(HOT_BYTES);

  /**
   * Opens the store on a directory; nothing is created until the first write.
   *
   * @param location the location as the user gave it
   * @param base the directory, whose {@code joblib/} subdirectory holds the entries
   */
  public LocalStore(URI location, Path base) {
    super(location, base.toAbsolutePath().normalize().resolve("joblib"));
    this.base = base.toAbsolutePath().normalize();
  }

  @Override
  public Path entryDir(EntryKey key) {
    Path functionDir = functionDirs.get(key.functionId());
    if (functionDir == null) {
      functionDir = root().resolve(key.functionId());
      if (functionDirs.size() < 10_000) {
        functionDirs.put(key.functionId(), functionDir);
      }
    }
    return functionDir.resolve(key.argsId());
  }

  @Override
  public Optional<StoredEntry> get(EntryKey key) {
    Path output = entryDir(key).resolve(OUTPUT);
    BasicFileAttributes file;
    try {
      file = Files.readAttributes(output, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      hot.forget(key);
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read cache entry " + output + ": " + e, e);
    }
    if (!file.isRegularFile()) {
      throw new UncheckedIOException(
          new IOException("cache entry output " + output + " is not a regular file"));
    }
    if (file.size() > LocalEntry.PRELOADED_BYTES) {
      return Optional.of(new LocalEntry(this, key, output, file.size(), null));
    }
    byte[] bytes = hot.get(key, file);
    if (bytes == null) {
      try (FileChannel channel = FileChannel.open(output)) {
        bytes = LocalEntry.read(channel, file.size());
      } catch (NoSuchFileException e) {
        hot.forget(key);
        return Optional.empty(); // deleted since the first look
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read cache entry " + output + ": " + e, e);
      }
      hot.put(key, file, bytes);
    }
    return Optional.of(new LocalEntry(this, key, output, bytes.length, bytes));
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
      writeFiles(output, temp);
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
        createFunctionDir(functionDir);
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

  /** Creates the root (with a {@code .gitignore} beside it) and a function's directory. */
  @Override
  protected void createFunctionDir(Path functionDir) throws IOException {
    if (functionDir.toFile().isDirectory()) {
      return; // the common case, without createDirectories' exception for existing directories
    }
    if (!Files.isDirectory(root())) {
      OwnerOnly.createDirectories(root());
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
  public void clear() {
    if (Files.isDirectory(root())) {
      super.clear();
    }
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "LocalStore[" + base + "]";
  }

  // ------------------------------------------------------------------ java.nio.file primitives

  @Override
  protected Path resolve(Path dir, String relative) {
    return dir.resolve(relative);
  }

  @Override
  protected Path parent(Path path) {
    return path.getParent();
  }

  @Override
  protected URI uri(Path path) {
    return path.toUri();
  }

  @Override
  protected long size(Path child) throws IOException {
    try {
      return Files.size(child);
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  @Override
  protected boolean isMissing(IOException e) {
    return e instanceof NoSuchFileException;
  }

  @Override
  protected InputStream open(Path file) throws IOException {
    return Files.newInputStream(file);
  }

  @Override
  protected byte[] readAll(Path file) throws IOException {
    return Files.readAllBytes(file);
  }

  @Override
  protected void setAccessTime(Path file, Instant accessTime) throws IOException {
    Files.getFileAttributeView(file, BasicFileAttributeView.class)
        .setTimes(null, FileTime.from(accessTime), null);
  }

  @Override
  protected void moveAway(Path dir, Path target) throws IOException {
    Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  protected void deleteTree(Path path) throws IOException {
    for (int attempt = 1; ; attempt++) {
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        for (Path child : children(path)) {
          deleteTree(child);
        }
      }
      try {
        Files.deleteIfExists(path);
        return;
      } catch (DirectoryNotEmptyException e) {
        // some file systems (overlayfs) may skip entries of a directory changed while listed
        if (attempt >= 5) {
          throw e;
        }
      }
    }
  }

  @Override
  protected void writeNew(Path file, byte[] bytes) throws IOException {
    OwnerOnly.write(file, bytes);
  }

  @Override
  protected void replace(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  protected List<Path> children(Path dir) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
      listing.forEach(children::add);
    } catch (NoSuchFileException e) {
      // removed while listing
    }
    return children;
  }

  @Override
  protected Path path(Path child) {
    return child;
  }

  @Override
  protected String name(Path child) {
    return child.getFileName().toString();
  }

  @Override
  protected boolean isDirectory(Path child) {
    return Files.isDirectory(child);
  }

  @Override
  protected EntryStat stat(Path dir) throws IOException {
    try {
      BasicFileAttributes output =
          Files.readAttributes(dir.resolve(OUTPUT), BasicFileAttributes.class);
      long size = output.size();
      try {
        size += Files.size(dir.resolve(METADATA));
      } catch (NoSuchFileException e) {
        // counted without metadata
      }
      size += codecFiles(dir);
      return new EntryStat(size, output.lastAccessTime().toInstant());
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * The bytes of a value codec's files in an entry: an entry directory with no subdirectory (its
   * link count says so on most Unix file systems, without a listing) has none.
   */
  private long codecFiles(Path dir) throws IOException {
    try {
      // 2 links: the entry and its "." (ext4, xfs, tmpfs); btrfs reports 1 for any directory
      if (Files.getAttribute(dir, "unix:nlink") instanceof Integer links && links == 2) {
        return 0;
      }
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // not a Unix file system: list the directory
    }
    return filesBelow(children(dir));
  }
}
