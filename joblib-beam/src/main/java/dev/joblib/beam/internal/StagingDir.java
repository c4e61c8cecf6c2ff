package dev.joblib.beam.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
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
