package dev.joblib.internal.processes;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.joblib.BackendFailedException;
import dev.joblib.Parallel;
import dev.joblib.TaskTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker JVM's start-up is the pool's cost, not a task's: a call's timeout counts from when a
 * batch reaches a ready worker, and a worker that cannot start fails the call with why, within the
 * pool's own start limit. Every test uses its own pool (its own JVM options), so it starts cold.
 */
class WorkerStartTest {
  @TempDir Path temp;

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  private static int sleepThenReturn(int millis, int value) throws InterruptedException {
    Thread.sleep(millis);
    return value;
  }

  @Test
  void aTimeoutDoesNotCountTheTimeAColdWorkerTakesToStart() throws Exception {
    // each worker takes 6 s to start, three times the timeout; every task takes 1 ms
    Parallel slowToStart =
        Parallel.create()
            .nJobs(2)
            .backend("processes")
            .option("jvmArgs", SlowStartAgent.jvmArg(temp, 6000))
            .timeout(Duration.ofSeconds(2));

    assertThat(slowToStart.map(range(8), x -> sleepThenReturn(1, x))).isEqualTo(range(8));
  }

  @Test
  void aTimeoutStillCountsFromWhenTheBatchReachesTheWorker() throws Exception {
    Parallel slowToStart =
        Parallel.create()
            .nJobs(2)
            .backend("processes")
            .option("jvmArgs", SlowStartAgent.jvmArg(temp, 2000))
            // room for the 1 ms task on a worker that has just started on a loaded machine
            .timeout(Duration.ofSeconds(3));

    TaskTimeoutException e =
        catchThrowableOfType(
            TaskTimeoutException.class,
            () ->
                slowToStart.run(
                    List.of(
                        delayed(x -> sleepThenReturn(1, x), 0),
                        delayed(x -> sleepThenReturn(60_000, x), 1))));

    assertThat(e.taskIndex()).isEqualTo(1);
  }

  @Test
  void aWorkerThatCannotStartFailsTheCallNamingWhyAndTheNextCallRetries() {
    Path missing = temp.resolve("no-such-agent.jar");
    Parallel broken =
        Parallel.create().nJobs(2).backend("processes").option("jvmArgs", "-javaagent:" + missing);

    BackendFailedException e =
        catchThrowableOfType(BackendFailedException.class, () -> broken.map(range(4), x -> x));

    assertThat(e.backend()).isEqualTo("processes");
    assertThat(e.getMessage())
        .contains("could not start")
        .contains("exit code")
        .contains(missing.toString());
    BackendFailedException again =
        catchThrowableOfType(BackendFailedException.class, () -> broken.map(range(4), x -> x));
    assertThat(again.getMessage()).contains("could not start");
  }

  @Test
  void aWorkerThatHangsWhileStartingIsKilledAtTheStartTimeout() throws Exception {
    Parallel hanging =
        Parallel.create()
            .nJobs(2)
            .backend("processes")
            .option("jvmArgs", SlowStartAgent.jvmArg(temp, 120_000))
            .option("startTimeout", "1s");
    long start = System.nanoTime();

    BackendFailedException e =
        catchThrowableOfType(BackendFailedException.class, () -> hanging.map(range(2), x -> x));

    assertThat(e.getMessage()).contains("startTimeout").contains("killed");
    // the worker would sleep 120 s: failing long before shows the start limit ended it
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    long pid = Long.parseLong(e.getMessage().replaceAll("(?s).*\\(pid (\\d+)\\).*", "$1"));
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }
}
