package dev.joblib.internal.processes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Parallel;
import dev.joblib.spi.BackendSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What another local user can plant in the shared temp folder does not reach the processes
 * backend's status files: the folder is new and unpredictable at every pool, and neither the parent
 * nor a worker follows a symbolic link to a status file. The attacks are simulated by this user on
 * the path the backend used to take, {@code java.io.tmpdir/joblib_workers_<pid>_status}, with the
 * status file names it used ({@code worker-<pool>-<worker>}).
 */
@Tag("reliability")
class WorkerStatusFolderTest {
  private static final Path OLD =
      Path.of(
          System.getProperty("java.io.tmpdir"),
          TempFolders.WORKERS_PREFIX + ProcessHandle.current().pid() + "_status");

  /** Each test runs on a pool of its own, since a new pool is what creates a status folder. */
  private static final AtomicInteger IDLE_MILLIS = new AtomicInteger(61_000);

  private static final String PRECIOUS = "the victim's data, which no worker may overwrite";

  @TempDir Path temp;

  @AfterEach
  void removePlanted() throws IOException {
    if (Files.isSymbolicLink(OLD) || Files.isRegularFile(OLD, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(OLD);
    } else {
      TempFolders.deleteTree(OLD);
    }
  }

  /** Runs four tasks on a new two-worker pool and returns what they saw. */
  private static List<Integer> runOnNewPool() {
    return Parallel.create()
        .nJobs(2)
        .backend("processes")
        .option("idleTimeout", IDLE_MILLIS.incrementAndGet() + "ms")
        .batchSize(1)
        .map(List.of(1, 2, 3, 4), x -> x * 10);
  }

  /** The status file names a pool numbered up to 300 with up to 8 workers would use. */
  private static List<String> statusNames() {
    List<String> names = new ArrayList<>();
    IntStream.rangeClosed(1, 300)
        .forEach(
            pool ->
                IntStream.rangeClosed(1, 8).forEach(w -> names.add("worker-" + pool + "-" + w)));
    return names;
  }

  private Path precious() throws IOException {
    Path victim = temp.resolve("victim.txt");
    Files.writeString(victim, PRECIOUS);
    return victim;
  }

  @Test
  void linksPlantedInAPreCreatedOldFolderAreNotFollowed() throws Exception {
    removePlanted();
    Path victim = precious();
    Files.createDirectory(OLD);
    for (String name : statusNames()) {
      Files.createSymbolicLink(OLD.resolve(name), victim);
    }

    assertThat(runOnNewPool()).containsExactly(10, 20, 30, 40);

    assertThat(Files.readString(victim)).isEqualTo(PRECIOUS);
  }

  @Test
  void theOldPathLinkedToAFolderOfOursLeavesItsFilesUntouched() throws Exception {
    removePlanted();
    Path ours = Files.createDirectory(temp.resolve("ours"));
    for (String name : statusNames()) {
      Files.writeString(ours.resolve(name), PRECIOUS);
    }
    Files.createSymbolicLink(OLD, ours);

    assertThat(runOnNewPool()).containsExactly(10, 20, 30, 40);

    try (var files = Files.list(ours)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        assertThat(Files.readString(file)).as(file.toString()).isEqualTo(PRECIOUS);
      }
    }
  }

  @Test
  void somethingPlantedAtTheOldPathDoesNotBreakTheFirstCall() throws Exception {
    removePlanted();
    Path victim = precious();
    Files.createSymbolicLink(OLD, victim); // neither a folder nor deletable by the victim, in life

    assertThat(runOnNewPool()).containsExactly(10, 20, 30, 40);

    assertThat(Files.readString(victim)).isEqualTo(PRECIOUS);
    Files.delete(OLD);
    Files.writeString(OLD, "a file where a folder was expected");

    assertThat(runOnNewPool()).containsExactly(10, 20, 30, 40);
  }

  @Test
  void aPreCreatedOldFolderDoesNotBreakTheFirstCall() throws Exception {
    removePlanted();
    Files.createDirectory(
        OLD, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-xr-xr-x")));

    assertThat(runOnNewPool()).containsExactly(10, 20, 30, 40);
  }

  @Test
  void eachPoolHasAFreshOwnerOnlyFolderWithAnUnpredictableName() throws Exception {
    WorkerPool a = WorkerPool.of(options(IDLE_MILLIS.incrementAndGet()));
    WorkerPool b = WorkerPool.of(options(IDLE_MILLIS.incrementAndGet()));

    assertThat(a.statusFolder()).isNotEqualTo(b.statusFolder()).isNotEqualTo(OLD);
    for (Path folder : List.of(a.statusFolder(), b.statusFolder())) {
      assertThat(folder.getFileName().toString())
          .startsWith(TempFolders.WORKERS_PREFIX + ProcessHandle.current().pid() + "_")
          .isNotEqualTo(OLD.getFileName().toString());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
          .isEqualTo("rwx------");
    }
  }

  private static ProcessesOptions options(int idleMillis) {
    return ProcessesOptions.from(new BackendSpec(1, Map.of("idleTimeout", idleMillis + "ms"), 0));
  }

  @Test
  void aWorkerDoesNotFollowALinkSwappedInForItsStatusFile() throws Exception {
    Path victim = temp.resolve("victim.bin");
    byte[] content = new byte[WorkerMain.STATUS_BYTES * 2];
    java.util.Arrays.fill(content, (byte) 'x');
    Files.write(victim, content);
    Path link = Files.createSymbolicLink(temp.resolve("status"), victim);
    List<String> command =
        new ArrayList<>(
            WorkerPool.command(ProcessesOptions.from(new BackendSpec(1, Map.of(), 0)).poolKey()));
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(link.toString());
    Process worker = new ProcessBuilder(command).redirectErrorStream(true).start();
    worker.getOutputStream().close();
    String output = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(worker.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();

    assertThat(worker.exitValue()).as(output).isNotZero();
    assertThat(Files.readAllBytes(victim)).isEqualTo(content);
  }
}
