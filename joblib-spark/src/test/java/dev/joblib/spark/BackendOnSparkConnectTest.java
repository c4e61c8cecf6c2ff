package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.BackendFailedException;
import dev.joblib.Parallel;
import dev.joblib.Probe;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend on a real Spark Connect server (a child JVM, local[2]) that knows nothing of joblib.
 */
class BackendOnSparkConnectTest {
  @TempDir static Path dir;
  private static ConnectServer server;
  private static SparkSession spark;

  @BeforeAll
  static void startServer() {
    ConnectServer.assumeClientClassPath();
    server = ConnectServer.start(dir, "local[2]", Map.of());
    spark = server.newSession();
  }

  @AfterAll
  static void stopServer() {
    ConnectChecks.stop(spark, server);
  }

  /** A record of the test sources, captured by the tasks and returned by them. */
  record Point(int x, int y) implements java.io.Serializable {}

  @Test
  void testClassesRunOnTheServerAndResultsComeBackInOrder() {
    assertThat(spark.getClass().getName()).isEqualTo("org.apache.spark.sql.connect.SparkSession");
    Point origin = new Point(1, 2);
    List<Integer> xs = IntStream.range(0, 100).boxed().collect(Collectors.toList());
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2))) {
      List<Point> points = p.map(xs, x -> new Point(origin.x() + x, origin.y()));
      assertThat(points)
          .isEqualTo(xs.stream().map(x -> new Point(1 + x, 2)).collect(Collectors.toList()));
    }
  }

  @Test
  void aTaskFailureArrivesWithItsIndexAndOriginalException() {
    ConnectChecks.aTaskFailureArrivesWithItsIndex(spark, 2);
  }

  @Test
  void aFunctionMemoisedOnS3IsComputedOnTheServerOncePerPoint() throws Exception {
    long here = ProcessHandle.current().pid();
    Probe probe =
        ConnectChecks.aFunctionMemoisedOnS3IsComputedOncePerPoint(
            spark, x -> "pid" + ProcessHandle.current().pid());
    assertThat(probe.count("computed-3-pid" + here)).as("computed in this JVM").isZero();
  }

  @Test
  void interruptingTheCallersTagEndsTheCallAndItsTasksOnTheServer() throws Exception {
    Probe probe = Probe.create();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              spark.addTag("joblib-test-mine");
              try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2)).batchSize(1)) {
                p.map(
                    IntStream.range(0, 8).boxed().collect(Collectors.toList()),
                    x -> sleepy(probe, x));
              } catch (Throwable t) {
                failure.set(t);
              } finally {
                spark.clearTags();
              }
            });
    caller.start();
    awaitCount(probe, "ran-", 1);
    spark.interruptTag("joblib-test-mine");
    caller.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(caller.isAlive()).as("the call still runs after interruptTag").isFalse();
    assertThat(failure.get()).isInstanceOf(BackendFailedException.class);
    awaitAllLeft(probe);
    assertThat(probe.count("finished-")).isZero();
    assertThat(probe.count("interrupted-")).isEqualTo(probe.count("ran-"));
  }

  @Test
  void closingAStreamHalfWayEndsTheTasksOnTheServer() throws Exception {
    Probe probe = Probe.create();
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2)).batchSize(1)) {
      try (Stream<Integer> results =
          p.stream(
              IntStream.range(0, 40)
                  .mapToObj(x -> dev.joblib.Joblib.delayed(() -> quickThenSleepy(probe, x))))) {
        Iterator<Integer> it = results.iterator();
        assertThat(it.next()).isZero();
        awaitCount(probe, "ran-", 2);
      }
      awaitAllLeft(probe);
      assertThat(probe.count("finished-")).isZero();
      assertThat(probe.count("ran-")).isLessThan(40);
      // the session serves the next call
      assertThat(p.map(List.of(1, 2), x -> x + 1)).containsExactly(2, 3);
    }
  }

  @Test
  void sparkRemoteSelectsConnectForTheSparkIdAndTheBuiltSessionIsStoppedAtClose() {
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    System.setProperty("spark.remote", server.remote());
    try {
      try (Parallel p = Parallel.create().backend("spark").nJobs(2)) {
        assertThat(p.map(List.of(1, 2, 3), x -> x * 10)).containsExactly(10, 20, 30);
        assertThat(SparkSession.getDefaultSession().get().getClass().getName())
            .isEqualTo("org.apache.spark.sql.connect.SparkSession");
      }
      assertThat(SparkSession.getDefaultSession().isDefined())
          .as("the session joblib connected is closed with the last backend")
          .isFalse();
    } finally {
      System.clearProperty("spark.remote");
      SparkSession.setDefaultSession(spark);
    }
  }

  /** Marks ran-x, sleeps 60 s unless interrupted (marks interrupted-x), always marks left-x. */
  static int sleepy(Probe probe, int x) {
    probe.mark("ran-" + x);
    try {
      Thread.sleep(60_000);
      probe.mark("finished-" + x);
      return x;
    } catch (InterruptedException e) {
      probe.mark("interrupted-" + x);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      probe.mark("left-" + x);
    }
  }

  /** Task 0 returns at once; the others sleep as {@link #sleepy}. */
  static int quickThenSleepy(Probe probe, int x) {
    return x == 0 ? 0 : sleepy(probe, x);
  }

  private static void awaitCount(Probe probe, String prefix, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (probe.count(prefix) < count && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(probe.count(prefix)).as(prefix).isGreaterThanOrEqualTo(count);
  }

  /**
   * Waits until every task that started has left; the tasks sleep 60 s, so all leaving well within
   * that shows the server interrupted them.
   */
  private static void awaitAllLeft(Probe probe) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (probe.count("left-") < probe.count("ran-") && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(probe.count("left-")).as("tasks that left").isEqualTo(probe.count("ran-"));
  }

  @Test
  void aClosedSessionGivenToTheBackendFailsTheCallNamingTheSession() throws Exception {
    SparkSession closed = server.newSession();
    String id = (String) closed.getClass().getMethod("sessionId").invoke(closed);
    closed.stop();
    SparkSession.setDefaultSession(spark);
    try (Parallel p = Parallel.create().backend(SparkBackend.of(closed, 2))) {
      assertThatThrownBy(() -> p.map(List.of(1, 2), x -> x + 1))
          .isInstanceOf(BackendFailedException.class)
          .hasMessageContaining("Spark Connect session " + id)
          .hasMessageContaining("is closed");
    }
  }

  @Test
  void aSessionJoblibConnectedIsReplacedWhenClosedOrLostByItsServer() throws Exception {
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    System.setProperty("spark.remote", server.remote());
    try (Parallel p = Parallel.create().backend("spark").nJobs(2)) {
      assertThat(p.map(List.of(1, 2), x -> x + 1)).containsExactly(2, 3);
      SparkSession.getDefaultSession().get().stop();
      assertThat(p.map(List.of(1, 2), x -> x + 2)).as("after a close").containsExactly(3, 4);

      // what a server restart does to a client: its session id no longer matches the server's
      SparkSession lost = SparkSession.getDefaultSession().get();
      lost.getClass()
          .getMethod("hijackServerSideSessionIdForTesting", String.class)
          .invoke(lost, "-restarted");
      assertThatThrownBy(() -> lost.range(1).count()).isNotNull();
      assertThat(lost.getClass().getMethod("isUsable").invoke(lost)).isEqualTo(false);
      assertThat(p.map(List.of(1, 2), x -> x + 3)).as("after a restart").containsExactly(4, 5);
      assertThat(SparkSession.getDefaultSession().get()).isNotSameAs(lost);
    } finally {
      System.clearProperty("spark.remote");
      SparkSession.setDefaultSession(spark);
    }
  }

  @Test
  void nJobsMinusOneIsProbedOncePerSession() throws Exception {
    SparkSession first = server.newSession();
    SparkSession second = server.newSession();
    try {
      assertThat(SparkBackend.of(first).nJobs()).isEqualTo(2);
      first.conf().set("spark.sql.leafNodeDefaultParallelism", "3");
      Thread.sleep(1_100); // past the second for which a probe used to be reused
      assertThat(SparkBackend.of(first).nJobs()).as("probed once for the session").isEqualTo(2);
      second.conf().set("spark.sql.leafNodeDefaultParallelism", "3");
      assertThat(SparkBackend.of(second).nJobs()).as("another session's own probe").isEqualTo(3);
    } finally {
      first.stop();
      second.stop();
      SparkSession.setDefaultSession(spark);
    }
  }

  /** Copied to a class directory of its own, too large to upload. */
  public static final class Payload implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void aFailedUploadIsTheBackendsFailureNotATasks(@TempDir Path classes) throws Exception {
    String name = Payload.class.getName();
    Path file = classes.resolve(name.replace('.', '/') + ".class");
    java.nio.file.Files.createDirectories(file.getParent());
    try (var in =
        Payload.class.getResourceAsStream(name.substring(name.lastIndexOf('.') + 1) + ".class")) {
      java.nio.file.Files.copy(in, file);
    }
    try (var big = new java.io.RandomAccessFile(classes.resolve("big.bin").toFile(), "rw")) {
      big.setLength((256L << 20) + 1); // sparse: above the most a class directory may upload
    }
    try (var loader =
        new java.net.URLClassLoader(
            new java.net.URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Object payload = loader.loadClass(name).getDeclaredConstructor().newInstance();
      assertThat(payload.getClass()).isNotSameAs(Payload.class);
      try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2)).batchSize(1)) {
        assertThatThrownBy(() -> p.map(List.of(0, 1), x -> x + payload.hashCode() * 0))
            .isInstanceOf(BackendFailedException.class)
            .hasMessageContaining("uploading the code of")
            .hasMessageContaining("from task ")
            .hasMessageContaining(spark.getClass().getMethod("sessionId").invoke(spark).toString())
            .hasStackTraceContaining("holds more than");
      }
    }
  }

  /** A serializable interface for a proxy, which the client refuses to read back. */
  public interface Named extends java.io.Serializable {
    /** The name. */
    String name();
  }

  /** Answers every call of a proxy with "proxy". */
  static final class Answer implements java.lang.reflect.InvocationHandler, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) {
      return "proxy";
    }
  }

  @Test
  void anOutcomeTheClientCannotReadIsTheBackendsFailureNamingTheBatch() {
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2)).batchSize(1)) {
      assertThatThrownBy(
              () ->
                  p.map(
                      List.of(0, 1, 2),
                      x ->
                          x == 1
                              ? java.lang.reflect.Proxy.newProxyInstance(
                                  Named.class.getClassLoader(),
                                  new Class<?>[] {Named.class},
                                  new Answer())
                              : (Object) x))
          .isInstanceOf(BackendFailedException.class)
          .hasMessageContaining("reading on the client the outcome of")
          .hasMessageContaining("from task 1");
    }
  }

  @Test
  void nJobsMinusOneIsTheServersParallelism() {
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark))) {
      assertThat(SparkBackend.of(spark).nJobs()).isEqualTo(2);
    }
  }
}
