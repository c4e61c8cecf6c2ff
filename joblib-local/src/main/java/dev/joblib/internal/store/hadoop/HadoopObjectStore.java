package dev.joblib.internal.store.hadoop;

import dev.joblib.internal.store.EntryFrame;
import dev.joblib.internal.store.NonClosingOutputStream;
import dev.joblib.internal.store.ObjectName;
import dev.joblib.internal.store.RecordedAccess;
import dev.joblib.internal.store.SizedEntry;
import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.EntryWriter;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoredEntry;
import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The store on a Hadoop object store ({@code s3a:}, {@code gs:}...), whose rename is a copy and
 * delete. Each entry is one object, {@code <functionId>/<argsId>/entry.joblib}, holding the
 * metadata and the output ({@link EntryFrame}), created with create-if-absent: on s3a {@code
 * createFile(p).overwrite(false).must("fs.option.create.conditional.overwrite", true)}, a
 * conditional PUT, so the first writer wins. On other object stores {@code overwrite(false)} is
 * only checked before the upload, so concurrent writers of one key may end with the last one's
 * (identical) content. The output is first written to a local temporary file, so a writer that
 * fails leaves nothing in the store. Last access is kept in marker objects {@code
 * <argsId>/access/<epochMillis>}, rewritten at most once per {@code touchInterval} per entry.
 */
final class HadoopObjectStore implements StoreBackend {
  static final String FUNCTION_INFO = "func_code.json";
  static final String CONDITIONAL_CREATE = "fs.option.create.conditional.overwrite";

  private final URI location;
  private final FileSystem fs;
  private final Path root;
  private final boolean conditionalCreate;
  private final RecordedAccess recordedAccess;

  HadoopObjectStore(URI location, FileSystem fs, Path base, Duration touchInterval) {
    this.location = location;
    this.fs = fs;
    this.root = new Path(fs.makeQualified(base), "joblib");
    this.conditionalCreate = location.getScheme().toLowerCase(Locale.ROOT).equals("s3a");
    this.recordedAccess = new RecordedAccess(touchInterval);
  }

  @Override
  public URI location() {
    return location;
  }

  FileSystem fileSystem() {
    return fs;
  }

  Path entryObject(EntryKey key) {
    return new Path(
        new Path(new Path(root, key.functionId()), key.argsId()), EntryFrame.OBJECT_NAME);
  }

  @Override
  public Optional<StoredEntry> get(EntryKey key) {
    Path object = entryObject(key);
    try {
      FileStatus status = fs.getFileStatus(object);
      int headerLength;
      try (FSDataInputStream in = fs.open(object)) {
        headerLength = readHeader(in, object).length + EntryFrame.FIXED_BYTES;
      }
      return Optional.of(new ObjectEntry(key, object, Math.max(0, status.getLen() - headerLength)));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look up cache entry " + object, e);
    }
  }

  /** Reads and checks the frame header; returns the metadata. */
  private static byte[] readHeader(InputStream in, Path object) throws IOException {
    byte[] fixed = in.readNBytes(EntryFrame.FIXED_BYTES);
    int metadataLength = EntryFrame.metadataLength(fixed, fixed.length, object);
    byte[] metadata = in.readNBytes(metadataLength);
    if (metadata.length != metadataLength) {
      throw new java.io.EOFException("entry header cut short: " + object);
    }
    return metadata;
  }

