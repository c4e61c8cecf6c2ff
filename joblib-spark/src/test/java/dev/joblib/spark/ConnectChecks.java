package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.Fn1;
import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import dev.joblib.Parallel;
import dev.joblib.Probe;
import dev.joblib.TaskFailedException;
import dev.joblib.stores.S3Server;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;

/**
 * Checks the Connect and standalone-cluster test classes share, on whichever cluster or Connect
 * server their session reaches.
 */
final class ConnectChecks {
  private ConnectChecks() {}

  /** Task {@code failing} of 0..5 throws: the call fails with its index and original exception. */
  static void aTaskFailureArrivesWithItsIndex(SparkSession spark, int failing) {
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2)).batchSize(1)) {
      assertThatThrownBy(
              () ->
                  p.map(
                      List.of(0, 1, 2, 3, 4, 5),
                      x -> {
                        if (x == failing) {
                          throw new IllegalArgumentException("bad " + x);
                        }
                        return x;
                      }))
          .isInstanceOf(TaskFailedException.class)
          .hasCauseInstanceOf(IllegalArgumentException.class)
          .hasRootCauseMessage("bad " + failing)
          .satisfies(e -> assertThat(((TaskFailedException) e).taskIndex()).isEqualTo(failing));
    }
  }

  /**
   * A function memoised on the in-process S3 server runs over 6 points, then over 8: each of the 8
   * is computed once. Every computation marks {@code computed-<x>-<where(x)>} on the probe it
   * returns, {@code where} running in the task's JVM.
   */
  static Probe aFunctionMemoisedOnS3IsComputedOncePerPoint(
      SparkSession spark, Fn1<Integer, String> where) throws Exception {
    S3Server s3 = new S3Server();
    s3.start();
    try {
      Probe probe = Probe.create();
      Memory memory =
          Memory.builder()
              .location("s3://" + s3.newBucket("connect") + "/cache")
              .storeOption("s3.endpoint", s3.endpoint().toString())
              .storeOption("s3.region", s3.region().id())
              .storeOption("s3.accessKey", s3.accessKey())
              .storeOption("s3.secretKey", s3.secretKey())
              .build();
      Fn1<Integer, Long> score =
          x -> {
            probe.mark("computed-" + x + "-" + where.apply(x));
            return (long) x * x;
          };
      MemorizedFn1<Integer, Long> cached = memory.cache(score);
      List<Integer> grid = IntStream.range(0, 6).boxed().collect(Collectors.toList());
      List<Integer> wider = IntStream.range(0, 8).boxed().collect(Collectors.toList());
      try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2)).batchSize(1)) {
        assertThat(p.map(grid, cached))
            .isEqualTo(grid.stream().map(x -> (long) x * x).collect(Collectors.toList()));
        assertThat(p.map(wider, cached))
            .isEqualTo(wider.stream().map(x -> (long) x * x).collect(Collectors.toList()));
      }
      // 6 points, then only the 2 new ones: each computed once
      assertThat(probe.count("computed-")).isEqualTo(8);
      return probe;
    } finally {
      s3.stop();
    }
  }

  /** Stops the session, forgets the process's sessions and ends the server (each if there). */
  static void stop(SparkSession spark, ConnectServer server) {
    if (spark != null) {
      spark.stop();
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    if (server != null) {
      server.close();
    }
  }
}
