package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.joblib.internal.store.LocalStore;
import dev.joblib.internal.store.StoreRegistry;
import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up while a dump or a cache entry is written, for real: a child JVM ({@link
 * DiskFullChild}) writes 2 MiB where only 1 MiB fits, either under a file-size limit ({@code ulimit
 * -f}: HotSpot ignores SIGXFSZ, so the write fails with EFBIG, "File too large") or on a 1 MiB
 * tmpfs (ENOSPC, "No space left on device"; mounting needs root, skipped otherwise). Nothing
 * partial may be left: no file at the target, no temporary file, an older dump intact, no
 * half-written cache entry, earlier entries intact.
 */
@Tag("reliability")
@Timeout(120)
class DiskFullTest {
  private static final int LIMIT_KIB = 1024;
  private static final int DOUBLES = 256 * 1024; // 2 MiB: twice what fits
  private static final int SMALL = 10;

  @TempDir Path dir;

  @Test
  void aFileSizeLimitFailsTheWritesAndLeavesNothingPartial() throws Exception {
    Path bash = Path.of("/bin/bash");
    assumeTrue(Files.isExecutable(bash), "needs /bin/bash to set a file-size limit (ulimit -f)");
    List<String> limited =
        List.of(bash.toString(), "-c", "ulimit -f " + LIMIT_KIB + " && exec \"$0\" \"$@\"");
    Path base = Files.createDirectory(dir.resolve("limited"));

    scenario(base, limited, "File too large");

    // nothing left behind blocks the entry once there is room: a normal JVM stores it
    MemorizedFn1<Integer, double[]> ramp = Memory.at(base.resolve("cache")).cache(ramp());
    assertThat(ramp.apply(DOUBLES)).isEqualTo(MemoFunctions.ramp(DOUBLES));
    assertThat(ramp.isCached(DOUBLES)).isTrue();
    assertThat(entries(base.resolve("cache"))).hasSize(5);
  }

  @Test
  void aFullTmpfsFailsTheWritesAndLeavesNothingPartial() throws Exception {
    Path mount = Files.createDirectory(dir.resolve("tmpfs"));
    String refused = run("mount", "-t", "tmpfs", "-o", "size=1m", "joblib-test", mount.toString());
    assumeTrue(
        refused == null,
        () ->
            "cannot mount a 1 MiB tmpfs here (needs root or CAP_SYS_ADMIN): "
                + refused
                + "; aFileSizeLimitFailsTheWritesAndLeavesNothingPartial covers the same paths");
    try {
      scenario(mount, List.of(), "No space left on device");
    } finally {
      String failed = run("umount", mount.toString());
      assertThat(failed).as("umount " + mount).isNull();
    }
  }

  private String log() {
    return dir.resolve("calls.log").toString(); // outside the full disk
  }

  private Fn1<Integer, double[]> ramp() {
    return MemoFunctions.ramp(log());
  }

  private void scenario(Path base, List<String> wrapper, String error) throws Exception {
    Path dumps = Files.createDirectory(base.resolve("dumps"));
    Path older = dumps.resolve("value.jbl");
    Path fresh = dumps.resolve("fresh.jbl");
    Joblib.dump("the older dump", older);
    byte[] olderBytes = Files.readAllBytes(older);
    Path cache = base.resolve("cache");
    MemorizedFn1<Integer, Integer> square = Memory.at(cache).cache(MemoFunctions.square(log()));
    MemorizedFn1<Integer, double[]> ramp = Memory.at(cache).cache(ramp());
    for (int x = 1; x <= 3; x++) {
      square.apply(x);
    }
    ramp.apply(SMALL);
    List<EntryKey> before = entries(cache).stream().map(EntryInfo::key).toList();
    assertThat(before).hasSize(4);

    List<String> command = new ArrayList<>(wrapper);
    command.addAll(
        Jvms.command(
            DiskFullChild.class,
            older.toString(),
            fresh.toString(),
            cache.toString(),
            log(),
            String.valueOf(DOUBLES)));
    // a JVM killed by SIGXFSZ would exit with 153 and fail here
    String out = Jvms.finish(new ProcessBuilder(command).redirectErrorStream(true).start());

    // Joblib.dump: a PersistenceException naming the path; no file, no temporary file
    for (Path target : List.of(older, fresh)) {
      assertThat(out)
          .contains("dump " + target + " failed IO path=" + target)
          .contains("message cannot dump to " + target);
    }
    assertThat(out).contains(error);
    try (Stream<Path> files = Files.list(dumps)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("value.jbl");
    }
    assertThat(Files.readAllBytes(older)).isEqualTo(olderBytes);
    assertThat((String) Joblib.load(older)).isEqualTo("the older dump");

    // Memory: the computed value returned with a warning; the earlier entry read
    assertThat(out)
        .contains("memory value right", "memory square 2 = 4")
        .containsPattern("warning \\[Memory\\] unable to cache to .*" + error);
    assertThat(MemoFunctions.calls(log()))
        .containsExactly("square 1", "square 2", "square 3", "ramp " + SMALL, "ramp " + DOUBLES);

    // no half-written entry: the listing holds the earlier entries only, and so does the tree
    assertThat(entries(cache).stream().map(EntryInfo::key).toList())
        .containsExactlyInAnyOrderElementsOf(before);
    Set<String> entryFiles =
        Set.of(LocalStore.OUTPUT, LocalStore.METADATA, LocalStore.FUNCTION_INFO, ".gitignore");
    try (Stream<Path> tree = Files.walk(cache)) {
      List<Path> all = tree.toList();
      assertThat(all)
          .filteredOn(Files::isRegularFile)
          .allSatisfy(f -> assertThat(entryFiles).contains(f.getFileName().toString()));
      assertThat(all)
          .filteredOn(p -> Files.isRegularFile(p.resolve(LocalStore.METADATA)))
          .hasSize(4)
          .allSatisfy(d -> assertThat(d.resolve(LocalStore.OUTPUT)).isRegularFile());
      assertThat(all)
          .as("no temporary entry directory")
          .filteredOn(Files::isDirectory)
          .noneMatch(p -> p.getFileName().toString().startsWith("."));
    }
    // a later Memory in a normal JVM: a miss, not a corrupt entry; the earlier entries are hits
    MemorizedFn1<Integer, double[]> later = Memory.at(cache).cache(ramp());
    assertThat(later.isCached(DOUBLES)).isFalse();
    assertThat(later.apply(SMALL)).isEqualTo(MemoFunctions.ramp(SMALL));
    assertThat(Memory.at(cache).cache(MemoFunctions.square(log())).apply(3)).isEqualTo(9);
    assertThat(MemoFunctions.calls(log())).hasSize(5);
  }

  private static List<EntryInfo> entries(Path cache) {
    try (StoreBackend store = StoreRegistry.open(cache.toUri(), Map.of());
        Stream<EntryInfo> listing = store.list()) {
      return listing.toList();
    }
  }

  /** Runs a command; null if it exits with 0, else its output and exit code. */
  private static String run(String... command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "timed out";
      }
      return p.exitValue() == 0 ? null : out + " (exit code " + p.exitValue() + ")";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
