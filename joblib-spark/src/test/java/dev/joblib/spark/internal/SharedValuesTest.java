package dev.joblib.spark.internal;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.joblib.Fn1;
import dev.joblib.Parallel;
import dev.joblib.Task;
import dev.joblib.TaskFailedException;
import dev.joblib.spark.SparkBackend;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BroadcastBlockId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Large values shared by tasks (captured by their functions, passed as arguments, or primitive
 * arrays anywhere) travel as broadcasts, once per call, instead of inside every batch.
 */
class SharedValuesTest {
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .config("spark.ui.enabled", false)
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** Each test starts when the broadcasts of the one before are gone (removal is asynchronous). */
  @BeforeEach
  void noLargeBroadcastLeft() throws InterruptedException {
    awaitLargeBroadcasts(0);
  }

  private static JavaSparkContext jsc() {
    return JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @Test
  void aLargeArrayIsBroadcastOnceAndReadBack() throws Exception {
    SharedValues shared = new SharedValues(jsc()::broadcast);
    try {
      writeAndReadBack(shared);
    } finally {
      shared.destroy();
    }
  }

  private void writeAndReadBack(SharedValues shared) throws Exception {
    long[] big = new long[1 << 18]; // 2 MiB
    Arrays.setAll(big, i -> i * 3L);
    int[] small = {1, 2, 3};
    byte[] first = shared.write(List.of(big, small, "a"));
    byte[] second = shared.write(List.of(big));
    assertThat(first.length).isLessThan(10_000);
    assertThat(second.length).isLessThan(10_000);
    assertThat(shared.broadcastCount()).isEqualTo(1);
    List<?> back = (List<?>) Wire.read(first, getClass().getClassLoader());
    assertThat((long[]) back.get(0)).isEqualTo(big);
    assertThat((int[]) back.get(1)).containsExactly(1, 2, 3);
    shared.destroy();
    assertThat(shared.broadcastCount()).isZero();
  }

  @Test
  void tasksSharingALargeArraySeeItOnTheExecutors() {
    double[] weights = new double[1 << 18];
    Arrays.setAll(weights, i -> i % 7);
    double total = Arrays.stream(weights).sum();
    List<Integer> xs = IntStream.range(0, 12).boxed().collect(Collectors.toList());
    List<Double> out =
        Parallel.create()
            .backend(SparkBackend.of(spark))
            .batchSize(1)
            .map(xs, x -> Arrays.stream(weights).sum() + x);
    assertThat(out).isEqualTo(xs.stream().map(x -> total + x).collect(Collectors.toList()));
  }

  /**
   * Captured values and arguments of any type, including those written through a writeReplace
   * (List.of) and the fields of a function that is not a lambda: each large one is broadcast once
   * for all the batches, small ones stay inline, and the batches read back and run.
   */
  @Test
  void largeCapturedValuesArgumentsAndFieldsAreBroadcastOncePerCall() throws Exception {
    Map<Integer, String> names = bigMap(); // about 2 MB serialized
    List<String> words = List.copyOf(names.values()); // an immutable list: written as a CollSer
    double[][] grid = new double[400][400]; // 1.3 MB in rows of 3.2 KB
    grid[7][9] = 0.5;
    Map<Integer, String> tiny = Map.of(1, "one");
    ByField byField = new ByField(bigMap()); // its own map, reached through a field
    Map<Integer, String> jobNames = bigMap(); // inside a per-task record
    SharedValues shared = new SharedValues(jsc()::broadcast);
    try {
      writeRunAndDestroy(shared, names, words, grid, tiny, byField, jobNames);
    } finally {
      shared.destroy();
    }
  }

  private void writeRunAndDestroy(
      SharedValues shared,
      Map<Integer, String> names,
      List<String> words,
      double[][] grid,
      Map<Integer, String> tiny,
      ByField byField,
      Map<Integer, String> jobNames)
      throws Exception {
    List<byte[]> batches = new ArrayList<>();
    for (int b = 0; b < 3; b++) {
      List<Task<?>> tasks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int x = b * 4 + i;
        tasks.add(
            delayed(
                (Integer y) -> names.get(y) + words.size() + grid[7][9] + tiny.get(1),
                x)); // a lambda capturing three large values and a small one
        tasks.add(delayed((List<String> w, Integer y) -> w.get(y), words, x)); // an argument
        tasks.add(delayed(byField, x));
        tasks.add(delayed((Job j) -> j.names().get(j.x()), new Job(jobNames, x))); // a wrapper
      }
      byte[] bytes = shared.write(new Batch(b, b * 16, tasks, 1L, "spark", "sequential", 1));
      assertThat(bytes.length).as("batch %s", b).isLessThan(20_000);
      batches.add(bytes);
    }
    // names, words, grid, the field's map, the map inside every Job (not each Job); not tiny
    assertThat(shared.broadcastCount()).isEqualTo(5);

    List<Broadcast<byte[]>> made = shared.broadcasts();
    for (int b = 0; b < 3; b++) {
      Batch back = (Batch) Wire.read(batches.get(b), getClass().getClassLoader());
      BatchOutcome outcome = back.run();
      assertThat(outcome.succeeded()).isTrue();
      int x = b * 4;
      assertThat(outcome.results().subList(0, 4))
          .containsExactly(
              names.get(x) + words.size() + 0.5 + "one",
              words.get(x),
              names.get(x) + "!",
              names.get(x));
    }
    shared.destroy();
    assertThat(made).allSatisfy(broadcast -> assertThat(broadcast.isValid()).isFalse());
  }

