package dev.joblib.internal.processes;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.Parallel;
import dev.joblib.RemoteTaskException;
import dev.joblib.TaskContext;
import dev.joblib.TaskFailedException;
import dev.joblib.TaskTimeoutException;
import dev.joblib.WorkerDiedException;
import dev.joblib.spi.BackendSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processes backend's own behaviour: isolation, crashes, kills, reuse, memmapping. */
class ProcessesBackendTest {
  private static final long SELF = ProcessHandle.current().pid();

  @TempDir Path temp;

  private static Parallel processes() {
    return Parallel.create().nJobs(2).backend("processes");
  }

  private static List<Long> poolPids() {
    return WorkerPool.of(ProcessesOptions.from(new BackendSpec(2, Map.of(), 0))).pids();
  }

  /**
   * Runs short tasks until each of the pool's two workers has run one, so both are started and idle
   * afterwards. One small call is not enough: on a loaded machine the first worker to start can
   * take every batch while the second is still starting, and a worker killed before it is ready
   * counts as one that could not start (not replaced until the next call).
   */
  private static Set<Long> warmPool() {
    Set<Long> ran = new HashSet<>();
    for (int round = 0; round < 50 && ran.size() < 2; round++) {
      ran.addAll(
          processes()
              .batchSize(1)
              .map(
                  range(4),
                  x -> {
                    Thread.sleep(100);
                    return ProcessHandle.current().pid();
                  }));
    }
    assertThat(ran).as("workers that ran a task").hasSize(2);
    return ran;
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  private static long writePidAndSleep(Path file) throws Exception {
    long pid = ProcessHandle.current().pid();
    Files.writeString(file, Long.toString(pid));
    Thread.sleep(60_000);
    return pid;
  }

  private static long awaitPid(Path file) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        String text = Files.readString(file).strip();
        if (!text.isEmpty()) {
          return Long.parseLong(text);
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no task wrote " + file);
  }

  private static boolean diesWithin(long pid, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  @Test
  void runsTasksInWorkerJvmsInInputOrder() {
    List<Integer> doubled = processes().map(range(1000), x -> 2 * x);
    assertThat(doubled).isEqualTo(range(1000).stream().map(x -> 2 * x).toList());
    List<Long> pids = processes().map(range(8), x -> ProcessHandle.current().pid());
    assertThat(pids).doesNotContain(SELF);
    assertThat(new HashSet<>(pids)).isSubsetOf(poolPids());
  }

  @Test
  void reusesTheSameWorkersAcrossCalls() {
    try (Parallel p = processes()) {
      Fn1Sleep task =
          x -> {
            Thread.sleep(30);
            return ProcessHandle.current().pid();
          };
      Set<Long> first = new HashSet<>(p.map(range(12), task::apply));
      List<Long> poolAfterFirst = poolPids();
      Set<Long> second = new HashSet<>(p.map(range(12), task::apply));
      assertThat(first).isSubsetOf(poolAfterFirst);
      assertThat(second).isSubsetOf(poolAfterFirst);
      assertThat(poolPids()).containsExactlyInAnyOrderElementsOf(poolAfterFirst);
      assertThat(poolAfterFirst).hasSize(2).doesNotContain(SELF);
    }
    // another instance with the same settings finds the same warm pool
    List<Long> pool = poolPids();
    assertThat(processes().map(range(4), x -> ProcessHandle.current().pid())).isSubsetOf(pool);
  }

  interface Fn1Sleep extends Serializable {
    long apply(int x) throws Exception;
  }

  @Test
  void aWorkerThatHaltsFailsTheCallWithTaskIndexPidAndExitCode() {
    assertThatThrownBy(
            () ->
                processes()
                    .batchSize(3)
                    .map(
                        range(6),
                        x -> {
                          if (x == 4) {
                            System.err.println("about to halt");
                            Runtime.getRuntime().halt(42);
                          }
                          return x;
                        }))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.taskIndex()).isEqualTo(4);
              assertThat(e.backend()).isEqualTo("processes");
              assertThat(e.getCause()).isInstanceOf(WorkerDiedException.class);
              WorkerDiedException died = (WorkerDiedException) e.getCause();
              assertThat(died.exitCode()).isEqualTo(42);
              assertThat(died.getMessage())
                  .contains("task 4", "pid " + died.pid(), "exit code 42", "about to halt");
              assertThat(died.stderrTail()).contains("about to halt");
            });
    assertThat(processes().map(range(10), x -> x + 1)).isEqualTo(range(11).subList(1, 11));
    assertThat(poolPids()).hasSize(2);
  }

  @Test
  void aWorkerKilledFromOutsideMidBatchFailsTheCallAndIsReplaced() throws Exception {
    Path pidFile = temp.resolve("pid");
    Thread killer =
        new Thread(
            () -> {
              try {
                ProcessHandle.of(awaitPid(pidFile)).ifPresent(ProcessHandle::destroyForcibly);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    killer.start();
    String file = pidFile.toString();
    assertThatThrownBy(
            () ->
                processes().map(range(4), x -> x == 2 ? writePidAndSleep(Path.of(file)) : (long) x))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.taskIndex()).isEqualTo(2);
              WorkerDiedException died = (WorkerDiedException) e.getCause();
              assertThat(died.exitCode()).isEqualTo(137);
              assertThat(died.getMessage()).contains("SIGKILL", "task 2");
            });
    killer.join();
    assertThat(processes().map(range(4), x -> x)).isEqualTo(range(4));
  }

  @Test
  void aHungTaskIsKilledAtTheTimeout() throws Exception {
    Path pidFile = temp.resolve("hung");
    String file = pidFile.toString();
    warmPool(); // the bounds below are about the kill, not about a worker's start
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                processes()
                    .timeout(Duration.ofSeconds(1))
                    .map(range(4), x -> x == 1 ? writePidAndSleep(Path.of(file)) : (long) x))
        .isInstanceOfSatisfying(
            TaskTimeoutException.class, e -> assertThat(e.getMessage()).contains("1"));
    long hung = awaitPid(pidFile);
    // the task sleeps 60 s: dying well before that (on a loaded machine too) is the kill's doing
    assertThat(diesWithin(hung, Duration.ofSeconds(20))).as("hung worker killed").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(40));
    assertThat(processes().map(range(4), x -> x)).isEqualTo(range(4));
    assertThat(poolPids()).doesNotContain(hung);
  }

  @Test
  void idleWorkersShutDownAndComeBackOnDemand() throws Exception {
    Parallel idle = processes().option("idleTimeout", "300ms");
    List<Long> pids = idle.map(range(4), x -> ProcessHandle.current().pid());
    for (long pid : new HashSet<>(pids)) {
      assertThat(diesWithin(pid, Duration.ofSeconds(60))).as("idle worker " + pid).isTrue();
    }
    List<Long> again = idle.map(range(4), x -> ProcessHandle.current().pid());
    assertThat(again).doesNotContainAnyElementsOf(pids);
  }

  @Test
  void workersDoNotOutliveTheirParent() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process parent =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                OrphanCheckParent.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<Long> workerPids = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertThat(line).as("the parent's report").startsWith("workers ");
      for (String pid : line.substring("workers ".length()).split(",")) {
        workerPids.add(Long.parseLong(pid.strip()));
      }
    }
    assertThat(workerPids).hasSize(2);
    for (long pid : workerPids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
    }
    parent.destroyForcibly(); // kill -9: no shutdown hook runs
    parent.waitFor();
    for (long pid : workerPids) {
      assertThat(diesWithin(pid, Duration.ofSeconds(60))).as("orphan worker " + pid).isTrue();
    }
  }

  /** Not serializable. */
  static final class Connection {}

  /** Serializable, but holds a connection. */
  static final class Client implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Connection connection = new Connection();

    int port() {
      return connection.hashCode() > -1 ? 80 : 81;
    }
  }

  @Test
  void anUnserializableLambdaIsRefusedNamingTheField() {
    Client client = new Client();
    assertThatThrownBy(() -> processes().map(range(4), x -> x + client.port()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task 0")
        .hasMessageContaining("connection")
        .hasMessageContaining(Connection.class.getName());
  }

  /** An exception that holds something unserializable, so it cannot travel back. */
  static final class OddException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings({"serial", "unused"})
    private final Connection connection = new Connection();

    OddException(String message) {
      super(message);
    }
  }

  @Test
  void exceptionsKeepTheirTypeOrBecomeRemoteTaskExceptions() {
    assertThatThrownBy(
            () ->
                processes()
                    .map(
                        range(4),
                        x -> {
                          if (x == 3) {
                            throw new IllegalStateException("bad " + x);
                          }
                          return x;
                        }))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.taskIndex()).isEqualTo(3);
              assertThat(e.getCause())
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessage("bad 3");
            });
    assertThatThrownBy(
            () ->
                processes()
                    .map(
                        range(4),
                        x -> {
                          if (x == 2) {
                            throw new OddException("odd " + x);
                          }
                          return x;
                        }))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.taskIndex()).isEqualTo(2);
              RemoteTaskException remote = (RemoteTaskException) e.getCause();
              assertThat(remote.remoteClassName()).isEqualTo(OddException.class.getName());
              assertThat(remote.remoteMessage()).isEqualTo("odd 2");
              assertThat(remote.remoteStackTrace()).contains("ProcessesBackendTest");
            });
  }

  @Test
  void seededRandomNumbersMatchTheThreadsBackend() {
    List<Double> threads =
        Parallel.create()
            .nJobs(2)
            .seed(7)
            .map(range(20), x -> TaskContext.current().random().nextDouble());
    List<Double> processes =
        processes().seed(7).map(range(20), x -> TaskContext.current().random().nextDouble());
    assertThat(processes).isEqualTo(threads);
  }

  @Test
  void nestedCallsInAWorkerUseThreads() {
    List<String> inner =
        processes()
            .map(
                range(2),
                x ->
                    Parallel.create()
                        .nJobs(2)
                        .map(range(2), y -> TaskContext.current().backend())
                        .get(0));
    assertThat(inner).containsOnly("threads");
  }

  @Test
  void aLargeArrayIsWrittenOnceAndRemovedAfterTheCall() throws Exception {
    double[] big = new double[12_500_000]; // 100 MB
    for (int i = 0; i < big.length; i++) {
      big[i] = i % 1000;
    }
    double expected = 0;
    for (double v : big) {
      expected += v;
    }
    String folder = temp.toString();
    List<String> seen =
        processes()
            .option("tempFolder", folder)
            .run(
                IntStream.range(0, 8)
                    .mapToObj(
                        i ->
                            delayed(
                                (double[] a, Integer k) -> {
                                  double sum = 0;
                                  for (double v : a) {
                                    sum += v;
                                  }
                                  return describeFolder(Path.of(folder)) + " sum=" + sum;
                                },
                                big,
                                i)));
    assertThat(seen).hasSize(8).containsOnly("1 file 100000000 bytes sum=" + expected);
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left).isEmpty();
    }
  }

  private static String describeFolder(Path base) throws IOException {
    List<Path> files;
    try (Stream<Path> all = Files.walk(base)) {
      files = all.filter(Files::isRegularFile).toList();
    }
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
    }
    return files.size() + " file " + bytes + " bytes";
  }

  @Test
  void badOptionsAreRefusedBeforeWorkStarts() {
    assertThatThrownBy(() -> processes().option("idleTimeout", "soon").map(range(2), x -> x))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idleTimeout")
        .hasMessageContaining("soon");
    assertThatThrownBy(() -> processes().option("maxNbytes", "lots").map(range(2), x -> x))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxNbytes");
  }

  @Test
  void workersGetForwardedPropertiesAThreadShareAndTheirOutputIsForwarded() {
    System.setProperty("joblib.test.forwarded", "yes");
    System.setProperty("joblib.test.private", "no");
    List<String> seen =
        processes()
            .option("forwardProperties", "joblib.test.forwarded")
            .option("jvmArgs", "-Djoblib.test.extra=1")
            .map(
                range(2),
                x -> {
                  System.out.println("hello from task " + x);
                  return System.getProperty("joblib.test.forwarded")
                      + " "
                      + System.getProperty("joblib.test.private")
                      + " "
                      + System.getProperty("joblib.test.extra")
                      + " "
                      + System.getenv("OMP_NUM_THREADS")
                      + " "
                      + Runtime.getRuntime().availableProcessors();
                });
    int share = WorkerPool.threadsPerWorker(2);
    String omp =
        System.getenv("OMP_NUM_THREADS") != null ? System.getenv("OMP_NUM_THREADS") : "" + share;
    assertThat(seen).containsOnly("yes null 1 " + omp + " " + share);
  }

  @Test
  void aWorkerOutOfMemoryExitsAndIsReported() {
    assertThatThrownBy(
            () ->
                processes()
                    .option("xmx", "64m")
                    .map(range(2), x -> x == 1 ? new long[100_000_000].length : x))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.taskIndex()).isEqualTo(1);
              WorkerDiedException died = (WorkerDiedException) e.getCause();
              assertThat(died.exitCode()).isEqualTo(3);
              assertThat(died.stderrTail()).contains("OutOfMemoryError");
            });
  }

  @Test
  void aWorkerKilledWhileIdleIsReplaced() throws Exception {
    long victim = warmPool().iterator().next();
    ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && (poolPids().contains(victim) || poolPids().size() < 2)) {
      Thread.sleep(20);
    }
    assertThat(poolPids()).hasSize(2).doesNotContain(victim);
    assertThat(processes().map(range(4), x -> x)).isEqualTo(range(4));
  }

  @Test
  void aTaskThatWritesToTheRealStdoutBreaksOnlyItsWorker() {
    assertThatThrownBy(
            () ->
                processes()
                    .map(
                        range(2),
                        x -> {
                          if (x == 1) {
                            var out = new java.io.FileOutputStream(java.io.FileDescriptor.out);
                            out.write("garbage\n".getBytes(StandardCharsets.UTF_8));
                            out.flush();
                            Thread.sleep(60_000);
                          }
                          return x;
                        }))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.taskIndex()).isEqualTo(1);
              assertThat(e.getCause()).hasMessageContaining("broke the frame protocol");
            });
    assertThat(processes().map(range(4), x -> x)).isEqualTo(range(4));
  }

  @Test
  void preferProcessesPicksThisBackend() {
    List<String> backends =
        Parallel.create()
            .nJobs(2)
            .prefer(dev.joblib.Prefer.PROCESSES)
            .map(
                range(2),
                x -> TaskContext.current().backend() + " " + ProcessHandle.current().pid());
    assertThat(backends)
        .allSatisfy(b -> assertThat(b).startsWith("processes ").doesNotEndWith(" " + SELF));
  }
}
