package dev.joblib.internal.processes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processes backend's memory-mapped arguments are owner-only files in an owner-only folder. */
@Tag("reliability")
class MemmapPermissionsTest {
  @TempDir Path temp;

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void memmapFoldersAndFilesAreOwnerOnly() throws Exception {
    Path base = temp.resolve("new-base");
    MemmapWriter memmap = new MemmapWriter(1024, base, "call-perm");
    try {
      Object mapped = memmap.apply(new double[1000]);
      assertThat(mapped).isInstanceOf(MappedArray.class);
      memmap.apply(new int[5000]);
      Path folder = memmap.folder();
      assertThat(mode(base)).isEqualTo("rwx------");
      assertThat(mode(folder)).isEqualTo("rwx------");
      List<Path> files;
      try (Stream<Path> list = Files.list(folder)) {
        files = list.toList();
      }
      assertThat(files).hasSize(2);
      for (Path f : files) {
        assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
      }
    } finally {
      memmap.close();
    }
  }

  @Test
  void workerStatusFolderIsOwnerOnly() throws Exception {
    assertThat(mode(TempFolders.workersFolder())).isEqualTo("rwx------");
  }
}