  /**
   * A large argument of one task only is not broadcast: it would cross once all the same, and a
   * broadcast pins it on the driver and every executor until the call ends (10,000 distinct images
   * would all stay in memory). Passed again by a later task, it is shared from then on.
   */
  @Test
  void aLargeArgumentOfOneTaskStaysInlineAndIsSharedOnceAnotherTaskPassesIt() throws Exception {
    SharedValues shared = new SharedValues(jsc()::broadcast);
    try {
      Fn1<Map<Integer, String>, Integer> size = Map::size;
      List<Map<Integer, String>> own = List.of(bigMap(), bigMap(), bigMap());
      List<Task<?>> tasks = new ArrayList<>();
      own.forEach(map -> tasks.add(delayed(size, map)));
      byte[] bytes = shared.write(new Batch(0, 0, tasks, 1L, "spark", "sequential", 1));

      assertThat(shared.broadcastCount()).isZero();
      assertThat(bytes.length).isGreaterThan(3 * (int) SharedValues.THRESHOLD_BYTES);
      assertThat(((Batch) Wire.read(bytes, getClass().getClassLoader())).run().results())
          .containsExactly(own.get(0).size(), own.get(1).size(), own.get(2).size());

      byte[] again =
          shared.write(new Batch(1, 3, List.of(delayed(size, own.get(0))), 1L, "spark", "s", 1));
      assertThat(shared.broadcastCount()).isEqualTo(1);
      assertThat(again.length).isLessThan(20_000);
    } finally {
      shared.destroy();
    }
  }

  /**
   * A real call on local[2] (executors in this JVM, so a task sees the block manager that holds the
   * broadcasts): a large value captured by every task is broadcast once for all the waves and
   * batches, a small one not at all, and the broadcast is gone once the call ends.
   */
  @Test
  void oneBroadcastServesEveryWaveOfACallAndIsRemovedWhenTheCallEnds() throws Exception {
    Map<Integer, String> names = bigMap();
    Map<Integer, String> tiny = Map.of(1, "one");
    List<Integer> seen;
    try (Stream<Integer> results =
        Parallel.create().backend(SparkBackend.of(spark, 2)).batchSize(1).preDispatch(4).stream(
            IntStream.range(0, 24)
                .mapToObj(
                    x ->
                        delayed(
                            (Integer y) -> names.get(y).length() > 0 ? largeBroadcasts() : -1,
                            x)))) {
      seen = results.collect(Collectors.toList());
    }
    assertThat(seen).hasSize(24).containsOnly(1);
    awaitLargeBroadcasts(0);

    List<Integer> smallOnly =
        Parallel.create()
            .backend(SparkBackend.of(spark, 2))
            .batchSize(1)
            .map(
                IntStream.range(0, 8).boxed().collect(Collectors.toList()),
                y -> tiny.get(1).isEmpty() ? -1 : largeBroadcasts());
    assertThat(smallOnly).containsOnly(0);
  }

