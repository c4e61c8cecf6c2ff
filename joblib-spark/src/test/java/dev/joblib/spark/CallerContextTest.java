package dev.joblib.spark;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.BackendFailedException;
import dev.joblib.Parallel;
import dev.joblib.Probe;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The caller's job context reaches every job a call starts (job group, tags, description, pool and
 * other local properties), whichever thread called before, so that notebooks and job servers can
 * cancel a call the way they cancel their other work.
 */
class CallerContextTest {
  private static final String TAGS = "spark.job.tags";
  private static SparkSession spark;
  private static SparkContext sc;
  private final List<Properties> jobs = new CopyOnWriteArrayList<>();
  private final AtomicInteger ended = new AtomicInteger();
  private final SparkListener recorder =
      new SparkListener() {
        @Override
        public void onJobStart(SparkListenerJobStart start) {
          jobs.add(start.properties());
        }

        @Override
        public void onJobEnd(SparkListenerJobEnd end) {
          ended.incrementAndGet();
        }
      };

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start(2);
    sc = spark.sparkContext();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @BeforeEach
  void record() {
    LocalSpark.drainListenerBus(spark); // no late event of an earlier test reaches the recorder
    sc.addSparkListener(recorder);
  }

  @AfterEach
  void stopRecording() {
    sc.removeSparkListener(recorder);
  }

  static Integer same(Integer x) {
    return x;
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  /**
   * The jobs of the calls made so far (all ended), once the listener bus has delivered the end of
   * every job it delivered the start of.
   */
  private List<Properties> recordedJobs() throws InterruptedException {
    LocalSpark.drainListenerBus(spark); // the bus delivers job starts behind the call's results
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && (jobs.isEmpty() || ended.get() < jobs.size())) {
      Thread.sleep(50);
    }
    return List.copyOf(jobs);
  }