  @Override
  public boolean publish(EntryKey key, EntryWriter output, byte[] metadata) {
    if (output.writesFiles()) {
      throw new UnsupportedOperationException(
          "cannot keep the files of a value codec in "
              + location()
              + ": an object store through Hadoop keeps each entry as objects, not as a directory");
    }
    Path object = entryObject(key);
    java.nio.file.Path spool = null;
    try {
      if (fs.exists(object)) {
        return false;
      }
      spool = Files.createTempFile("joblib-entry-", ".tmp");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16)) {
        out.write(EntryFrame.header(metadata));
        output.writeTo(new NonClosingOutputStream(out));
      }
      // before the upload: the time the store lists (to the second) lies between this and the
      // end, so refining it with this time keeps entries in the order they were written
      Instant started = Instant.now();
      FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(object).overwrite(false).recursive();
      if (conditionalCreate) {
        builder.must(CONDITIONAL_CREATE, true);
      }
      try (FSDataOutputStream out = builder.build()) {
        Files.copy(spool, out);
      }
      recordedAccess.remember(key, started);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false; // another writer won
    } catch (IOException e) {
      if (isPreconditionFailure(e)) {
        return false;
      }
      throw new UncheckedIOException("cannot publish cache entry " + object, e);
    } finally {
      if (spool != null) {
        try {
          Files.deleteIfExists(spool);
        } catch (IOException e) {
          // a leftover file in the temporary directory; the entry is unaffected
        }
      }
    }
  }

  /** Whether a failed upload is the store refusing an existing key (HTTP 412). */
  private static boolean isPreconditionFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FileAlreadyExistsException) {
        return true;
      }
      String message = String.valueOf(t.getMessage());
      if (message.contains("412") || message.contains("PreconditionFailed")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void touch(EntryKey key, Instant accessTime) {
    if (recordedAccess.isFresh(key, accessTime)) {
      return;
    }
    Path markers = new Path(entryObject(key).getParent(), ObjectName.ACCESS_DIR);
    try {
      if (!fs.exists(entryObject(key))) {
        return;
      }
      List<Path> old = new ArrayList<>();
      try {
        for (FileStatus marker : fs.listStatus(markers)) {
          old.add(marker.getPath());
        }
      } catch (FileNotFoundException e) {
        // no marker yet
      }
      Path marker = new Path(markers, Long.toString(accessTime.toEpochMilli()));
      fs.create(marker, true).close();
      for (Path path : old) {
        if (!path.getName().equals(marker.getName())) {
          fs.delete(path, false);
        }
      }
      recordedAccess.remember(key, accessTime);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the access time of " + markers, e);
    }
  }

  @Override
  public boolean delete(EntryKey key) {
    Path object = entryObject(key);
    try {
      boolean existed = fs.delete(object, false);
      fs.delete(object.getParent(), true);
      recordedAccess.forget(key);
      return existed;
    } catch (FileNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete cache entry " + object, e);
    }
  }

  @Override
  public Stream<EntryInfo> list() {
    return listUnder(root, null);
  }

  @Override
  public Stream<EntryInfo> list(String functionId) {
    return listUnder(new Path(root, EntryKey.checkFunctionId(functionId)), functionId);
  }

  /** One flat recursive listing (a paginated LIST on object stores), grouped by entry. */
  private Stream<EntryInfo> listUnder(Path dir, String onlyFunction) {
    Map<EntryKey, long[]> entries = new LinkedHashMap<>(); // size, modified, newest marker
    String rootPrefix = root.toUri().getPath() + "/";
    try {
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
      while (files.hasNext()) {
        LocatedFileStatus file = files.next();
        String relative = file.getPath().toUri().getPath();
        if (!relative.startsWith(rootPrefix)) {
          continue;
        }
        ObjectName name = ObjectName.parse(relative.substring(rootPrefix.length()), onlyFunction);
        if (name == null) {
          continue;
        }
        long[] v = entries.computeIfAbsent(name.key(), k -> new long[] {-1, 0, 0});
        if (name.isEntry()) {
          v[0] = file.getLen();
          v[1] = file.getModificationTime();
        } else {
          v[2] = Math.max(v[2], name.accessMillis());
        }
      }
    } catch (FileNotFoundException e) {
      return Stream.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list cache entries under " + dir, e);
    }
    List<EntryInfo> found = new ArrayList<>();
    entries.forEach(
        (key, v) -> {
          if (v[0] >= 0) {
            // with no access marker, the write time, which object stores list to the second
            Instant access =
                v[2] > 0
                    ? Instant.ofEpochMilli(v[2])
                    : recordedAccess.refine(key, Instant.ofEpochMilli(v[1]));
            found.add(new EntryInfo(key, v[0], access));
          }
        });
    return found.stream();
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
    Path file = new Path(new Path(root, EntryKey.checkFunctionId(functionId)), FUNCTION_INFO);
    try (FSDataOutputStream out = fs.createFile(file).overwrite(true).recursive().build()) {
      out.write(info); // one PUT on close: readers see the old or the new document
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public void deleteFunction(String functionId) {
    Path dir = new Path(root, EntryKey.checkFunctionId(functionId));
    deleteRecursively(
        dir,
        () -> recordedAccess.forgetFunction(functionId),
        "cannot delete the cache of function");
  }

  @Override
  public void clear() {
    deleteRecursively(root, recordedAccess::clear, "cannot clear the cache at");
  }

  /** Deletes a directory's objects, then forgets what was recorded of them. */
  private void deleteRecursively(Path dir, Runnable forget, String failure) {
    try {
      fs.delete(dir, true);
      forget.run();
    } catch (FileNotFoundException e) {
      // nothing to delete
    } catch (IOException e) {
      throw new UncheckedIOException(failure + " " + dir, e);
    }
  }

  @Override
  public void close() {
    HadoopStores.close(fs, location);
  }

  @Override
  public String toString() {
    return "HadoopObjectStore[" + root.getParent() + "]";
  }

  private final class ObjectEntry extends SizedEntry {
    private final Path object;

    ObjectEntry(EntryKey key, Path object, long size) {
      super(key, size);
      this.object = object;
    }

    @Override
    public InputStream openOutput() {
      FSDataInputStream in = null;
      try {
        in = fs.open(object);
        readHeader(in, object); // positions the stream at the output, whatever object is there now
        return in;
      } catch (IOException e) {
        closeQuietly(in);
        throw new UncheckedIOException("cannot open cache entry " + object, e);
      }
    }

    @Override
    public Optional<byte[]> readMetadata() {
      try (FSDataInputStream in = fs.open(object)) {
        return Optional.of(readHeader(in, object));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the metadata of cache entry " + object, e);
      }
    }
  }

  private static void closeQuietly(InputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        // already failing
      }
    }
  }
}
