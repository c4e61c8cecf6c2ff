package dev.joblib.internal.store;

import dev.joblib.spi.EntryKey;
import java.util.Arrays;

/**
 * An object below an object store's {@code joblib/} root (S3, and s3a through Hadoop), read back
 * from its name in a listing: an entry's object {@code <functionId>/<argsId>/entry.joblib} ({@link
 * EntryFrame#OBJECT_NAME}) or one of its access markers {@code
 * <functionId>/<argsId>/access/<epochMillis>}.
 *
 * @param key the entry the object belongs to
 * @param accessMillis the access time a marker records, or -1 for the entry's object itself
 */
public record ObjectName(EntryKey key, long accessMillis) {
  /** The directory of an entry's access markers, below {@code <functionId>/<argsId>/}. */
  public static final String ACCESS_DIR = "access";

  /**
   * Whether this is the entry's object rather than an access marker.
   *
   * @return true for {@code entry.joblib}
   */
  public boolean isEntry() {
    return accessMillis < 0;
  }

  /**
   * Reads an object's name. Names with an empty segment or a segment starting with {@code '.'}
   * (temporary objects) are neither an entry nor a marker.
   *
   * @param relative the object's name below the root, segments separated by {@code '/'}
   * @param onlyFunction the function whose objects are wanted, or null for every function
   * @return the object, or null when it is neither an entry's object nor an access marker, or
   *     belongs to another function than {@code onlyFunction}
   * @throws IllegalArgumentException if the names form a function id that {@link EntryKey} rejects
   */
  public static ObjectName parse(String relative, String onlyFunction) {
    String[] parts = relative.split("/");
    for (String part : parts) {
      if (part.isEmpty() || part.startsWith(".")) {
        return null;
      }
    }
    int n = parts.length;
    boolean isEntry = n >= 3 && parts[n - 1].equals(EntryFrame.OBJECT_NAME);
    boolean isMarker = n >= 4 && parts[n - 2].equals(ACCESS_DIR) && isDigits(parts[n - 1]);
    if (!isEntry && !isMarker) {
      return null;
    }
    int argsIndex = isEntry ? n - 2 : n - 3;
    if (!EntryNames.isArgsId(parts[argsIndex])) {
      return null;
    }
    String functionId = String.join("/", Arrays.copyOfRange(parts, 0, argsIndex));
    if (onlyFunction != null && !onlyFunction.equals(functionId)) {
      return null;
    }
    EntryKey key = new EntryKey(functionId, parts[argsIndex]);
    return new ObjectName(key, isEntry ? -1 : Long.parseLong(parts[n - 1]));
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