  @Test
  void eachCallersContextReachesItsJobsAndNoOtherCallersDoes() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2)).batchSize(1)) {
      Future<List<Integer>> a =
          callers.submit(
              () -> {
                sc.setJobGroup("group-a", "caller a", false);
                sc.addJobTag("tag-a");
                sc.setLocalProperty("spark.scheduler.pool", "pool-a");
                sc.setLocalProperty("my.request.id", "req-a");
                return p.map(range(4), x -> x + 1);
              });
      assertThat(a.get(60, TimeUnit.SECONDS)).containsExactly(1, 2, 3, 4);
      List<Properties> ofA = recordedJobs();
      jobs.clear();
      ended.set(0);
      Future<List<Integer>> b =
          callers.submit(
              () -> {
                sc.clearJobGroup();
                sc.clearJobTags();
                sc.setLocalProperty("spark.scheduler.pool", null);
                sc.setLocalProperty("my.request.id", null);
                sc.setJobGroup("group-b", "caller b", false);
                return p.map(range(4), x -> x + 1);
              });
      assertThat(b.get(60, TimeUnit.SECONDS)).containsExactly(1, 2, 3, 4);
      List<Properties> ofB = recordedJobs();

      assertThat(ofA).isNotEmpty();
      for (Properties job : ofA) {
        assertThat(job.getProperty("spark.jobGroup.id")).isEqualTo("group-a");
        assertThat(job.getProperty(TAGS)).contains("tag-a").contains("joblib-call-");
        assertThat(job.getProperty("spark.scheduler.pool")).isEqualTo("pool-a");
        assertThat(job.getProperty("my.request.id")).isEqualTo("req-a");
        assertThat(job.getProperty("spark.job.description")).isEqualTo("caller a");
      }
      assertThat(ofB).isNotEmpty();
      for (Properties job : ofB) {
        assertThat(job.getProperty("spark.jobGroup.id")).isEqualTo("group-b");
        assertThat(job.getProperty(TAGS)).doesNotContain("tag-a").contains("joblib-call-");
        assertThat(job.getProperty("spark.scheduler.pool")).isNull();
        assertThat(job.getProperty("my.request.id")).isNull();
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void theCallersSqlExecutionAndRddScopeStayWithTheCaller() throws Exception {
    // a call started inside a SQL execution (foreachBatch, say): its jobs must not be filed under
    // that execution, which Spark would then track until the execution ends (or forever)
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2))) {
      Future<List<Integer>> call =
          caller.submit(
              () -> {
                sc.setLocalProperty("spark.sql.execution.id", "4242");
                sc.setLocalProperty("spark.sql.execution.root.id", "4242");
                sc.setLocalProperty("spark.rdd.scope", "{\"id\":\"7\",\"name\":\"caller\"}");
                sc.setLocalProperty("spark.rdd.scope.noOverride", "true");
                sc.setLocalProperty("my.request.id", "req-c");
                return p.map(range(3), x -> x);
              });
      assertThat(call.get(60, TimeUnit.SECONDS)).containsExactly(0, 1, 2);
      List<Properties> recorded = recordedJobs();
      assertThat(recorded).isNotEmpty();
      for (Properties job : recorded) {
        assertThat(job.getProperty("my.request.id")).isEqualTo("req-c");
        assertThat(job.getProperty("spark.sql.execution.id")).isNull();
        assertThat(job.getProperty("spark.sql.execution.root.id")).isNull();
        assertThat(job.getProperty("spark.rdd.scope")).isNull();
        assertThat(job.getProperty("spark.rdd.scope.noOverride")).isNull();
      }
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void aStreamDroppedUnreadLetsItsParallelBeCollected() throws Exception {
    WeakReference<Parallel> dropped = startStreamAndDrop();
    for (int i = 0; i < 200 && dropped.get() != null; i++) {
      System.gc();
      Thread.sleep(50);
    }
    assertThat(dropped.get()).as("a Parallel whose stream was dropped was collected").isNull();
  }

  private static WeakReference<Parallel> startStreamAndDrop() throws Exception {
    Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2)).batchSize(1);
    Iterator<Integer> it =
        p.<Integer>stream(range(8).stream().map(x -> delayed(CallerContextTest::same, x)))
            .iterator();
    assertThat(it.next()).isZero();
    // every job of the call ends: only references that outlive them remain
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && sc.statusTracker().getActiveJobIds().length > 0) {
      Thread.sleep(50);
    }
    return new WeakReference<>(p);
  }

  @Test
  void cancellingTheCallersTagFromAnotherThreadEndsTheCall() throws Exception {
    Probe probe = Probe.create();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<List<Integer>> call =
          caller.submit(
              () -> {
                sc.addJobTag("req-7");
                try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2))) {
                  return p.batchSize(1)
                      .map(
                          range(6),
                          x -> {
                            probe.mark("running");
                            Thread.sleep(120_000);
                            return x;
                          });
                } finally {
                  sc.removeJobTag("req-7");
                }
              });
      while (!probe.saw("running")) {
        Thread.sleep(50);
      }
      sc.cancelJobsWithTag("req-7", "the request was abandoned");
      assertThatThrownBy(() -> call.get(60, TimeUnit.SECONDS))
          .hasCauseInstanceOf(BackendFailedException.class)
          .rootCause()
          .hasMessageContaining("the request was abandoned");
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void theCallersGroupCancelsTheCall() throws Exception {
    Probe probe = Probe.create();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<List<Integer>> call =
          caller.submit(
              () -> {
                sc.setJobGroup("notebook-cell-3", "cell 3", true);
                try (Parallel p = Parallel.create().backend(SparkBackend.of(spark, 2))) {
                  return p.batchSize(1)
                      .map(
                          range(6),
                          x -> {
                            probe.mark("running");
                            Thread.sleep(120_000);
                            return x;
                          });
                } finally {
                  sc.clearJobGroup();
                }
              });
      while (!probe.saw("running")) {
        Thread.sleep(50);
      }
      sc.cancelJobGroup("notebook-cell-3");
      assertThatThrownBy(() -> call.get(60, TimeUnit.SECONDS))
          .hasCauseInstanceOf(BackendFailedException.class);
    } finally {
      caller.shutdownNow();
    }
  }
}
