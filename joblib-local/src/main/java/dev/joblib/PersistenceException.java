package dev.joblib;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code Joblib.dump} or {@code Joblib.load} failed: the file is not a dump, is truncated or
 * corrupt, holds a class the load filter refuses, or fails its signature check. The message names
 * the file (or "stream") and what was wrong; no partly built object is ever returned.
 *
 * @since 0.1
 */
public class PersistenceException extends JoblibException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** The data does not start with a dump header. */
    NOT_A_DUMP,
    /** A dump format version this library does not know (written by a newer one). */
    UNSUPPORTED_VERSION,
    /** The header names a compressor that is not registered or not on the classpath. */
    UNKNOWN_COMPRESSOR,
    /** The data ends early. */
    TRUNCATED,
    /** A checksum, length or marker does not match: the bytes were altered. */
    CORRUPT,
    /** The dump holds a class that is not on the classpath. */
    CLASS_NOT_FOUND,
    /**
     * The load filter refused a class, a depth, a reference count or an array length, or the dump
     * declares or decompresses to more than {@code LoadOptions} allows.
     */
    REFUSED,
    /** A signed dump whose signature does not match the key, or a key given for an unsigned one. */
    BAD_SIGNATURE,
    /** The value cannot be written (for example a class that is not serializable). */
    NOT_SERIALIZABLE,
    /** Reading or writing failed at the operating system level. */
    IO
  }

  /** Why the file could not be read or written. */
  private final Reason reason;

  private final transient Path path;

  /**
   * Creates the exception.
   *
   * @param reason what went wrong, never null
   * @param message the message, naming the file and the detail
   * @param path the file, or null for a stream
   * @param cause the original exception, may be null
   */
  public PersistenceException(Reason reason, String message, Path path, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.path = path;
  }

  /**
   * What went wrong.
   *
   * @return the reason, never null
   */
  public Reason reason() {
    return reason;
  }

  /**
   * The file, when a file was read or written.
   *
   * @return the path, or empty for a stream
   */
  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }
}
