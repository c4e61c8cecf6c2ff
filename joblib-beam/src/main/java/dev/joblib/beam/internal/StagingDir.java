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
import org.apache.beam.sdk.util.MimeTypes;

/**
 * The directory under the run's temp location where one pipeline writes its Parquet results; the
 * driver reads them back and deletes the whole directory, also after a failure.
 */
final class StagingDir {
  static final String PREFIX = "joblib-beam-";

  /**
   * The empty file that marks a staging directory on a non-local file system as in use: written
   * before the pipeline starts, deleted first when the directory is deleted. Stop markers are only
   * written while it exists, so a late marker does not bring a deleted directory back.
   */
  static final String IN_USE = ".joblib-staging";

  private final ResourceId dir;
  private final PipelineOptions options;

  private StagingDir(ResourceId dir, PipelineOptions options) {
    this.dir = dir;
    this.options = options;
  }

  /**
   * A new, unique directory name under the options' temp location (nothing is created yet). Every
   * operation on it uses the file systems registered from {@code options}.
   */
  static StagingDir under(PipelineOptions options, String name) {
    FileSystems.setDefaultPipelineOptions(options);
    ResourceId base = FileSystems.matchNewResource(tempLocation(options), true);
    return new StagingDir(
        base.resolve(PREFIX + name, StandardResolveOptions.RESOLVE_DIRECTORY), options);
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
   * Refuses, before any task runs, a temp location that cannot hold a staging directory: a local
   * regular file (or a path under one), a local directory that cannot be written, a local path when
   * the runner's workers run on other machines, or a location on a file system ({@code hdfs://},
   * {@code s3://}, ...) that no Beam file system module on the class path serves with these
   * options. A non-local location is not contacted here: that it answers and can be written is
   * found when a pipeline's staging directory is created, and a failure then is the backend's
   * ({@link dev.joblib.BackendFailedException}), not bad input.
   *
   * @throws IllegalArgumentException naming the option and its value
   */
  static void requireUsable(PipelineOptions options, String backendId) {
    // registers the options' file systems as Pipeline.create does; this also binds the options'
    // computed defaults (such as the AWS region, which the SDK looks up in the environment and the
    // instance metadata, 0.8 s where there is none) once in these options, so that the copies each
    // pipeline runs with carry them instead of looking them up again
    FileSystems.setDefaultPipelineOptions(options);
    String location = tempLocation(options);
    Path path;
    try {
      path = localPath(location);
    } catch (IllegalArgumentException e) { // an InvalidPathException, or a bad file: URI
      throw refused(backendId, location, "it is not a valid path (" + e.getMessage() + ")", e);
    }
    if (path == null) {
      requireFileSystem(backendId, location);
      return;
    }
    String remote = RunnerOptions.remoteTarget(options);
    if (remote != null) {
      throw refused(
          backendId,
          location,
          "it is local to this machine, but "
              + RunnerOptions.runnerName(options)
              + " runs its workers elsewhere ("
              + remote
              + "), which cannot write it: use a location every worker and this process share"
              + " (hdfs://, s3://, gs://)",
          null);
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

  /**
   * Refuses a location whose scheme none of the registered file systems serves, naming the module
   * and options it needs.
   */
  private static void requireFileSystem(String backendId, String location) {
    try {
      FileSystems.matchNewResource(location, true);
    } catch (IllegalArgumentException e) {
      String scheme = location.substring(0, location.indexOf(':'));
      throw refused(
          backendId,
          location,
          "no Beam file system serves scheme '"
              + scheme
              + "' ("
              + e.getMessage()
              + "); "
              + needs(scheme),
          e);
    }
  }

  /** What a scheme needs on the class path and in the options. */
  private static String needs(String scheme) {
    switch (scheme) {
      case "hdfs":
      case "webhdfs":
        return "add org.apache.beam:beam-sdks-java-io-hadoop-file-system with a Hadoop client and"
            + " set the option hdfsConfiguration (for example [{\"fs.defaultFS\":\"hdfs://namenode:8020\"}])"
            + " or the environment variable HADOOP_CONF_DIR";
      case "s3":
        return "add org.apache.beam:beam-sdks-java-io-amazon-web-services2";
      case "gs":
        return "add org.apache.beam:beam-sdks-java-extensions-google-cloud-platform-core";
      default:
        return "add the Beam file system module for it";
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
   * Creates the directory now: a local one so that a runner can put its own files there before the
   * pipeline writes any; on another file system (which creates directories as files are written) by
   * writing the {@link #IN_USE} marker, which also finds an unreachable or read-only location
   * before the pipeline starts.
   *
   * @throws UncheckedIOException with the file system's error (a refused connection, a denied
   *     write) as its cause
   */
  void create() {
    try {
      if (isLocal()) {
        Files.createDirectories(Path.of(dir.toString()));
      } else {
        FileSystems.setDefaultPipelineOptions(options);
        FileSystems.create(inUseMarker(dir), MimeTypes.BINARY).close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the staging directory " + dir, e);
    }
  }

  private boolean isLocal() {
    return "file".equals(dir.getScheme());
  }

  private static ResourceId inUseMarker(ResourceId dir) {
    return dir.resolve(IN_USE, StandardResolveOptions.RESOLVE_FILE);
  }

  /**
   * Whether the staging directory at {@code stagingPath} (on a non-local file system) is still in
   * use: its {@link #IN_USE} marker exists.
   */
  static boolean inUse(String stagingPath) throws IOException {
    ResourceId marker = inUseMarker(FileSystems.matchNewResource(stagingPath, true));
    MatchResult match = FileSystems.match(List.of(marker.toString())).get(0);
    if (match.status() == MatchResult.Status.ERROR) {
      match.metadata(); // throws the file system's IOException
    }
    return match.status() == MatchResult.Status.OK;
  }

  /** The directory as a path Beam's file transforms accept. */
  String path() {
    return dir.toString();
  }

  /** The result files written into the directory. */
  List<MatchResult.Metadata> files(String suffix) throws IOException {
    FileSystems.setDefaultPipelineOptions(options);
    String glob = dir.resolve("*" + suffix, StandardResolveOptions.RESOLVE_FILE).toString();
    MatchResult match = FileSystems.match(glob, EmptyMatchTreatment.ALLOW);
    return match.status() == MatchResult.Status.NOT_FOUND ? List.of() : match.metadata();
  }

  /** Deletes the directory and everything in it; a missing directory is fine. */
  void delete() {
    try {
      if (isLocal()) {
        deleteLocal(Path.of(dir.toString()));
      } else {
        deleteRemote();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the staged results in " + dir, e);
    }
  }

  /**
   * Deletes the directory through Beam's file systems, which have no recursive delete: first the
   * {@link #IN_USE} marker (no stop marker is written after it), then every file a recursive glob
   * finds (all objects under the prefix on S3), then, depth first, what is left (HDFS keeps
   * directories, and Beam's recursive glob on HDFS skips the files at the top level), and the
   * directory itself.
   */
  private void deleteRemote() throws IOException {
    FileSystems.setDefaultPipelineOptions(options);
    FileSystems.delete(
        List.of(inUseMarker(dir)), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    deleteAll(children(dir, "**"));
    deleteTree(dir);
  }

  private static void deleteTree(ResourceId directory) throws IOException {
    for (ResourceId child : children(directory, "*")) {
      deleteTree(FileSystems.matchNewResource(child.toString(), true));
    }
    deleteAll(List.of(directory));
  }

  /** What {@code glob} matches under {@code directory}; nothing when the directory is missing. */
  private static List<ResourceId> children(ResourceId directory, String glob) throws IOException {
    String spec = directory.resolve(glob, StandardResolveOptions.RESOLVE_FILE).toString();
    MatchResult match = FileSystems.match(List.of(spec)).get(0);
    switch (match.status()) {
      case OK:
        List<ResourceId> found = new ArrayList<>();
        match.metadata().forEach(m -> found.add(m.resourceId()));
        return found;
      case NOT_FOUND:
        return List.of();
      default:
        match.metadata(); // throws the file system's IOException
        throw new IOException("cannot list " + spec + ": " + match.status());
    }
  }

  private static void deleteAll(List<ResourceId> resources) throws IOException {
    if (!resources.isEmpty()) {
      FileSystems.delete(resources, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
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
