package dev.joblib.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.joblib.BackendFailedException;
import dev.joblib.Parallel;
import dev.joblib.Probe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.client.JobCancellationException;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runner failures, as opposed to task failures: the runner refusing or losing the job, the staging
 * location unusable, the pipeline failing inside the runner, the job cancelled from outside. Each
 * fails the call with {@link BackendFailedException} (or, when it can be seen before any task runs,
 * {@link IllegalArgumentException} naming the option), never with partial results; nothing is left
 * in {@code tempLocation}, and the next call works. Timeouts only bound a hang; no timing is
 * asserted.
 */
@Tag("reliability")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BeamRunnerFailureTest {
  @TempDir Path temp;

  @Test
  void aTempLocationThatIsARegularFileIsRefusedBeforeAnyTaskRunsOnBothRunners() throws Exception {
    Path file = Files.writeString(temp.resolve("not-a-dir"), "keep me");
    Path staging = Files.createDirectory(temp.resolve("staging"));
    Probe probe = Probe.create();
    for (String runner : List.of("DirectRunner", "FlinkRunner")) {
      for (String location : List.of(file.toString(), file.resolve("below").toString())) {
        Parallel bad =
            Parallel.create()
                .backend("beam")
                .option("runner", runner)
                .option("flinkMaster", "[local]")
                .option("tempLocation", location);
        IllegalArgumentException e =
            catchThrowableOfType(
                IllegalArgumentException.class,
                () -> bad.map(BeamBackendTest.range(4), x -> ran(probe, x)));
        assertThat(e)
            .as("%s, tempLocation %s", runner, location)
            .hasMessageContaining("tempLocation")
            .hasMessageContaining("'beam'")
            .hasMessageContaining("'" + location + "'")
            .hasMessageContaining("regular file");
      }
    }
    assertThat(probe.count("ran-")).as("tasks run").isZero();
    assertThat(Files.readString(file)).isEqualTo("keep me");
    assertThat(staged(temp)).containsExactlyInAnyOrder(file, staging);
    Parallel good = Parallel.create().backend("beam").option("tempLocation", staging.toString());
    assertThat(good.map(BeamBackendTest.range(4), x -> x * 2)).containsExactly(0, 2, 4, 6);
    assertThat(staged(staging)).isEmpty();
  }

  @Test
  void aLocalTempLocationIsRefusedBeforeAnyTaskRunsWhenTheFlinkMasterIsAnotherMachine() {
    Probe probe = Probe.create();
    try (BeamBackend beam =
        BeamBackend.of(
            "--runner=FlinkRunner",
            "--flinkMaster=flink-jobmanager.invalid:8081",
            "--tempLocation=" + temp)) {
      IllegalArgumentException e =
          catchThrowableOfType(
              IllegalArgumentException.class,
              () ->
                  Parallel.create()
                      .backend(beam)
                      .map(BeamBackendTest.range(4), x -> ran(probe, x)));

      assertThat(e)
          .hasMessageContaining("tempLocation")
          .hasMessageContaining("'" + temp + "'")
          .hasMessageContaining("flinkMaster=flink-jobmanager.invalid:8081")
          .hasMessageContaining("hdfs://");
    }
    assertThat(probe.count("ran-")).as("tasks run").isZero();
  }

  @Test
  void
      anUnreachableFlinkMasterFailsWithTheAddressAndTheConnectionErrorThenTheBackendServesTheNextCall()
          throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String master = "127.0.0.1:" + closedPort;
    Path conf = Files.createTempDirectory("joblib-flink-conf-");
    Probe probe = Probe.create();
    try (BeamBackend beam =
        BeamBackend.of(
            "--runner=FlinkRunner",
            "--flinkMaster=" + master,
            "--flinkConfDir=" + FlinkClusters.writeFlinkConf(conf),
            "--parallelism=2",
            "--tempLocation=" + temp)) {
      Parallel parallel = Parallel.create().backend(beam);
      BackendFailedException e =
          catchThrowableOfType(
              BackendFailedException.class,
              () -> parallel.map(BeamBackendTest.range(6), x -> ran(probe, x)));
      assertThat(e.backend()).isEqualTo("beam");
      assertThat(e)
          .hasMessageContaining("'beam'")
          .hasMessageContaining("FlinkRunner")
          .hasMessageContaining("flinkMaster=" + master);
      assertThat(rootCause(e)).isInstanceOf(ConnectException.class);
      assertThat(chain(e)).anyMatch(t -> String.valueOf(t.getMessage()).contains(master));
      assertThat(probe.count("ran-")).as("tasks run").isZero();
      assertThat(staged(temp)).isEmpty();

      // the same backend and Parallel serve the next call once the master is right
      beam.options().as(FlinkPipelineOptions.class).setFlinkMaster("[local]");
      assertThat(parallel.map(BeamBackendTest.range(6), x -> x + 1))
          .containsExactly(1, 2, 3, 4, 5, 6);
    } finally {
      FlinkClusters.deleteTree(conf);
    }
    assertThat(staged(temp)).isEmpty();
  }

  @Test
  void aTempLocationReplacedByAFileWhileTasksRunFailsInsideTheRunnerWithThePath() throws Exception {
    Path location = Files.createDirectory(temp.resolve("location"));
    Probe probe = Probe.create();
    try (BeamBackend beam = BeamBackend.of("--tempLocation=" + location, "--targetParallelism=2")) {
      Parallel parallel = Parallel.create().backend(beam).batchSize(1);
      CompletableFuture<List<Integer>> call =
          CompletableFuture.supplyAsync(
              () -> parallel.map(BeamBackendTest.range(4), x -> holdFirst(probe, x)));
      await(() -> probe.saw("started") || call.isDone(), "task 0 to start");
      // the check at the start of the call passed; now the runner can no longer write there
      FlinkClusters.deleteTree(location);
      Files.writeString(location, "in the way");
      probe.mark("go");

      BackendFailedException e = failureOf(call, BackendFailedException.class);
      assertThat(e.backend()).isEqualTo("beam");
      assertThat(e)
          .hasMessageContaining("'beam'")
          .hasMessageContaining("DirectRunner")
          .hasMessageContaining("staging in " + location.resolve("joblib-beam-"));
      assertThat(rootCause(e))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(location.resolve("joblib-beam-").toString());
      assertThat(staged(temp)).containsExactly(location);
      assertThat(Files.readString(location)).isEqualTo("in the way");

      Files.delete(location);
      Files.createDirectory(location);
      assertThat(parallel.map(BeamBackendTest.range(8), x -> x * x))
          .containsExactly(0, 1, 4, 9, 16, 25, 36, 49);
    }
    assertThat(staged(location)).isEmpty();
  }

  @Test
  void
      aFlinkJobCancelledOnTheClusterFailsTheCallWithTheCancellationThenTheClusterServesTheNextCall()
          throws Exception {
    onAFlinkClusterWhileTask0Runs(
        (cluster, parallel, beam) ->
            cluster.cancelJob(runningJob(cluster)).get(30, TimeUnit.SECONDS),
        (e, cluster, parallel, beam) -> {
          assertThat(rootCause(e))
              .isInstanceOf(JobCancellationException.class)
              .hasMessageContaining("cancelled");
          assertThat(parallel.map(BeamBackendTest.range(4), x -> x + 10))
              .containsExactly(10, 11, 12, 13);
        });
  }

  @Test
  void
      aFlinkClusterShutDownMidJobFailsTheCallWithTheLostConnectionThenAnotherClusterServesTheNextCall()
          throws Exception {
    onAFlinkClusterWhileTask0Runs(
        (cluster, parallel, beam) -> cluster.close(),
        (e, cluster, parallel, beam) -> {
          // usually the refused connection; under load the client may first hear of the shutdown
          // otherwise (a Flink REST or job error): what holds is that the runner's own error is
          // at the root, not one of joblib's
          assertThat(rootCause(e).getClass().getName())
              .as("root cause %s", rootCause(e))
              .doesNotStartWith("dev.joblib");
          beam.options().as(FlinkPipelineOptions.class).setFlinkMaster("[local]");
          assertThat(parallel.map(BeamBackendTest.range(4), x -> x + 10))
              .containsExactly(10, 11, 12, 13);
        });
  }

  /** Injects a fault into a Flink cluster of this JVM. */
  private interface ClusterFault {
    void inject(MiniCluster cluster, Parallel parallel, BeamBackend beam) throws Exception;
  }

  /** Checks the call's failure and what follows. */
  private interface AfterFault {
    void check(BackendFailedException e, MiniCluster cluster, Parallel parallel, BeamBackend beam)
        throws Exception;
  }

  /**
   * Starts a Flink cluster (REST on a free port), runs four tasks on it through the Flink runner,
   * injects the fault while task 0 runs, checks the common guarantees (the backend's failure naming
   * the runner and the master; nothing staged) and then the fault's own.
   */
  private void onAFlinkClusterWhileTask0Runs(ClusterFault fault, AfterFault after)
      throws Exception {
    Probe probe = Probe.create();
    Path conf = Files.createTempDirectory("joblib-flink-conf-");
    try (MiniCluster cluster = FlinkClusters.start()) {
      String master = FlinkClusters.master(cluster);
      try (BeamBackend beam = BeamBackend.of(FlinkClusters.flags(master, conf, temp))) {
        Parallel parallel = Parallel.create().backend(beam).batchSize(1);
        CompletableFuture<List<Integer>> call =
            CompletableFuture.supplyAsync(
                () -> parallel.map(BeamBackendTest.range(4), x -> holdFirst(probe, x)));
        await(() -> probe.saw("started") || call.isDone(), "task 0 to start on the cluster");
        fault.inject(cluster, parallel, beam);

        BackendFailedException e = failureOf(call, BackendFailedException.class);
        assertThat(e.backend()).isEqualTo("beam");
        assertThat(e)
            .hasMessageContaining("'beam'")
            .hasMessageContaining("FlinkRunner")
            .hasMessageContaining("flinkMaster=" + master);
        assertThat(staged(temp)).isEmpty();
        after.check(e, cluster, parallel, beam);
      }
    } finally {
      FlinkClusters.deleteTree(conf);
    }
    assertThat(staged(temp)).isEmpty();
  }

  /** Records that task {@code x} ran. */
  private static int ran(Probe probe, int x) {
    probe.mark("ran-" + x);
    return x;
  }

  /** Task 0 says it started and waits (at most 60 s) for the test to let it go. */
  private static int holdFirst(Probe probe, int x) throws InterruptedException {
    probe.mark("ran-" + x);
    if (x == 0) {
      probe.mark("started");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      try {
        while (!probe.saw("go") && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      } catch (InterruptedException stopped) {
        // the runner stops the task: end late, as a task on a lost cluster may, after the caller
        // has given up and deleted the staging directory
        Thread.sleep(1500);
        throw stopped;
      }
    }
    return x;
  }

  private static JobID runningJob(MiniCluster cluster) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (JobStatusMessage job : cluster.listJobs().get(30, TimeUnit.SECONDS)) {
        if (job.getJobState() == JobStatus.RUNNING) {
          return job.getJobId();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no running job on the Flink cluster");
  }

  private static <T extends Throwable> T failureOf(CompletableFuture<?> call, Class<T> expected)
      throws Exception {
    Throwable thrown;
    try {
      Object result = call.get(90, TimeUnit.SECONDS);
      throw new AssertionError("the call returned instead of failing: " + result);
    } catch (java.util.concurrent.ExecutionException e) {
      thrown = e.getCause();
    }
    assertThat(thrown).isInstanceOf(expected);
    return expected.cast(thrown);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static Throwable rootCause(Throwable e) {
    List<Throwable> chain = chain(e);
    return chain.get(chain.size() - 1);
  }

  private static List<Throwable> chain(Throwable e) {
    List<Throwable> chain = new java.util.ArrayList<>();
    for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  /** Everything under {@code dir} (files and directories, at any depth). */
  private static List<Path> staged(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> !p.equals(dir)).collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
