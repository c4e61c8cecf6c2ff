package dev.joblib.internal.memory;

/**
 * An entry that cannot be read in this JVM, now, for a reason outside the entry: its value codec is
 * not on the class path, its store keeps no directories, or the codec failed to read files it did
 * not find damaged (an I/O error, a missing session). Memory keeps such an entry for the readers
 * that can read it and computes the value without caching it.
 */
final class UnreadableHereException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnreadableHereException(String message, Throwable cause) {
    super(message, cause);
  }
}
