package dev.joblib.spark;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.joblib.Parallel;
import dev.joblib.ParallelBackendContract;
import dev.joblib.ParallelConfig;
import dev.joblib.RemoteTaskException;
import dev.joblib.TaskFailedException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the spark backend adds to the contract, on a local session with three cores. */
class SparkBackendTest {
  private static final AtomicInteger RUNNING = new AtomicInteger();
  private static final AtomicInteger MAX_RUNNING = new AtomicInteger();
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start(3);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  @Test
  void nJobsFollowsTheClusterAndCapsConcurrentTasks() {
    assertThat(SparkBackend.of(spark).nJobs()).isEqualTo(3);
    assertThat(SparkBackend.of(spark, -2).nJobs()).isEqualTo(2);
    MAX_RUNNING.set(0);
    List<Integer> out =
        Parallel.create()
            .backend(SparkBackend.of(spark, 2))
            .batchSize(1)
            .map(range(12), SparkBackendTest::countConcurrency);
    assertThat(out).isEqualTo(range(12));
    assertThat(MAX_RUNNING.get()).isBetween(1, 2);
  }

  /**
   * The listener bus that reports task starts runs behind the results a job hands back; a slow
   * listener on the same queue (any user's) makes it lag by seconds. A batch must still be reported
   * started before its outcome, or its timeout clock would start after it finished.
   */
  @Test
  void aLaggingListenerBusStillReportsEveryStartBeforeItsOutcome() throws Exception {
    SparkListener slow =
        new SparkListener() {
          @Override
          public void onTaskStart(SparkListenerTaskStart taskStart) {
            try {
              Thread.sleep(100);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    spark.sparkContext().addSparkListener(slow);
    try {
      ParallelBackendContract.assertEveryBatchStartsBeforeItsOutcome("spark", 3, 12);
    } finally {
      spark.sparkContext().removeSparkListener(slow);
    }
  }

  @Test
  void aResultThatDoesNotSerializeFailsItsTaskByIndexAndType() {
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                Parallel.create()
                    .backend(SparkBackend.of(spark))
                    .map(range(10), x -> x == 6 ? new Object() : (Object) x));
    assertThat(e.taskIndex()).isEqualTo(6);
    assertThat(e.getCause())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("result of task 6 (java.lang.Object) cannot be sent back");
  }

  @Test
  void anExceptionThatDoesNotSerializeArrivesAsACopyWithItsTypeMessageAndTrace() {
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                Parallel.create()
                    .backend(SparkBackend.of(spark))
                    .map(
                        range(10),
                        x -> {
                          if (x == 4) {
                            throw new UnserializableFailure("bad " + x);
                          }
                          return x;
                        }));
    assertThat(e.taskIndex()).isEqualTo(4);
    assertThat(e.getCause()).isInstanceOf(RemoteTaskException.class);
    RemoteTaskException copy = (RemoteTaskException) e.getCause();
    assertThat(copy.remoteClassName()).isEqualTo(UnserializableFailure.class.getName());
    assertThat(copy).hasMessageContaining("bad 4");
    assertThat(copy.getStackTrace()).isNotEmpty();
  }

  @Test
  void aLaterTaskThatDoesNotSerializeIsRefusedWithTheFieldNamed() {
    List<dev.joblib.Task<String>> tasks =
        range(8).stream()
            .map(
                i ->
                    i == 5
                        ? delayed(Holder::describe, new Holder(new Object()))
                        : delayed(Holder::describe, new Holder("ok")))
            .collect(Collectors.toList());
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () -> Parallel.create().backend(SparkBackend.of(spark)).run(tasks));
    assertThat(e.taskIndex()).isEqualTo(5);
    assertThat(e.getCause())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task 5")
        .hasMessageContaining("value")
        .hasMessageContaining("java.lang.Object");
  }

  @Test
  void theCallersJobGroupIsLeftAlone() {
    spark.sparkContext().setJobGroup("mine", "the caller's group", false);
    try {
      assertThat(Parallel.create().backend(SparkBackend.of(spark)).map(range(5), x -> x + 1))
          .containsExactly(1, 2, 3, 4, 5);
      assertThat(spark.sparkContext().getLocalProperty("spark.jobGroup.id")).isEqualTo("mine");
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  @Test
  void aGivenSessionIsNeverStopped() {
    try (Parallel p = Parallel.create().backend(SparkBackend.of(spark))) {
      assertThat(p.map(range(3), x -> x)).hasSize(3);
    }
    try (Parallel p = Parallel.create().backend("spark")) {
      assertThat(p.map(range(3), x -> x)).hasSize(3);
    }
    assertThat(spark.sparkContext().isStopped()).isFalse();
  }

  @Test
  void zeroJobsIsRefused() {
    assertThatThrownBy(() -> SparkBackend.of(spark, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nJobs");
    assertThatThrownBy(
            () -> Parallel.create().backend("spark").option("x", "y").map(range(2), x -> x))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("option 'x'")
        .hasMessageContaining("cpusPerTask, gpusPerTask");
  }

  @Test
  void optionsOfAScopeMeantForAnotherBackendDoNotBreakASparkCall() {
    // a scope's processes option (named where no backend is) reaches every backend the calls
    // inside pick: spark must ignore it, as the SPI says, and still refuse its own unknown ones
    try (ParallelConfig.Scope scope = ParallelConfig.builder().option("maxNbytes", "1M").open()) {
      assertThat(Parallel.create().backend("spark").map(range(3), x -> x + 1))
          .containsExactly(1, 2, 3);
    }
    assertThatThrownBy(
            () ->
                Parallel.create().backend("spark").option("maxNbytes", "1M").map(range(2), x -> x))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("option 'maxNbytes'")
        .hasMessageContaining("the spark backend has no such option")
        .hasMessageContaining("cpusPerTask, gpusPerTask");
  }

  static int countConcurrency(int x) throws InterruptedException {
    int now = RUNNING.incrementAndGet();
    MAX_RUNNING.accumulateAndGet(now, Math::max);
    try {
      Thread.sleep(100);
    } finally {
      RUNNING.decrementAndGet();
    }
    return x;
  }

  /** Serializable only if its value is. */
  static final class Holder implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Object value;

    Holder(Object value) {
      this.value = value;
    }

    String describe() {
      return String.valueOf(value);
    }
  }

  /** An exception with a field that does not serialize. */
  static final class UnserializableFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Object context = new Object();

    UnserializableFailure(String message) {
      super(message);
    }

    @Override
    public String toString() {
      return super.toString() + context.getClass().getSimpleName();
    }
  }
}
