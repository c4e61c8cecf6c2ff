package dev.joblib.internal.memory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * Whether a Memory's location is a private local directory, the one kind of store whose entries are
 * loaded under the default deny-list filter rather than in safe mode: a {@code file:} location on a
 * file system with POSIX permissions whose directory (followed to its real path), and its {@code
 * joblib/} subdirectory if present, are owned by the current user ({@code user.name}) and writable
 * by no group or other user, and whose every ancestor is owned by the current user or root and is
 * either writable by no group or other user or sticky (as {@code /tmp}), so no one else can replace
 * it. Anything else, or a check that fails, counts as shared.
 */
final class PrivateLocation {
  private static final Set<PosixFilePermission> SHARED_WRITE =
      Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  private static final int STICKY = 01000;

  private PrivateLocation() {}

  static boolean isPrivate(String location) {
    try {
      URI uri = URI.create(location);
      if (!"file".equalsIgnoreCase(uri.getScheme())) {
        return false;
      }
      Path dir = Path.of(uri).toRealPath();
      if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        return false;
      }
      UserPrincipal me =
          dir.getFileSystem()
              .getUserPrincipalLookupService()
              .lookupPrincipalByName(System.getProperty("user.name"));
      if (!ownOnly(dir, me)) {
        return false;
      }
      Path entries = dir.resolve("joblib");
      if (Files.isDirectory(entries) && !ownOnly(entries.toRealPath(), me)) {
        return false;
      }
      for (Path p = dir.getParent(); p != null; p = p.getParent()) {
        if (!safeAncestor(p, me)) {
          return false;
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean ownOnly(Path dir, UserPrincipal me) throws IOException {
    PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
    return a.isDirectory()
        && a.owner().equals(me)
        && a.permissions().stream().noneMatch(SHARED_WRITE::contains);
  }

  private static boolean safeAncestor(Path dir, UserPrincipal me) throws IOException {
    PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
    if (!a.owner().equals(me) && !"root".equals(a.owner().getName())) {
      return false;
    }
    if (a.permissions().stream().noneMatch(SHARED_WRITE::contains)) {
      return true;
    }
    Object mode = Files.getAttribute(dir, "unix:mode");
    return mode instanceof Integer m && (m & STICKY) != 0;
  }
}
