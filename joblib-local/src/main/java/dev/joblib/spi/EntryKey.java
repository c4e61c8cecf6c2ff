package dev.joblib.spi;

import java.util.Objects;

/**
 * Names one cached call in a store: the function it belongs to and the hash of its arguments.
 *
 * <p>Every store lays its entries out as {@code <location>/joblib/<functionId>/<argsId>/}, so a
 * cache can be browsed like joblib's. {@code functionId} is a relative path of one or more segments
 * separated by {@code '/'}, typically {@code <package.Class>/<method>} such as {@code
 * com.acme.Trainer/fit} or {@code com.acme.Job/lambda$main$0}; {@code argsId} is a lowercase
 * hexadecimal hash.
 *
 * @param functionId the function's directory below {@code <location>/joblib/}, never null; segments
 *     are non-empty, not {@code "."} or {@code ".."}, do not start with {@code '.'} (names starting
 *     with a dot are reserved for a store's temporary files) and contain no {@code '\'}, {@code
 *     ':'}, control characters or whitespace
 * @param argsId the argument hash, never null: 8 to 128 characters of {@code [0-9a-f]}
 * @since 0.1
 */
public record EntryKey(String functionId, String argsId) {
  /**
   * Validates the key.
   *
   * @param functionId the function's directory below {@code <location>/joblib/}
   * @param argsId the argument hash
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component does not have the form described above
   */
  public EntryKey {
    checkFunctionId(functionId);
    Objects.requireNonNull(argsId, "argsId must not be null");
    if (argsId.length() < 8 || argsId.length() > 128) {
      throw new IllegalArgumentException(
          "argsId must have 8 to 128 hex characters, got "
              + argsId.length()
              + ": '"
              + argsId
              + "'");
    }
    for (int i = 0; i < argsId.length(); i++) {
      char c = argsId.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException(
            "argsId must be lowercase hexadecimal, got '" + argsId + "'");
      }
    }
  }

  /**
   * Checks that a function id has the form {@link EntryKey} documents.
   *
   * @param functionId the id to check
   * @return {@code functionId}
   * @throws NullPointerException if {@code functionId} is null
   * @throws IllegalArgumentException if it is empty or a segment is not allowed
   */
  public static String checkFunctionId(String functionId) {
    Objects.requireNonNull(functionId, "functionId must not be null");
    if (functionId.isEmpty()) {
      throw new IllegalArgumentException("functionId must not be empty");
    }
    int start = 0;
    for (int i = 0; i <= functionId.length(); i++) {
      if (i < functionId.length() && functionId.charAt(i) != '/') {
        char c = functionId.charAt(i);
        if (c == '\\' || c == ':' || Character.isISOControl(c) || Character.isWhitespace(c)) {
          throw new IllegalArgumentException(
              "functionId contains a character not allowed in a path ('"
                  + c
                  + "' at "
                  + i
                  + "): '"
                  + functionId
                  + "'");
        }
        continue;
      }
      int length = i - start;
      if (length == 0
          || (length == 1 && functionId.charAt(start) == '.')
          || (length == 2 && functionId.startsWith("..", start))) {
        throw new IllegalArgumentException(
            "functionId has an empty, '.' or '..' segment: '" + functionId + "'");
      }
      if (functionId.charAt(start) == '.') {
        throw new IllegalArgumentException(
            "functionId segments must not start with '.' (reserved for temporary files): '"
                + functionId
                + "'");
      }
      start = i + 1;
    }
    return functionId;
  }

  /**
   * Returns the entry's path below the store's {@code joblib/} directory.
   *
   * @return {@code functionId + "/" + argsId}
   */
  public String relativePath() {
    return functionId + "/" + argsId;
  }

  @Override
  public String toString() {
    return relativePath();
  }
}
