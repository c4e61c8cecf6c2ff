package dev.joblib.internal.store;

/** Recognises the names stores give their entries when they read them back from a listing. */
final class EntryNames {
  private EntryNames() {}

  /**
   * Whether a directory or object name can be an entry's args id: 8 to 128 characters of {@code
   * [0-9a-f]}, the rule {@link dev.joblib.spi.EntryKey} enforces, checked here without an exception
   * for each name that is something else.
   */
  static boolean isArgsId(String name) {
    if (name.length() < 8 || name.length() > 128) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
