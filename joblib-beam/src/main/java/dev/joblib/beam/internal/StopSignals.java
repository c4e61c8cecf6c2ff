package dev.joblib.beam.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Fail-fast across the workers of one pipeline, through empty marker files in the staging
 * directory's {@code stop/} folder: a batch that fails writes {@code failed-<task index>}, the
 * caller writes {@code cancelled} when the call is cancelled (timeout, early close). A batch stops
 * (or does not start) when a marker names a task before its first task: its results cannot matter
 * any more, since the call fails with the lowest failing index.
 *
 * <p>Markers go through Beam's {@link FileSystems} (local, {@code hdfs://}, {@code s3://}, ...), so
 * workers on other machines see them when the staging directory is on a shared file system. No
 * marker is written once the caller has begun to delete the staging directory.
 */
final class StopSignals {
  static final String FOLDER = "stop";
  private static final String FAILED = "failed-";
  private static final String CANCELLED = "cancelled";

  /** How long a listing of the markers answers for, in this JVM. */
  static final long FRESH_MILLIS = 200;

  /** The latest listing per staging directory in this JVM (a few: one per running pipeline). */
  private static final Map<String, Listing> RECENT =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Listing> eldest) {
          return size() > 64;
        }
      };

  private record Listing(long atNanos, OptionalLong lowest) {}

  private final String stagingPath;
  private final ResourceId folder;

  StopSignals(String stagingPath) {
    this.stagingPath = stagingPath;
    this.folder =
        FileSystems.matchNewResource(stagingPath, true)
            .resolve(FOLDER, StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  /** Records that the task at {@code index} failed. */
  void failed(long index) {
    write(FAILED + index);
    learned(index);
  }

  /** Records that the caller cancelled the call: every batch stops. */
  void cancelled() {
    write(CANCELLED);
    learned(-1);
  }

  /**
   * The lowest task index a marker names (-1 for a cancel), or empty when there is none: listed at
   * most once per {@link #FRESH_MILLIS} per staging directory and JVM, whatever the number of
   * batches that ask.
   */
  OptionalLong lowestStop() {
    synchronized (RECENT) {
      Listing recent = RECENT.get(stagingPath);
      if (recent != null && System.nanoTime() - recent.atNanos < FRESH_MILLIS * 1_000_000) {
        return recent.lowest;
      }
    }
    OptionalLong lowest = list();
    remember(lowest);
    return lowest;
  }

  private void remember(OptionalLong lowest) {
    synchronized (RECENT) {
      RECENT.put(stagingPath, new Listing(System.nanoTime(), lowest));
    }
  }

  /** After this JVM wrote a marker: what it knows now, without waiting for the next listing. */
  private void learned(long index) {
    synchronized (RECENT) {
      Listing recent = RECENT.get(stagingPath);
      if (recent != null && (recent.lowest.isEmpty() || recent.lowest.getAsLong() > index)) {
        RECENT.put(stagingPath, new Listing(recent.atNanos, OptionalLong.of(index)));
      }
    }
  }

  private OptionalLong list() {
    try {
      String glob = folder.resolve("*", StandardResolveOptions.RESOLVE_FILE).toString();
      MatchResult match = FileSystems.match(glob, EmptyMatchTreatment.ALLOW);
      if (match.status() != MatchResult.Status.OK) {
        return OptionalLong.empty();
      }
      long lowest = Long.MAX_VALUE;
      for (MatchResult.Metadata file : match.metadata()) {
        String name = file.resourceId().getFilename();
        if (CANCELLED.equals(name)) {
          return OptionalLong.of(-1);
        }
        if (name != null && name.startsWith(FAILED)) {
          lowest = Math.min(lowest, Long.parseLong(name.substring(FAILED.length())));
        }
      }
      return lowest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(lowest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stop markers in " + folder, e);
    }
  }

  /** Whether a batch starting at {@code firstIndex} should stop. */
  boolean stops(long firstIndex) {
    OptionalLong lowest = lowestStop();
    return lowest.isPresent() && lowest.getAsLong() < firstIndex;
  }

  private void write(String name) {
    ResourceId marker = folder.resolve(name, StandardResolveOptions.RESOLVE_FILE);
    if ("file".equals(folder.getScheme())) {
      writeLocal(name);
      return;
    }
    try {
      // only while the caller has not begun to delete the staging directory: on these file
      // systems a write creates the missing parents, which would bring the deleted directory back
      if (StagingDir.inUse(stagingPath)) {
        FileSystems.create(marker, MimeTypes.BINARY).close(); // the name is the message
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the stop marker " + marker, e);
    }
  }

  /**
   * Writes a marker into a local staging directory, which the caller created before the pipeline
   * started, without creating any missing parent: once the caller has deleted the directory (the
   * call is over, for instance because the runner was lost while its tasks still ran), a late
   * marker must not bring it back.
   */
  private void writeLocal(String name) {
    Path stop = Path.of(folder.toString());
    try {
      try {
        Files.createDirectory(stop);
      } catch (FileAlreadyExistsException exists) {
        // another batch or the caller made it
      }
      Files.createFile(stop.resolve(name));
    } catch (FileAlreadyExistsException | NoSuchFileException gone) {
      // the same marker again, or the staging directory is deleted: nothing left to tell
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the stop marker " + stop.resolve(name), e);
    }
  }
}
