package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.joblib.Fn1;
import dev.joblib.JoblibException;
import dev.joblib.Parallel;
import dev.joblib.TaskFailedException;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor JVM of a real standalone cluster killed with SIGKILL in the middle of a Parallel
 * call: Spark re-runs the tasks it lost, the Master has the Worker launch a new executor, and the
 * call returns every result, in order. A cluster of its own, since the tests kill part of it.
 *
 * <p>The session lowers {@code spark.task.maxFailures} from the cluster default of 4 to 2, so that
 * the test of a task Spark gives up on needs two executor launches instead of four; one lost
 * executor still costs its tasks one failure only.
 */
@Tag("reliability")
class ExecutorLossTest {
  private static final int TASKS = 40;
  private static final Pattern MARK =
      Pattern.compile("(start|done)-(\\d+)-pid-(\\d+)-at-(\\d+)-(\\d+)");

  private static StandaloneCluster cluster;
  private static SparkSession spark;

  @BeforeAll
  static void startCluster() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "cluster-" + System.nanoTime()));
    cluster = StandaloneCluster.start(dir, 2);
    spark =
        cluster
            .session("joblib-spark-executor-loss-test")
            .config("spark.task.maxFailures", "2")
            .getOrCreate();
    StandaloneCluster.awaitExecutors(spark, 1);
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /**
   * Forty tasks of 250 ms, in joblib's default batches (each batch one Spark task), on the
   * cluster's one executor (two cores). While a task runs on it, the test kills that executor's JVM
   * with SIGKILL. The call still returns every result in input order; the batches the killed JVM
   * had not sent back ran again, on a new executor JVM (Spark's at-least-once retry: their tasks
   * that had already finished ran twice). The same Parallel then serves the same call again.
   */
  @Test
  void anExecutorKilledMidCallIsReplacedAndTheCallReturnsEveryResultInOrder() {
    assertTimeoutPreemptively(Duration.ofSeconds(300), this::killAnExecutorMidCall);
  }

  @TempDir Path marks;

  private void killAnExecutorMidCall() throws Exception {
    String probe = Files.createDirectory(marks.resolve("first")).toString();
    List<Integer> xs = IntStream.range(0, TASKS).boxed().collect(Collectors.toList());
    List<Long> expected = xs.stream().map(x -> (long) x * x + 7).collect(Collectors.toList());
    long driver = ProcessHandle.current().pid();

    try (Parallel parallel = Parallel.create().backend(SparkBackend.of(spark))) {
      long startedAt = System.nanoTime();
      CompletableFuture<List<Long>> call =
          CompletableFuture.supplyAsync(() -> parallel.map(xs, work(probe)));

      // wait for a fourth task to start, then kill the JVM of the latest started one as it sleeps
      List<Mark> inFlight = List.of();
      while (inFlight.isEmpty()) {
        assertThat(call).as("the call ended before the executor could be killed").isNotDone();
        Thread.sleep(10);
        List<Mark> started = marks(probe, "start");
        if (started.size() >= 4) {
          inFlight = unfinished(started, marks(probe, "done"));
        }
      }
      long victim = inFlight.get(inFlight.size() - 1).pid;
      assertThat(victim).isNotEqualTo(driver);
      ProcessHandle executor = ProcessHandle.of(victim).orElseThrow();
      assertThat(executor.info().commandLine().orElse("")).contains("CoarseGrainedExecutorBackend");
      long killedAt = System.currentTimeMillis();
      assertThat(executor.destroyForcibly()).isTrue();
      executor.onExit().get(30, TimeUnit.SECONDS);
      assertThat(call).as("the executor was killed mid-call").isNotDone();

      List<Long> results = call.get();
      long returnedAt = System.currentTimeMillis();
      long withKillMillis = (System.nanoTime() - startedAt) / 1_000_000;

      assertThat(results).isEqualTo(expected);
      assertThat(ProcessHandle.of(victim).filter(ProcessHandle::isAlive)).isEmpty();
      List<Mark> starts = marks(probe, "start");
      List<Mark> dones = marks(probe, "done");
      assertThat(starts).extracting(m -> m.task).containsAll(xs);
      Set<Long> pids = starts.stream().map(m -> m.pid).collect(Collectors.toSet());
      assertThat(pids).contains(victim).doesNotContain(driver).hasSizeGreaterThanOrEqualTo(2);
      // what the killed JVM had started and not finished ran again elsewhere, and so did the tasks
      // of its batches that had finished but were not sent back; no task ran more than twice
      Set<Integer> lost =
          unfinished(
                  starts.stream().filter(m -> m.pid == victim).collect(Collectors.toList()), dones)
              .stream()
              .map(m -> m.task)
              .collect(Collectors.toCollection(TreeSet::new));
      Map<Integer, List<Mark>> byTask = starts.stream().collect(Collectors.groupingBy(m -> m.task));
      Set<Integer> reran =
          byTask.entrySet().stream()
              .filter(e -> e.getValue().size() > 1)
              .map(Map.Entry::getKey)
              .collect(Collectors.toCollection(TreeSet::new));
      assertThat(lost).as("tasks in flight on the killed JVM").isNotEmpty();
      assertThat(reran).containsAll(lost);
      for (int task : reran) {
        List<Mark> runs = byTask.get(task);
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).pid).isEqualTo(victim);
        assertThat(runs.get(1).pid).isNotEqualTo(victim);
      }
      long firstOnNewExecutor =
          starts.stream().filter(m -> m.pid != victim).mapToLong(m -> m.at).min().orElseThrow();

      // the same Parallel, backend and session serve the same call again, on the new executor
      String again = Files.createDirectory(marks.resolve("second")).toString();
      long secondStartedAt = System.nanoTime();
      assertThat(parallel.map(xs, work(again))).isEqualTo(expected);
      long withoutKillMillis = (System.nanoTime() - secondStartedAt) / 1_000_000;
      assertThat(marks(again, "start"))
          .hasSize(TASKS)
          .extracting(m -> m.pid)
          .doesNotContain(victim, driver);

      System.out.printf(
          "ExecutorLossTest: executor pid %d killed after %d of %d tasks had started; the first"
              + " task on the new executor started %d ms after the kill; the call returned %d ms"
              + " after the kill and took %d ms in all; the same call without a kill took %d ms;"
              + " tasks run twice: %s%n",
          victim,
          starts.stream().filter(m -> m.at <= killedAt).count(),
          TASKS,
          firstOnNewExecutor - killedAt,
          returnedAt - killedAt,
          withKillMillis,
          withoutKillMillis,
          reran);
    }
    assertThat(spark.sparkContext().isStopped()).isFalse();
  }

  /**
   * A task that kills its executor JVM on every attempt: Spark gives up after {@code
   * spark.task.maxFailures} attempts (two executor JVMs lost, each replaced), and the call fails
   * with that task's index and a cause saying why, not with an exception of the user's code; the
   * same Parallel then serves the next call on a new executor. The call has that one task, since
   * Spark counts a lost executor against every task it was running.
   */
  @Test
  void aTaskThatKillsEveryExecutorItRunsOnFailsTheCallWithItsIndexAndSparksReason() {
    assertTimeoutPreemptively(Duration.ofSeconds(300), this::killEveryExecutorFromATask);
  }

  private void killEveryExecutorFromATask() {
    long driver = ProcessHandle.current().pid();
    List<Integer> xs = IntStream.range(0, 12).boxed().collect(Collectors.toList());
    List<Integer> deadly = List.of(7);
    Fn1<Integer, Integer> crashing =
        x -> {
          if (x == 7 && ProcessHandle.current().pid() != driver) {
            Runtime.getRuntime().halt(3);
          }
          return x * 3;
        };
    try (Parallel parallel = Parallel.create().backend(SparkBackend.of(spark))) {
      TaskFailedException e =
          catchThrowableOfType(TaskFailedException.class, () -> parallel.map(deadly, crashing));
      assertThat(e.taskIndex()).isZero();
      assertThat(e.backend()).isEqualTo("spark");
      assertThat(e.getCause())
          .isExactlyInstanceOf(JoblibException.class)
          .hasMessageContaining("Spark gave up on the Spark task running Batch[0: tasks 0..0]")
          .hasMessageContaining("ExecutorLostFailure")
          .hasCauseInstanceOf(SparkException.class);

      assertThat(parallel.map(xs, x -> x * 3))
          .isEqualTo(xs.stream().map(x -> x * 3).collect(Collectors.toList()));
    }
    assertThat(spark.sparkContext().isStopped()).isFalse();
  }

  /**
   * One batch of a job that cannot be read on the executors: Spark gives up on its Spark task while
   * task 0 still runs, and the call fails with the unreadable batch's task index, not with that of
   * the earlier batch that merely had no outcome yet.
   */
  @Test
  void aBatchTheExecutorsCannotReadFailsTheCallWithItsOwnIndex() {
    long driver = ProcessHandle.current().pid();
    List<Object> xs = IntStream.range(0, 12).boxed().collect(Collectors.toList());
    xs.set(1, new UnreadableOnExecutors(driver));
    Fn1<Object, Integer> work =
        x -> {
          Thread.sleep(Integer.valueOf(0).equals(x) ? 5_000 : 100);
          return x instanceof Integer ? (Integer) x * 3 : -1;
        };
    try (Parallel parallel = Parallel.create().backend(SparkBackend.of(spark)).batchSize(1)) {
      TaskFailedException e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(120),
              () -> catchThrowableOfType(TaskFailedException.class, () -> parallel.map(xs, work)));
      assertThat(e.taskIndex()).isEqualTo(1);
      assertThat(e.getCause())
          .isExactlyInstanceOf(JoblibException.class)
          .hasMessageContaining("Spark gave up on the Spark task running Batch[1: tasks 1..1]")
          .hasMessageContaining("refused on executor")
          .hasCauseInstanceOf(SparkException.class);
    }
  }

  /** A task argument whose deserialization fails everywhere but in the driver. */
  static final class UnreadableOnExecutors implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long driver;

    UnreadableOnExecutors(long driver) {
      this.driver = driver;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      if (ProcessHandle.current().pid() != driver) {
        throw new InvalidObjectException("refused on executor " + ProcessHandle.current().pid());
      }
    }
  }

  /** A 250 ms task whose result depends on its input; it marks its start and end in {@code dir}. */
  private static Fn1<Integer, Long> work(String dir) {
    return x -> {
      mark(dir, "start", x);
      Thread.sleep(250);
      mark(dir, "done", x);
      return (long) x * x + 7;
    };
  }

  /**
   * Records, as an empty file in {@code dir} (a String, since a Path does not serialize; executors
   * on this machine see it), that task {@code x} reached {@code event} in this JVM now.
   */
  private static void mark(String dir, String event, int x) throws IOException {
    Files.createFile(
        Path.of(
            dir,
            event
                + "-"
                + x
                + "-pid-"
                + ProcessHandle.current().pid()
                + "-at-"
                + System.currentTimeMillis()
                + "-"
                + System.nanoTime()));
  }

  /** The starts without a "done" mark of the same task in the same JVM. */
  private static List<Mark> unfinished(List<Mark> starts, List<Mark> dones) {
    return starts.stream()
        .filter(s -> dones.stream().noneMatch(d -> d.task == s.task && d.pid == s.pid))
        .collect(Collectors.toList());
  }

  /** The {@code event} marks in {@code dir}, oldest first. */
  private static List<Mark> marks(String dir, String event) {
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      return files
          .map(f -> MARK.matcher(f.getFileName().toString()))
          .filter(m -> m.matches() && m.group(1).equals(event))
          .map(
              m ->
                  new Mark(
                      Integer.parseInt(m.group(2)),
                      Long.parseLong(m.group(3)),
                      Long.parseLong(m.group(4))))
          .sorted((a, b) -> Long.compare(a.at, b.at))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Mark {
    final int task;
    final long pid;
    final long at;

    Mark(int task, long pid, long at) {
      this.task = task;
      this.pid = pid;
      this.at = at;
    }
  }
}
