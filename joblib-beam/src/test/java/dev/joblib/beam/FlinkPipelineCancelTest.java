package dev.joblib.beam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.BackendFailedException;
import dev.joblib.Parallel;
import dev.joblib.Probe;
import dev.joblib.TaskTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink runner runs joblib's jobs detached, so a call that stops early cancels its job on the
 * cluster instead of letting it run to its end. The cluster is a Flink MiniCluster in this JVM with
 * its REST endpoint, reached as a remote master, and asked for the job's status.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FlinkPipelineCancelTest {
  @TempDir Path temp;

  @Test
  void closingAStreamHalfWayLeavesTheRunningFlinkJobCanceled() throws Exception {
    stopHalfWay((parallel, beam) -> parallel.close(), CancellationException.class);
  }

  @Test
  void closingTheBackendUnderARunningCallLeavesItsFlinkJobCanceled() throws Exception {
    stopHalfWay((parallel, beam) -> beam.close(), BackendFailedException.class);
  }

  @Test
  void aJobThatNeverGetsItsSlotsEndsTheCallByTimeoutAndIsCanceled() throws Exception {
    Path conf = Files.createTempDirectory("joblib-flink-conf-");
    // the job needs 4 slots, the cluster has 2: it waits for them (5 min by default), never runs
    System.setProperty("joblib.beam.jobStartTimeout", "PT2S");
    try (MiniCluster cluster = FlinkClusters.start();
        BeamBackend beam =
            BeamBackend.of(FlinkClusters.flags(FlinkClusters.master(cluster), conf, temp, 4))) {
      Parallel parallel = Parallel.create().backend(beam).timeout(Duration.ofSeconds(1));
      CompletableFuture<List<Integer>> call =
          CompletableFuture.supplyAsync(() -> parallel.map(BeamBackendTest.range(4), x -> x));
      Throwable thrown = null;
      try {
        call.get(120, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        thrown = e.getCause();
      }

      assertThat(thrown).isInstanceOf(TaskTimeoutException.class);
      assertThat(((TaskTimeoutException) thrown).taskIndex()).isZero();
      assertThat(thrown.getSuppressed())
          .anySatisfy(s -> assertThat(s).hasMessageContaining("was cancelled"));
      await(
          () -> jobs(cluster).stream().allMatch(j -> j.getJobState().isGloballyTerminalState()),
          "the job to end");
      assertThat(jobs(cluster))
          .extracting(JobStatusMessage::getJobState)
          .containsExactly(JobStatus.CANCELED);
      BeamDeadlineTest.awaitEmpty(temp);
    } finally {
      System.clearProperty("joblib.beam.jobStartTimeout");
      FlinkClusters.deleteTree(conf);
    }
  }

  /** Stops a call of the Parallel on the backend. */
  private interface Stop {
    void stop(Parallel parallel, BeamBackend beam);
  }

  /**
   * Streams eight tasks in two waves (two jobs), stops the call once the first wave's results are
   * in and the second's tasks run, and checks what the stream throws, that the second job ends
   * {@code CANCELED} on the cluster and that nothing stays staged.
   */
  private void stopHalfWay(Stop stop, Class<? extends Throwable> thrownByTheStream)
      throws Exception {
    Path conf = Files.createTempDirectory("joblib-flink-conf-");
    Probe probe = Probe.create();
    try (MiniCluster cluster = FlinkClusters.start()) {
      BeamBackend beam =
          BeamBackend.of(FlinkClusters.flags(FlinkClusters.master(cluster), conf, temp));
      Parallel parallel =
          Parallel.create().backend(beam).batchSize(1).preDispatch(4); // two waves, two jobs
      List<Integer> seen = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> consumer =
          CompletableFuture.runAsync(
              () -> {
                try (Stream<Integer> results =
                    parallel.stream(
                        BeamBackendTest.range(8).stream()
                            .map(x -> dev.joblib.Joblib.delayed(i -> holdSecondWave(probe, i), x))
                            .collect(Collectors.toList()))) {
                  results.forEach(seen::add);
                }
              });
      await(() -> probe.saw("second wave") || consumer.isDone(), "the second job's tasks to run");
      assertThat(seen).as("the first wave's results").containsExactly(0, 1, 2, 3);

      stop.stop(parallel, beam); // the stream's call stops half-way

      Throwable thrown = null;
      try {
        consumer.get(90, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        thrown = e.getCause();
      }
      assertThat(thrown).isInstanceOf(thrownByTheStream);
      await(() -> allEnded(cluster), "both jobs to end");
      Map<JobStatus, Long> states =
          jobs(cluster).stream()
              .collect(Collectors.groupingBy(JobStatusMessage::getJobState, Collectors.counting()));
      assertThat(states)
          .containsEntry(JobStatus.CANCELED, 1L)
          .containsEntry(JobStatus.FINISHED, 1L);
      assertThat(probe.saw("released")).as("a task of the second wave ran to its end").isFalse();
      BeamDeadlineTest.awaitEmpty(temp);
      beam.close();
    } finally {
      probe.mark("released"); // stragglers stop waiting
      FlinkClusters.deleteTree(conf);
    }
  }

  /** Tasks of the second wave say so and wait, at most a minute, to be stopped. */
  private static int holdSecondWave(Probe probe, int x) throws InterruptedException {
    if (x >= 4) {
      probe.mark("second wave");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      probe.mark("released");
    }
    return x;
  }

  private static List<JobStatusMessage> jobs(MiniCluster cluster) {
    try {
      return new ArrayList<>(cluster.listJobs().get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException("cannot list the Flink jobs", e);
    }
  }

  private static boolean allEnded(MiniCluster cluster) {
    List<JobStatusMessage> jobs = jobs(cluster);
    return jobs.size() == 2
        && jobs.stream().allMatch(j -> j.getJobState().isGloballyTerminalState());
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
