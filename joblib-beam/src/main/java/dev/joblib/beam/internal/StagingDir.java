package dev.joblib.beam.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The directory under the run's temp location where one pipeline writes its Parquet results; the
 * driver reads them back and deletes the whole directory, also after a failure.
 */
final class StagingDir {
  static final String PREFIX = "joblib-beam-";

  private final ResourceId dir;

  private StagingDir(ResourceId dir) {
    this.dir = dir;
  }

  /** A new, unique directory name under {@code tempLocation} (nothing is created yet). */
  static StagingDir under(String tempLocation, String name) {
    ResourceId base = FileSystems.matchNewResource(tempLocation, true);
    return new StagingDir(base.resolve(PREFIX + name, StandardResolveOptions.RESOLVE_DIRECTORY));
  }

  /**
   * The temp location pipelines stage under: the options' {@code tempLocation}, or the JVM's temp
   * directory when it is unset.
   */
  static String tempLocation(PipelineOptions options) {
    String tempLocation = options.getTempLocation();
    return tempLocation != null ? tempLocation : System.getProperty("java.io.tmpdir");
  }

  /**
   * Refuses, before any task runs, a local temp location that cannot hold a staging directory: a
   * regular file (or a path under one) or a directory that cannot be written. Locations on other
   * file systems ({@code hdfs://}, {@code s3://}, ...) are left to the runner, whose failure to
   * write them fails the call with the path.
   *
   * @throws IllegalArgumentException naming the option and its value
   */
  static void requireUsable(PipelineOptions options, String backendId) {
    String location = tempLocation(options);
    Path path;
    try {
      path = localPath(location);
    } catch (IllegalArgumentException e) { // an InvalidPathException, or a bad file: URI
      throw refused(backendId, location, "it is not a valid path (" + e.getMessage() + ")", e);
    }
    if (path == null) {
      return;
    }
    Path existing = path.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return;
    }
    if (!Files.isDirectory(existing)) {
      throw refused(
          backendId,
          location,
          existing.equals(path.toAbsolutePath())
              ? "it is a regular file"
              : existing + " is a regular file",
          null);
    }
    if (!Files.isWritable(existing)) {
      throw refused(backendId, location, existing + " cannot be written by this process", null);
    }
  }

  /** The local path of a location without a scheme or with {@code file:}, else null. */
  private static Path localPath(String location) {
    if (location.startsWith("file:")) {
      return Path.of(URI.create(location));
    }
    int colon = location.indexOf(':');
    int slash = location.indexOf('/');
    boolean hasScheme = colon > 1 && (slash < 0 || colon < slash);
    return hasScheme ? null : Path.of(location);
  }

  private static IllegalArgumentException refused(
      String backendId, String location, String why, Throwable cause) {
    return new IllegalArgumentException(
        "tempLocation of backend '"
            + backendId
            + "' must be a directory this process can write (or a path it can create), got '"
            + location
            + "': "
            + why,
        cause);
  }

  /**
   * Creates the directory now when it is local, so that a runner can put its own files there before
   * the pipeline writes any (other file systems create directories as files are written).
   */
  void createIfLocal() {
    if ("file".equals(dir.getScheme())) {
      try {
        Files.createDirectories(Path.of(dir.toString()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the staging directory " + dir, e);
      }
    }
  }

  /** The directory as a path Beam's file transforms accept. */
  String path() {
    return dir.toString();
  }

  /** The result files written into the directory. */
  List<MatchResult.Metadata> files(String suffix) throws IOException {
    String glob = dir.resolve("*" + suffix, StandardResolveOptions.RESOLVE_FILE).toString();
    MatchResult match = FileSystems.match(glob, EmptyMatchTreatment.ALLOW);
    return match.status() == MatchResult.Status.NOT_FOUND ? List.of() : match.metadata();
  }

  /** Deletes the directory and everything in it; a missing directory is fine. */
  void delete() {
    try {
      if ("file".equals(dir.getScheme())) {
        deleteLocal(Path.of(dir.toString()));
      } else {
        String glob = dir.resolve("**", StandardResolveOptions.RESOLVE_FILE).toString();
        MatchResult match = FileSystems.match(glob, EmptyMatchTreatment.ALLOW);
        if (match.status() == MatchResult.Status.OK) {
          List<ResourceId> files = new ArrayList<>();
          match.metadata().forEach(m -> files.add(m.resourceId()));
          FileSystems.delete(files, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the staged results in " + dir, e);
    }
  }

  private static void deleteLocal(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
