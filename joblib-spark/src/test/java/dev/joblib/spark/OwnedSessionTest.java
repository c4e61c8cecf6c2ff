package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.joblib.BackendFailedException;
import dev.joblib.Parallel;
import dev.joblib.Probe;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Without a session in the process, the backend creates one and stops it when its last user is
 * closed, never when a user is garbage collected.
 */
class OwnedSessionTest {
  @BeforeEach
  void noSessionAround() {
    LocalSpark.stopAll();
    System.setProperty("spark.master", "local[2]");
    System.setProperty("spark.driver.host", "127.0.0.1");
  }

  @AfterEach
  void restore() {
    System.clearProperty("spark.master");
    System.clearProperty("spark.driver.host");
  }

  @Test
  void aCreatedSessionIsSharedAndStoppedWhenTheLastBackendCloses() {
    SparkContext sc;
    try (Parallel first = Parallel.create().backend("spark")) {
      assertThat(first.map(List.of(1, 2, 3), x -> x * 2)).containsExactly(2, 4, 6);
      sc = SparkSession.getDefaultSession().get().sparkContext();
      assertThat(sc.master()).isEqualTo("local[2]");
      try (Parallel second = Parallel.create().backend("spark")) {
        assertThat(second.map(List.of(1), x -> x)).containsExactly(1);
        assertThat(SparkSession.getDefaultSession().get().sparkContext()).isSameAs(sc);
      }
      assertThat(sc.isStopped()).as("still used by the first backend").isFalse();
    }
    assertThat(sc.isStopped()).isTrue();
  }

  @Test
  void aCreatedSessionSurvivesTheCollectionOfAParallelThatWasNeverClosed() throws Exception {
    WeakReference<Parallel> dropped = runOnceAndDrop();
    SparkContext sc = SparkSession.getDefaultSession().get().sparkContext();
    for (int i = 0; i < 200 && dropped.get() != null; i++) {
      System.gc();
      Thread.sleep(50);
    }
    assertThat(dropped.get()).as("the Parallel was collected").isNull();
    // the Cleaner acts on its own thread soon after: a stop would come within these seconds
    for (int i = 0; i < 50 && !sc.isStopped(); i++) {
      System.gc();
      Thread.sleep(100);
    }
    assertThat(sc.isStopped()).as("stopped by the garbage collector").isFalse();
    assertThat(SparkSession.builder().getOrCreate().sparkContext()).isSameAs(sc);
    try (Parallel again = Parallel.create().backend("spark")) {
      assertThat(again.map(List.of(1, 2), x -> x + 1)).containsExactly(2, 3);
    }
    assertThat(sc.isStopped()).as("an explicit close by its last user stops it").isTrue();
  }

  private static WeakReference<Parallel> runOnceAndDrop() {
    Parallel p = Parallel.create().backend("spark");
    assertThat(p.map(List.of(1, 2), x -> x * 2)).containsExactly(2, 4);
    return new WeakReference<>(p);
  }

  @Test
  void aStoppedSessionIsReportedWhenACallStarts() {
    SparkSession session = SparkSession.builder().getOrCreate();
    session.stop();
    assertThatThrownBy(
            () -> Parallel.create().backend(SparkBackend.of(session)).map(List.of(1, 2), x -> x))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stopped");
  }

  @Test
  void aSessionStoppedDuringACallFailsItAsABackendFailureNotATaskFailure() {
    SparkSession session = SparkSession.builder().getOrCreate();
    Probe probe = Probe.create();
    Thread stopper =
        new Thread(
            () -> {
              try {
                while (!probe.saw("started")) { // a task runs: the call is under way
                  Thread.sleep(20);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              session.stop();
            });
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          stopper.start();
          assertThatThrownBy(
                  () ->
                      Parallel.create()
                          .backend(SparkBackend.of(session))
                          .batchSize(1)
                          .map(
                              List.of(1, 2, 3, 4, 5, 6, 7, 8),
                              x -> {
                                probe.mark("started");
                                Thread.sleep(2_000);
                                return x;
                              }))
              .isInstanceOf(BackendFailedException.class)
              .hasMessageContaining("backend 'spark'")
              .satisfies(e -> assertThat(((BackendFailedException) e).backend()).isEqualTo("spark"))
              // Spark's own account travels as the cause
              .hasStackTraceContaining("SparkContext")
              .cause()
              .isNotNull();
          stopper.join();
        });
    assertThat(session.sparkContext().isStopped()).isTrue();
  }
}
