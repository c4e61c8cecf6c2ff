package dev.joblib.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories readable by their owner only ({@code 0600} files, {@code 0700} directories)
 * on file systems with POSIX permissions; elsewhere the platform's defaults. Used for dumps, cache
 * entries and the processes backend's memory-mapped arguments, so that other users of a shared
 * machine can neither read the data nor replace it while it is being written.
 */
public final class OwnerOnly {
  private static final FileAttribute<Set<PosixFilePermission>> FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private OwnerOnly() {}

  private static boolean posix(Path path) {
    FileSystem fs = path.getFileSystem();
    return fs.supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<?>[] file(Path path) {
    return posix(path) ? new FileAttribute<?>[] {FILE} : new FileAttribute<?>[0];
  }

  private static FileAttribute<?>[] directory(Path path) {
    return posix(path) ? new FileAttribute<?>[] {DIRECTORY} : new FileAttribute<?>[0];
  }

  /**
   * Creates a new, empty owner-only file.
   *
   * @param path the file, which must not exist
   * @return {@code path}
   * @throws IOException as {@link Files#createFile}
   */
  public static Path createFile(Path path) throws IOException {
    return Files.createFile(path, file(path));
  }

  /**
   * Creates an owner-only directory.
   *
   * @param path the directory, which must not exist
   * @return {@code path}
   * @throws IOException as {@link Files#createDirectory}
   */
  public static Path createDirectory(Path path) throws IOException {
    return Files.createDirectory(path, directory(path));
  }

  /**
   * Creates a directory and its missing parents, each new one owner-only; existing ones are left as
   * they are.
   *
   * @param path the directory
   * @return {@code path}
   * @throws IOException as {@link Files#createDirectories}
   */
  public static Path createDirectories(Path path) throws IOException {
    return Files.createDirectories(path, directory(path));
  }

  /**
   * Creates a new owner-only directory with an unpredictable name: for folders in a directory that
   * other users can write to, where a predictable name could be taken first (or be a planted
   * symbolic link).
   *
   * @param dir the directory to create it in
   * @param prefix the start of its name
   * @return the new directory
   * @throws IOException as {@link Files#createTempDirectory(Path, String, FileAttribute[])}
   */
  public static Path createTempDirectory(Path dir, String prefix) throws IOException {
    return Files.createTempDirectory(dir, prefix, directory(dir));
  }

  /**
   * Writes bytes to a new owner-only file; fails if anything, a symbolic link included, is already
   * at {@code path}.
   *
   * @param path the file, which must not exist
   * @param bytes its content
   * @throws IOException on failure ({@link java.nio.file.FileAlreadyExistsException} if it exists)
   */
  public static void writeNew(Path path, byte[] bytes) throws IOException {
    write(
        path,
        bytes,
        StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Opens a channel on a file, creating it owner-only if the options ask for creation.
   *
   * @param path the file
   * @param options open options
   * @return the channel
   * @throws IOException as {@link FileChannel#open(Path, Set, FileAttribute[])}
   */
  public static FileChannel open(Path path, OpenOption... options) throws IOException {
    return FileChannel.open(path, Set.of(options), file(path));
  }

  /**
   * Writes bytes to a file, created owner-only if it does not exist (an existing one is truncated
   * and keeps its permissions).
   *
   * @param path the file
   * @param bytes its content
   * @throws IOException on failure
   */
  public static void write(Path path, byte[] bytes) throws IOException {
    write(
        path,
        bytes,
        StandardOpenOption.CREATE,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static void write(Path path, byte[] bytes, OpenOption... options) throws IOException {
    try (OutputStream out = Channels.newOutputStream(open(path, options))) {
      out.write(bytes);
    }
  }

  /**
   * Opens a stream on a new owner-only file.
   *
   * @param path the file, which must not exist
   * @return an unbuffered stream
   * @throws IOException on failure
   */
  public static OutputStream newOutputStream(Path path) throws IOException {
    return Channels.newOutputStream(
        open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }
}