  /** The read-only contract: the tasks of one executor (here all of them) share one copy. */
  @Test
  void theTasksOfAnExecutorShareOneCopyOfABroadcastValue() {
    Map<Integer, String> names = bigMap();
    List<Integer> copies =
        Parallel.create()
            .backend(SparkBackend.of(spark, 2))
            .batchSize(1)
            .map(
                IntStream.range(0, 12).boxed().collect(Collectors.toList()),
                y -> System.identityHashCode(names));
    assertThat(copies.stream().distinct()).hasSize(1);
  }

  @Test
  void theBroadcastIsRemovedWhenTheCallFails() throws Exception {
    Map<Integer, String> names = bigMap();
    assertThatThrownBy(
            () ->
                Parallel.create()
                    .backend(SparkBackend.of(spark, 2))
                    .batchSize(1)
                    .map(
                        IntStream.range(0, 16).boxed().collect(Collectors.toList()),
                        y -> {
                          if (y == 5) {
                            throw new IllegalStateException("task 5 fails");
                          }
                          return names.get(y);
                        }))
        .isInstanceOf(TaskFailedException.class);
    awaitLargeBroadcasts(0);
  }

  @Test
  void theBroadcastIsRemovedWhenTheCallIsCancelled() throws Exception {
    Map<Integer, String> names = bigMap();
    try (Stream<String> results =
        Parallel.create().backend(SparkBackend.of(spark, 2)).batchSize(1).stream(
            IntStream.range(0, 400)
                .mapToObj(x -> delayed((Integer y) -> names.get(y) + largeBroadcasts(), x)))) {
      // closing the stream after two results cancels the rest of the call
      assertThat(results.limit(2)).containsExactly("name-01", "name-11");
    }
    awaitLargeBroadcasts(0);
  }

  /** Beside a broadcast value, an argument that does not serialize still fails its task. */
  @Test
  void anArgumentThatDoesNotSerializeStillFailsItsTaskBesideABroadcastValue() throws Exception {
    Map<Integer, String> names = bigMap();
    List<Task<String>> tasks =
        IntStream.range(0, 8)
            .mapToObj(
                i ->
                    delayed(
                        (Object o, Integer y) -> names.get(y) + o,
                        i == 5 ? new Object() : (Object) "ok",
                        i))
            .collect(Collectors.toList());
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () -> Parallel.create().backend(SparkBackend.of(spark, 2)).batchSize(1).run(tasks));
    assertThat(e.taskIndex()).isEqualTo(5);
    assertThat(e.getCause())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task 5")
        .hasMessageContaining("java.lang.Object");
    awaitLargeBroadcasts(0);
  }

  /** A task's own argument around a value shared by all tasks. */
  record Job(Map<Integer, String> names, int x) implements Serializable {}

  /** A function that is not a lambda, holding a large map in a field. */
  private static final class ByField implements Fn1<Integer, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<Integer, String> names;

    ByField(Map<Integer, String> names) {
      this.names = names;
    }

    @Override
    public String apply(Integer x) {
      return names.get(x) + "!";
    }
  }

  private static Map<Integer, String> bigMap() {
    Map<Integer, String> names = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      names.put(i, "name-" + i);
    }
    return names;
  }

  /**
   * The broadcasts of at least 1 MiB in this JVM's block manager (the driver's, which in local mode
   * is the executors' too): the values joblib broadcasts; Spark's own broadcasts of task binaries
   * are small.
   */
  static int largeBroadcasts() {
    BlockManager blocks = SparkEnv.get().blockManager();
    int count = 0;
    for (BlockId id :
        CollectionConverters.asJava(blocks.getMatchingBlockIds(id -> id.isBroadcast()))) {
      if (((BroadcastBlockId) id).field().isEmpty()
          && blocks.getStatus(id).isDefined()
          && blocks.getStatus(id).get().memSize() >= SharedValues.THRESHOLD_BYTES) {
        count++;
      }
    }
    return count;
  }

  private static void awaitLargeBroadcasts(int count) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (largeBroadcasts() != count) {
      assertThat(System.nanoTime()).as("broadcasts left after the call").isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
