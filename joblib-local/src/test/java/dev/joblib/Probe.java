package dev.joblib;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Records which tasks ran, as empty files in a directory, so that tasks running in other JVMs on
 * this machine (worker processes, Spark executors) are counted too. Serializable: it holds only the
 * directory's path.
 */
public final class Probe implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String dir;

  private Probe(String dir) {
    this.dir = dir;
  }

  /** A probe over a new, empty directory, deleted when this JVM exits. */
  public static Probe create() {
    try {
      Path dir = Files.createTempDirectory("joblib-probe-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
      return new Probe(dir.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // at JVM exit there is no one left to tell; the directory is in the temp folder anyway
    }
  }

  /** Marks that {@code event} happened, such as "ran-7"; returns true the first time. */
  public boolean mark(String event) {
    try {
      Files.createFile(Path.of(dir, event));
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether {@code event} was marked. */
  public boolean saw(String event) {
    return Files.exists(Path.of(dir, event));
  }

  /** How many marks start with {@code prefix}. */
  public long count(String prefix) {
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      return files.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
