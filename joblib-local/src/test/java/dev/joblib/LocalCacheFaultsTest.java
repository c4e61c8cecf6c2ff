package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local cache directory turning against Memory: it cannot be written. */
@Tag("reliability")
class LocalCacheFaultsTest {
  @TempDir Path dir;
  private Path location;
  private String log;

  @BeforeEach
  void setUp() {
    location = dir.resolve("cache");
    log = dir.resolve("calls.log").toString();
  }

  private List<String> calls() throws IOException {
    return MemoFunctions.calls(log);
  }

  /**
   * A cache filled earlier, then made read-only (directories 0500, files 0400): the entries already
   * there are still read, new arguments are computed and returned with a warning, nothing throws.
   * Root ignores permissions, so there the test is skipped; the next test covers root.
   */
  @Test
  void aReadOnlyCacheDirectoryStillServesItsEntriesAndComputesTheRest() throws Exception {
    MemorizedFn1<Integer, Integer> square = Memory.at(location).cache(MemoFunctions.square(log));
    for (int key = 0; key < 5; key++) {
      square.apply(key);
    }
    assertThat(calls()).hasSize(5);

    setTreeWritable(location, false);
    try {
      assumeThat(Files.isWritable(location))
          .as("running as root: permissions are not enforced, see the next test")
          .isFalse();
      MemorizedFn1<Integer, Integer> again = Memory.at(location).cache(MemoFunctions.square(log));
      try (LogCapture logs = new LogCapture()) {
        for (int round = 0; round < 2; round++) {
          for (int key = 0; key < 10; key++) {
            assertThat(again.apply(key)).as("key %d, round %d", key, round).isEqualTo(key * key);
          }
        }
        assertThat(again.callAndShelve(3).get()).isEqualTo(9);
        assertThat(again.callAndShelve(7).get()).isEqualTo(49);
        assertThat(again.isCached(3)).isTrue();
        assertThat(again.isCached(7)).isFalse();

        // keys 0-4 were read from the cache; keys 5-9 computed in each round and when shelved
        assertThat(calls()).hasSize(5 + 5 + 5 + 1);
        assertThat(logs.messages(Level.WARNING)).isNotEmpty();
      }
    } finally {
      setTreeWritable(location, true);
    }
    try (Stream<Path> files = Files.walk(location)) {
      assertThat(files.filter(p -> p.getFileName().toString().equals("output.joblib"))).hasSize(5);
    }
  }

  /**
   * A regular file where the cache directory should be, which no one can write into, root included:
   * every call returns its value, computed each time, with warnings; nothing throws.
   */
  @Test
  void aFileInPlaceOfTheCacheDirectoryCostsComputationsNotCalls() throws Exception {
    Files.writeString(location, "not a directory");
    MemorizedFn1<Integer, Integer> square = Memory.at(location).cache(MemoFunctions.square(log));
    MemorizedFn1<Integer, Integer> bounded =
        Memory.builder().location(location).maxBytes(1).build().cache(MemoFunctions.square(log));
    try (LogCapture logs = new LogCapture()) {
      for (int round = 0; round < 2; round++) {
        for (int key = 0; key < 10; key++) {
          assertThat(square.apply(key)).as("key %d, round %d", key, round).isEqualTo(key * key);
        }
      }
      assertThat(square.callAndShelve(4).get()).isEqualTo(16);
      assertThat(square.isCached(4)).isFalse();
      assertThat(bounded.apply(5)).isEqualTo(25);

      assertThat(calls()).hasSize(20 + 1 + 1);
      assertThat(logs.messages(Level.WARNING))
          .isNotEmpty()
          .anySatisfy(m -> assertThat(m).contains("unable to cache"));
    }
    assertThat(Files.readString(location)).isEqualTo("not a directory");
  }

  private static void setTreeWritable(Path root, boolean writable) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.toList();
    }
    for (Path path : paths) {
      boolean directory = Files.isDirectory(path);
      String mode =
          writable
              ? (directory ? "rwx------" : "rw-------")
              : (directory ? "r-x------" : "r--------");
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }
  }
}
