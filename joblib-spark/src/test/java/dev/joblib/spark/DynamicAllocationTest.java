package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Parallel;
import dev.joblib.Probe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under dynamic allocation (0 to 8 executors of 1 core, none at the start), nJobs -1 is the 8 slots
 * the cluster may grow to, so a call is cut into enough partitions for Spark to ask for executors,
 * and the executors arriving mid-call get work. The Worker's 8 cores are only accounting.
 */
class DynamicAllocationTest {
  @TempDir static Path dir;
  private static StandaloneCluster cluster;
  private static SparkSession spark;

  /**
   * Spark tasks' launch and finish times (driver clock) and executors, as the listener saw them.
   */
  static final class Tasks extends SparkListener {
    final ConcurrentLinkedQueue<long[]> spans = new ConcurrentLinkedQueue<>();
    final Set<String> executors = ConcurrentHashMap.newKeySet();
    volatile int started;

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
      started++;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      long launch = end.taskInfo().launchTime();
      long busy =
          end.taskMetrics() == null
              ? end.taskInfo().finishTime() - launch
              : end.taskMetrics().executorDeserializeTime() + end.taskMetrics().executorRunTime();
      spans.add(new long[] {launch, launch + busy});
      executors.add(end.taskInfo().executorId());
    }
  }

  @BeforeAll
  static void startCluster() {
    LocalSpark.stopAll();
    cluster = StandaloneCluster.start(dir, 8, "5g", Map.of());
    spark =
        cluster
            .session("joblib-dynamic-allocation")
            .config("spark.executor.cores", 1)
            .config("spark.dynamicAllocation.enabled", true)
            .config("spark.dynamicAllocation.minExecutors", 0)
            .config("spark.dynamicAllocation.initialExecutors", 0)
            .config("spark.dynamicAllocation.maxExecutors", 8)
            .config("spark.dynamicAllocation.shuffleTracking.enabled", true)
            .getOrCreate();
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aCallGrowsTheClusterTowardItsMaximum() throws InterruptedException {
    assertThat(spark.sparkContext().statusTracker().getExecutorInfos())
        .as("only the driver so far")
        .hasSize(1);
    SparkBackend backend = SparkBackend.of(spark);
    assertThat(backend.nJobs()).as("maxExecutors 8 x 1 core / 1 cpu").isEqualTo(8);
    Tasks tasks = new Tasks();
    spark.sparkContext().addSparkListener(tasks);
    // the first tasks hold their executors until five run at once, so how fast executor JVMs start
    // on a loaded machine cannot let the first few finish the work before the others register
    Probe probe = Probe.create();
    Thread grown = new Thread(() -> markWhenFiveRun(tasks, probe), "grown-marker");
    grown.setDaemon(true);
    grown.start();
    List<Integer> out;
    try (Parallel p = Parallel.create().backend(backend)) {
      out =
          p.map(
              IntStream.range(0, 64).boxed().collect(Collectors.toList()),
              i -> {
                long deadline = System.nanoTime() + 180_000_000_000L;
                while (!probe.saw("grown") && System.nanoTime() < deadline) {
                  Thread.sleep(20);
                }
                Thread.sleep(300);
                return i;
              });
    } finally {
      grown.interrupt();
      awaitEnds(tasks);
      spark.sparkContext().removeSparkListener(tasks);
    }
    assertThat(out).hasSize(64);
    int peak = TaskResourcesClusterTest.peakOverlap(asObjects(tasks.spans));
    System.out.println(
        "dynamic allocation: "
            + tasks.spans.size()
            + " Spark tasks, peak "
            + peak
            + " at once, on executors "
            + tasks.executors);
    assertThat(peak).as("Spark tasks running at once at the peak").isGreaterThan(4);
  }

  /** Marks "grown" once five Spark tasks run at once, or after 180 s (the assertion then fails). */
  private static void markWhenFiveRun(Tasks tasks, Probe probe) {
    long deadline = System.nanoTime() + 180_000_000_000L;
    try {
      while (tasks.started - tasks.spans.size() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the call ended: mark anyway
    }
    probe.mark("grown");
  }

  /** Waits until the listener has seen the end of every task it saw start (events are async). */
  private static void awaitEnds(Tasks tasks) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (tasks.spans.size() < tasks.started && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static List<Object[]> asObjects(Iterable<long[]> spans) {
    List<Object[]> list = new ArrayList<>();
    for (long[] span : spans) {
      list.add(new Object[] {span[0], span[1]});
    }
    return list;
  }
}
