package dev.joblib.spark;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.joblib.Parallel;
import dev.joblib.RemoteTaskException;
import dev.joblib.TaskContext;
import dev.joblib.TaskFailedException;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Results of any total size come back under {@code spark.driver.maxResultSize} (here 1 MiB): each
 * Spark job's results stay under it, and only a single task's result above it fails, by index.
 */
class ResultSizeTest {
  private static final int KIB = 1024;
  private static final AtomicInteger JOBS = new AtomicInteger();
  private static final AtomicInteger RAN = new AtomicInteger();
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    LocalSpark.stopAll();
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("joblib-result-size-test")
            .config("spark.driver.maxResultSize", "1m")
            // results above 64 KiB come back through the block manager, where Spark counts the
            // whole task result (accumulator updates included) against the setting, as on a
            // cluster with large results; below it Spark counts only the result's value
            .config("spark.task.maxDirectResultSize", "64k")
            .config("spark.ui.enabled", false)
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
    spark
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onJobStart(SparkListenerJobStart start) {
                JOBS.incrementAndGet();
              }
            });
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @BeforeEach
  void resetCounters() {
    LocalSpark.drainListenerBus(spark);
    JOBS.set(0);
    RAN.set(0);
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  /** {@code size} bytes that differ from one index to the next. */
  static byte[] bytesOf(int index, int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (index * 31 + i);
    }
    ByteBuffer.wrap(bytes).putInt(index);
    return bytes;
  }

  static byte[] bytesOf64KiB(int index) {
    return bytesOf(index, 64 * KIB);
  }

  private static void assertAreTheBytesOf(List<byte[]> out, int n, int size) {
    assertThat(out).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(out.get(i)).as("result %d", i).isEqualTo(bytesOf(i, size));
    }
  }

  private static Parallel parallel() {
    return Parallel.create().backend(SparkBackend.of(spark));
  }

  private static void reportJobs(String call) {
    LocalSpark.drainListenerBus(spark);
    System.out.println(
        "ResultSizeTest: "
            + call
            + " ran as "
            + JOBS.get()
            + " Spark jobs, "
            + RAN.get()
            + " task runs");
  }

  @Test
  void sixtyFourResultsOf64KiBComeBackCompleteAndInOrderThroughMap() {
    List<byte[]> out =
        parallel()
            .map(
                range(64),
                i -> {
                  RAN.incrementAndGet();
                  return bytesOf(i, 64 * KIB);
                });
    assertAreTheBytesOf(out, 64, 64 * KIB);
    reportJobs("map of 64 x 64 KiB");
  }

  @Test
  void sixtyFourResultsOf64KiBComeBackCompleteAndInOrderThroughStream() {
    List<byte[]> out;
    try (Parallel p = parallel()) {
      out =
          p.<byte[]>stream(range(64).stream().map(i -> delayed(ResultSizeTest::bytesOf64KiB, i)))
              .collect(Collectors.toList());
    }
    assertAreTheBytesOf(out, 64, 64 * KIB);
  }

  @Test
  void sixtyFourResultsOf64KiBComeBackCompleteThroughStreamUnordered() {
    List<byte[]> out;
    try (Parallel p = parallel()) {
      out =
          p.<byte[]>streamUnordered(
                  range(64).stream().map(i -> delayed(ResultSizeTest::bytesOf64KiB, i)))
              .sorted(Comparator.comparingInt(bytes -> ByteBuffer.wrap(bytes).getInt()))
              .collect(Collectors.toList());
    }
    assertAreTheBytesOf(out, 64, 64 * KIB);
  }

  @Test
  void aWaveWhoseResultsFarExceedTheSettingSucceedsWhenEachFits() {
    // 256 batches of one task, 8 MiB in all: 8 times the setting in one wave
    List<byte[]> out =
        parallel()
            .batchSize(1)
            .map(
                range(256),
                i -> {
                  RAN.incrementAndGet();
                  return bytesOf(i, 32 * KIB);
                });
    assertAreTheBytesOf(out, 256, 32 * KIB);
    reportJobs("map of 256 x 32 KiB, batchSize 1");
  }

  @Test
  void aResultLargerThanTheSettingFailsItsTaskAtOnce() {
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                parallel()
                    .batchSize(1)
                    .map(
                        range(40),
                        i -> {
                          if (i == 1) {
                            return bytesOf(i, 2048 * KIB);
                          }
                          Thread.sleep(200);
                          RAN.incrementAndGet();
                          return bytesOf(i, 16);
                        }));
    assertThat(e).isNotNull();
    assertThat(e.taskIndex()).isEqualTo(1);
    assertThat(e.getCause())
        .hasMessageContaining("spark.driver.maxResultSize is 1048576 bytes")
        .hasMessageContaining("task 1 ");
    // reported when task 1 ended, not once the other 39 had run
    assertThat(RAN.get()).isLessThan(39);
  }

  @Test
  void aResultLargerThanTheSettingInsideABatchFailsByItsOwnIndex() {
    // automatic batching: task 37 is one of a batch of 16
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () -> parallel().map(range(64), i -> bytesOf(i, i == 37 ? 2048 * KIB : 16)));
    assertThat(e).isNotNull();
    assertThat(e.taskIndex()).isEqualTo(37);
    assertThat(e.getCause())
        .hasMessageContaining("spark.driver.maxResultSize is 1048576 bytes")
        .hasMessageContaining("task 37 ");
  }

  @Test
  void anExceptionLargerThanTheSettingFailsItsTaskWithItsClassAndTheStartOfItsMessage() {
    String huge = "x".repeat(2 << 20);
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                parallel()
                    .map(
                        range(64),
                        i -> {
                          if (i == 21) {
                            throw new IllegalStateException("bad input " + huge);
                          }
                          return i;
                        }));
    assertThat(e).isNotNull();
    assertThat(e.taskIndex()).isEqualTo(21);
    assertThat(e.getCause()).isInstanceOf(RemoteTaskException.class);
    RemoteTaskException cause = (RemoteTaskException) e.getCause();
    assertThat(cause.remoteClassName()).isEqualTo(IllegalStateException.class.getName());
    assertThat(cause.remoteMessage()).startsWith("bad input xxx").hasSizeLessThan(64 * 1024);
    assertThat(cause.getSuppressed())
        .singleElement()
        .satisfies(note -> assertThat(note).hasMessageContaining("spark.driver.maxResultSize"));
  }

  @Test
  void splittingABatchDoesNotChangeTheTasksRandomNumbers() {
    List<Integer> tasks = range(64);
    // 64 KiB results: the four batches of 16 are too large and run again in parts
    List<long[]> onSpark =
        parallel().seed(42).map(tasks, i -> randomNumbersPadded(64 * KIB)).stream()
            .map(ResultSizeTest::randomNumbers)
            .collect(Collectors.toList());
    List<long[]> onThreads =
        Parallel.create().nJobs(2).seed(42).map(tasks, i -> randomNumbersPadded(16)).stream()
            .map(ResultSizeTest::randomNumbers)
            .collect(Collectors.toList());
    assertThat(onSpark).hasSize(64);
    for (int i = 0; i < 64; i++) {
      assertThat(onSpark.get(i)).as("task %d", i).isEqualTo(onThreads.get(i));
    }
  }

  @Test
  void aJobSparkRefusesForItsAccumulatorUpdatesRunsAgainInJobsOfOnePartition() {
    // what joblib cannot see: each task adds 200 KiB to an accumulator, which Spark counts with
    // the task's result, so 16 such tasks in one job pass 1 MiB (the whole call: 3.2 MiB)
    CollectionAccumulator<String> notes = spark.sparkContext().collectionAccumulator("notes");
    List<Integer> out =
        parallel()
            .batchSize(1)
            .map(
                range(16),
                i -> {
                  notes.add("x".repeat(200 * KIB));
                  return i;
                });
    assertThat(out).isEqualTo(range(16));
  }

  @Test
  void aTaskWhoseAccumulatorUpdatesAloneAreTooLargeFailsByIndex() {
    CollectionAccumulator<String> notes = spark.sparkContext().collectionAccumulator("notes");
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                parallel()
                    .batchSize(1)
                    .map(
                        range(4),
                        i -> {
                          if (i == 2) {
                            notes.add("x".repeat(1100 * KIB));
                          }
                          return i;
                        }));
    assertThat(e).isNotNull();
    assertThat(e.taskIndex()).isEqualTo(2);
    assertThat(e.getCause()).hasMessageContaining("spark.driver.maxResultSize");
  }

  /** The task's index and two random numbers, then padding up to {@code size} bytes. */
  static byte[] randomNumbersPadded(int size) {
    TaskContext context = TaskContext.current();
    ByteBuffer bytes = ByteBuffer.allocate(Math.max(size, 24));
    bytes.putLong(context.taskIndex());
    bytes.putLong(context.random().nextLong());
    bytes.putLong(context.random().nextLong());
    return bytes.array();
  }

  private static long[] randomNumbers(byte[] padded) {
    ByteBuffer bytes = ByteBuffer.wrap(padded);
    return new long[] {bytes.getLong(), bytes.getLong(), bytes.getLong()};
  }
}
