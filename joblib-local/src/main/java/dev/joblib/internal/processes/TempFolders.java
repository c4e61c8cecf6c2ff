package dev.joblib.internal.processes;

import dev.joblib.internal.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
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

  /**
   * Creates this call's folder under {@code base}, owner-only and with an unpredictable name (the
   * base may be shared with other users), after removing dead parents' leftovers.
   */
  static Path createCallFolder(Path base, String callId) {
    try {
      OwnerOnly.createDirectories(base);
      Path folder =
          OwnerOnly.createTempDirectory(
              base,
              PREFIX
                  + ProcessHandle.current().pid()
                  + "_"
                  + callId.replaceAll("[^A-Za-z0-9-]", "_")
                  + "_");
      if (CLEANED.add(base.toAbsolutePath())) {
        removeLeftovers(base, PREFIX, folder);
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a folder for memory-mapped arguments in "
              + base
              + " (set the processes option tempFolder, or maxNbytes=off)",
          e);
    }
  }

  /**
   * Deletes folders whose owning process is gone. Only folders (not links) owned by the owner of
   * {@code ours}, a folder this JVM just created, are touched: what another user planted under a
   * matching name is left alone.
   */
  static void removeLeftovers(Path base, String prefix, Path ours) throws IOException {
    UserPrincipal owner = Files.getOwner(ours, LinkOption.NOFOLLOW_LINKS);
    Pattern name = Pattern.compile(Pattern.quote(prefix) + "(\\d+)_.*");
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, prefix + "*")) {
      for (Path entry : entries) {
        Matcher m = name.matcher(entry.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        long pid = Long.parseLong(m.group(1));
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive
            && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
            && owner.equals(Files.getOwner(entry, LinkOption.NOFOLLOW_LINKS))) {
          deleteTree(entry);
        }
      }
    }
  }

  /**
   * A new folder for a pool's worker status files in java.io.tmpdir, owner-only and with an
   * unpredictable name: whatever another user planted in the shared temp folder (a folder, a file,
   * a symbolic link under any name) is neither used nor in the way. Dead parents' leftovers are
   * removed once per JVM.
   */
  static Path workersFolder() {
    Path base = Path.of(System.getProperty("java.io.tmpdir"));
    try {
      Path folder =
          OwnerOnly.createTempDirectory(base, WORKERS_PREFIX + ProcessHandle.current().pid() + "_");
      if (CLEANED.add(base.resolve(WORKERS_PREFIX).toAbsolutePath())) {
        removeLeftovers(base, WORKERS_PREFIX, folder);
      }
      return folder;
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
