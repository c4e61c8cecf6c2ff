package dev.joblib.internal.processes;

import dev.joblib.internal.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Where memory-mapped arguments go, and the removal of what a crashed parent left there. */
final class TempFolders {
  /** The variable joblib reads for the same purpose. */
  static final String ENV = "JOBLIB_TEMP_FOLDER";

  /** joblib uses /dev/shm only when it has at least this much room (2 GB). */
  static final long SHM_MIN_FREE = 2_000_000_000L;

  static final String PREFIX = "joblib_memmapping_folder_";
  static final String WORKERS_PREFIX = "joblib_workers_";
  private static final Set<Path> CLEANED = ConcurrentHashMap.newKeySet();

  private TempFolders() {}

  /** The base folder: the option, else {@value #ENV}, else /dev/shm when roomy, else tmpdir. */
  static Path base(String option) {
    if (option != null) {
      return Path.of(option);
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path shm = Path.of("/dev/shm");
    try {
      if (Files.isDirectory(shm)
          && Files.isWritable(shm)
          && Files.getFileStore(shm).getUsableSpace() >= SHM_MIN_FREE) {
        return shm;
      }
    } catch (IOException e) {
      // not usable: fall back to the temp dir
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Creates this call's folder under {@code base}, after removing dead parents' leftovers. */
  static Path createCallFolder(Path base, String callId) {
    try {
      OwnerOnly.createDirectories(base);
      if (CLEANED.add(base.toAbsolutePath())) {
        removeLeftovers(base, PREFIX);
      }
      return OwnerOnly.createDirectory(
          base.resolve(PREFIX + ProcessHandle.current().pid() + "_" + callId));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a folder for memory-mapped arguments in "
              + base
              + " (set the processes option tempFolder, or maxNbytes=off)",
          e);
    }
  }

  /** Deletes folders whose owning process is gone. */
  static void removeLeftovers(Path base, String prefix) throws IOException {
    Pattern name = Pattern.compile(Pattern.quote(prefix) + "(\\d+)_.*");
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, prefix + "*")) {
      for (Path entry : entries) {
        Matcher m = name.matcher(entry.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        long pid = Long.parseLong(m.group(1));
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
          deleteTree(entry);
        }
      }
    }
  }

  /** This JVM's folder for worker status files, in java.io.tmpdir; leftovers removed once. */
  static Path workersFolder() {
    Path base = Path.of(System.getProperty("java.io.tmpdir"));
    try {
      if (CLEANED.add(base.resolve(WORKERS_PREFIX).toAbsolutePath())) {
        removeLeftovers(base, WORKERS_PREFIX);
      }
      return OwnerOnly.createDirectories(
          base.resolve(WORKERS_PREFIX + ProcessHandle.current().pid() + "_status"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the worker status folder in " + base, e);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
