package dev.joblib.internal.store.hadoop;

import dev.joblib.internal.store.DirectoryStore;
import dev.joblib.internal.store.NonClosingOutputStream;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.EntryWriter;
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
 * the local store's ({@link DirectoryStore}): {@code <location>/joblib/<functionId>/<argsId>/}
 * holding {@code output.joblib} and {@code metadata.json}. An entry is written into a temporary
 * directory and renamed into place with {@link FileContext#rename(Path, Path, Rename...)} and
 * {@link Rename#NONE}, which fails when the destination exists: the first writer wins and the
 * others delete their temporary directory. The last access is the output file's access time, set
 * with {@code setTimes}.
 */
final class HadoopStore extends DirectoryStore<Path, FileStatus> {
  private static final int PUBLISH_ATTEMPTS = 5;

  private final FileSystem fs;
  private final FileContext fc;
  private final FsPermission dirPermission;

  HadoopStore(URI location, FileSystem fs, FileContext fc, Path base) {
    super(location, new Path(fs.makeQualified(base), "joblib"));
    this.fs = fs;
    this.fc = fc;
    this.dirPermission =
        FsPermission.getDirDefault().applyUMask(FsPermission.getUMask(fs.getConf()));
  }

  /**
   * Creates the root, a function's directory and optionally one directory in it, each explicitly
   * with the client's umask ({@code fs.permissions.umask-mode}): HDFS gives the parents that a
   * create makes implicitly the NameNode's default instead.
   */
  private void createDirectories(Path functionDir, Path dir) throws IOException {
    fs.mkdirs(root(), dirPermission);
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
  public Optional<StoredEntry> get(EntryKey key) {
    Path output = new Path(entryDir(key), OUTPUT);
    try {
      FileStatus status = fs.getFileStatus(output);
      return Optional.of(newEntry(key, output, status.getLen()));
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
        writeFiles(output, temp);
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
  public void close() {
    HadoopStores.close(fs, location());
  }

  @Override
  public String toString() {
    return "HadoopStore[" + root().getParent() + "]";
  }

  // ------------------------------------------------------------------ Hadoop FileSystem calls

  @Override
  protected Path resolve(Path dir, String relative) {
    return new Path(dir, relative);
  }

  @Override
  protected Path parent(Path path) {
    return path.getParent();
  }

  @Override
  protected URI uri(Path path) {
    return fs.makeQualified(path).toUri();
  }

  @Override
  protected long size(FileStatus child) {
    return child.getLen();
  }

  @Override
  protected boolean isMissing(IOException e) {
    return e instanceof FileNotFoundException;
  }

  @Override
  protected InputStream open(Path file) throws IOException {
    return fs.open(file);
  }

  @Override
  protected void setAccessTime(Path file, Instant accessTime) throws IOException {
    fs.setTimes(file, -1, accessTime.toEpochMilli());
  }

  @Override
  protected void moveAway(Path dir, Path target) throws IOException {
    fc.rename(dir, target, Rename.NONE);
  }

  @Override
  protected void deleteTree(Path path) throws IOException {
    fs.delete(path, true);
  }

  @Override
  protected void createFunctionDir(Path functionDir) throws IOException {
    createDirectories(functionDir, null);
  }

  @Override
  protected void writeNew(Path file, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = createInExistingDirectory(file)) {
      out.write(bytes);
    }
  }

  @Override
  protected void replace(Path from, Path to) throws IOException {
    fc.rename(from, to, Rename.OVERWRITE);
  }

  @Override
  protected List<FileStatus> children(Path dir) throws IOException {
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

  @Override
  protected Path path(FileStatus child) {
    return child.getPath();
  }

  @Override
  protected String name(FileStatus child) {
    return child.getPath().getName();
  }

  @Override
  protected boolean isDirectory(FileStatus child) {
    return child.isDirectory();
  }

  /** One listing of the entry's directory gives both files' sizes and the output's times. */
  @Override
  protected EntryStat stat(FileStatus dir) throws IOException {
    if (!dir.isDirectory()) {
      return null;
    }
    FileStatus output = null;
    long metadataSize = 0;
    List<FileStatus> children = children(dir.getPath());
    for (FileStatus file : children) {
      if (file.getPath().getName().equals(OUTPUT)) {
        output = file;
      } else if (file.getPath().getName().equals(METADATA)) {
        metadataSize = file.getLen();
      }
    }
    if (output == null) {
      return null;
    }
    long access =
        output.getAccessTime() > 0 ? output.getAccessTime() : output.getModificationTime();
    return new EntryStat(
        output.getLen() + metadataSize + filesBelow(children), Instant.ofEpochMilli(access));
  }
}
