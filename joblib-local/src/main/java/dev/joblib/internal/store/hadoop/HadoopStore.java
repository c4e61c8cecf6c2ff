package dev.joblib.internal.store.hadoop;

import dev.joblib.internal.store.NonClosingOutputStream;
import dev.joblib.internal.store.SizedEntry;
import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.EntryWriter;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoredEntry;
import java.io.FileNotFoundException;
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
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options.Rename;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The store on a Hadoop file system with atomic rename (HDFS, viewfs, webhdfs...). The layout is
 * the local store's: {@code <location>/joblib/<functionId>/<argsId>/} holding {@code output.joblib}
 * and {@code metadata.json}. An entry is written into a temporary directory and renamed into place
 * with {@link FileContext#rename(Path, Path, Rename...)} and {@link Rename#NONE}, which fails when
 * the destination exists: the first writer wins and the others delete their temporary directory.
 * The last access is the output file's access time, set with {@code setTimes}.
 */
final class HadoopStore implements StoreBackend {
  static final String OUTPUT = "output.joblib";
  static final String METADATA = "metadata.json";
  static final String FUNCTION_INFO = "func_code.json";
  private static final int PUBLISH_ATTEMPTS = 5;

  private final URI location;
  private final FileSystem fs;
  private final FileContext fc;
  private final Path root;
  private final FsPermission dirPermission;

  HadoopStore(URI location, FileSystem fs, FileContext fc, Path base) {
    this.location = location;
    this.fs = fs;
    this.fc = fc;
    this.root = new Path(fs.makeQualified(base), "joblib");
    this.dirPermission =
        FsPermission.getDirDefault().applyUMask(FsPermission.getUMask(fs.getConf()));
  }

  /**
   * Creates the root, a function's directory and optionally one directory in it, each explicitly
   * with the client's umask ({@code fs.permissions.umask-mode}): HDFS gives the parents that a
   * create makes implicitly the NameNode's default instead.
   */
  private void createDirectories(Path functionDir, Path dir) throws IOException {
    fs.mkdirs(root, dirPermission);
    fs.mkdirs(functionDir, dirPermission);
    if (dir != null) {
      fs.mkdirs(dir, dirPermission);
    }
  }

  /**
   * Creates a file whose directory must exist (a concurrent clear makes this fail, not undo it).
   */
  private FSDataOutputStream createInExistingDirectory(Path file) throws IOException {
    return fs.createFile(file).overwrite(false).build();
  }

  @Override
  public URI location() {
    return location;
  }

  Path root() {
    return root;
  }

  Path entryDir(EntryKey key) {
    return new Path(new Path(root, key.functionId()), key.argsId());
  }

  @Override
  public Optional<StoredEntry> get(EntryKey key) {
    Path output = new Path(entryDir(key), OUTPUT);
    try {
      FileStatus status = fs.getFileStatus(output);
      return Optional.of(new HadoopEntry(key, output, status.getLen()));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look up cache entry " + output, e);
    }
  }

  @Override
  public boolean publish(EntryKey key, EntryWriter output, byte[] metadata) {
    Path entry = entryDir(key);
    Path temp = new Path(entry.getParent(), ".tmp-" + key.argsId() + "-" + UUID.randomUUID());
    try {
      if (fs.exists(new Path(entry, OUTPUT))) {
        return false;
      }
      try {
        createDirectories(entry.getParent(), temp);
        try (FSDataOutputStream out = createInExistingDirectory(new Path(temp, OUTPUT))) {
          output.writeTo(new NonClosingOutputStream(out));
        }
        try (FSDataOutputStream out = createInExistingDirectory(new Path(temp, METADATA))) {
          out.write(metadata);
        }
      } catch (IOException e) {
        if (!fs.exists(temp)) {
          // a concurrent clear() or deleteFunction() removed the temporary directory: the clear
          // wins, as if it had come after this publish
          return false;
        }
        throw e;
      }
      return moveIntoPlace(temp, entry);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish cache entry " + entry, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  private boolean moveIntoPlace(Path temp, Path entry) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        fc.rename(temp, entry, Rename.NONE);
        return true;
      } catch (FileAlreadyExistsException e) {
        if (fs.exists(new Path(entry, OUTPUT)) || attempt >= PUBLISH_ATTEMPTS) {
          return false; // another writer won
        }
        deleteDirectory(entry); // a directory without output is debris: remove and retry
      } catch (FileNotFoundException e) {
        if (!fs.exists(temp)) {
          return false; // a concurrent clear() removed the temporary directory: the clear wins
        }
        if (attempt >= PUBLISH_ATTEMPTS) {
          throw e;
        }
        // a concurrent deleteFunction() removed the destination's parent: recreate it
        createDirectories(entry.getParent(), null);
      }
    }
  }

  @Override
  public void touch(EntryKey key, Instant accessTime) {
    Path output = new Path(entryDir(key), OUTPUT);
    try {
      fs.setTimes(output, -1, accessTime.toEpochMilli());
    } catch (FileNotFoundException e) {
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

  /** Renames a directory out of the way (readers see it whole or gone), then removes it. */
  private boolean deleteDirectory(Path dir) throws IOException {
    Path trash = new Path(dir.getParent(), ".del-" + UUID.randomUUID());
    try {
      fc.rename(dir, trash, Rename.NONE);
    } catch (FileNotFoundException e) {
      return false;
    }
    fs.delete(trash, true);
    return true;
  }

  private void deleteQuietly(Path path) {
    try {
      fs.delete(path, true);
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
    Path functionDir = new Path(root, functionId);
    try {
      for (FileStatus child : children(functionDir)) {
        if (child.isDirectory()) {
          addIfEntry(child.getPath(), functionId, found);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list cache entries under " + functionDir, e);
    }
    return found.stream();
  }

  /** The children of a directory; none if it does not exist (any more). */
  private List<FileStatus> children(Path dir) throws IOException {
    List<FileStatus> children = new ArrayList<>();
    try {
      RemoteIterator<FileStatus> it = fs.listStatusIterator(dir);
      while (it.hasNext()) {
        children.add(it.next());
      }
    } catch (FileNotFoundException e) {
      // removed while listing
    }
    return children;
  }

  private void collect(Path dir, String functionId, List<EntryInfo> found) throws IOException {
    for (FileStatus child : children(dir)) {
      String name = child.getPath().getName();
      if (name.startsWith(".") || !child.isDirectory()) {
        continue;
      }
      if (!functionId.isEmpty() && addIfEntry(child.getPath(), functionId, found)) {
        continue;
      }
      collect(child.getPath(), functionId.isEmpty() ? name : functionId + "/" + name, found);
    }
  }

  private boolean addIfEntry(Path dir, String functionId, List<EntryInfo> found)
      throws IOException {
    String name = dir.getName();
    if (name.startsWith(".") || !isHex(name)) {
      return false;
    }
    FileStatus output = null;
    long metadataSize = 0;
    for (FileStatus file : children(dir)) {
      if (file.getPath().getName().equals(OUTPUT)) {
        output = file;
      } else if (file.getPath().getName().equals(METADATA)) {
        metadataSize = file.getLen();
      }
    }
    if (output == null) {
      return false;
    }
    long access =
        output.getAccessTime() > 0 ? output.getAccessTime() : output.getModificationTime();
    found.add(
        new EntryInfo(
            new EntryKey(functionId, name),
            output.getLen() + metadataSize,
            Instant.ofEpochMilli(access)));
    return true;
  }

  static boolean isHex(String name) {
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
    Path file = new Path(new Path(root, EntryKey.checkFunctionId(functionId)), FUNCTION_INFO);
    try (FSDataInputStream in = fs.open(file)) {
      return Optional.of(in.readAllBytes());
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @Override
  public void putFunctionInfo(String functionId, byte[] info) {
    Path functionDir = new Path(root, EntryKey.checkFunctionId(functionId));
    Path file = new Path(functionDir, FUNCTION_INFO);
    Path temp = new Path(functionDir, ".tmp-info-" + UUID.randomUUID());
    try {
      createDirectories(functionDir, null);
      try (FSDataOutputStream out = createInExistingDirectory(temp)) {
        out.write(info);
      }
      fc.rename(temp, file, Rename.OVERWRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  @Override
  public void deleteFunction(String functionId) {
    Path functionDir = new Path(root, EntryKey.checkFunctionId(functionId));
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

  @Override
  public void close() {
    try {
      fs.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the file system of " + location, e);
    }
  }

  @Override
  public String toString() {
    return "HadoopStore[" + root.getParent() + "]";
  }

  private final class HadoopEntry extends SizedEntry {
    private final Path output;

    HadoopEntry(EntryKey key, Path output, long size) {
      super(key, size);
      this.output = output;
    }

    @Override
    public InputStream openOutput() {
      try {
        return fs.open(output);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open cache entry " + output, e);
      }
    }

    @Override
    public Optional<byte[]> readMetadata() {
      Path file = new Path(output.getParent(), METADATA);
      try (FSDataInputStream in = fs.open(file)) {
        return Optional.of(in.readAllBytes());
      } catch (FileNotFoundException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
  }
}
