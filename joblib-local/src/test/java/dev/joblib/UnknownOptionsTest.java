package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Option names a backend or a store does not know (Python's {@code max_nbytes} for {@code
 * maxNbytes}, a misspelt S3 option) are refused before any work starts, in {@link BadInputTest}'s
 * style: an {@link IllegalArgumentException} naming the option given and the known names, and no
 * task run. They used to be ignored: the call ran with the defaults, the Memory without caching.
 */
@Tag("reliability")
class UnknownOptionsTest {
  static final AtomicInteger RAN = new AtomicInteger();

  private static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("joblib-unknown-options-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One refused setting: the message must name the {@code parameter}, the {@code given} name and
   * {@code known}, one of the known names (or "takes no options").
   */
  record Case(String name, ThrowingCallable call, String parameter, String given, String known) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static int count(int i) {
    RAN.incrementAndGet();
    return i;
  }

  private static List<Integer> inputs() {
    return List.of(1, 2, 3, 4);
  }

  static Stream<Case> backends() {
    return Stream.of(
        new Case(
            "processes max_nbytes",
            () ->
                Parallel.create()
                    .backend("processes")
                    .nJobs(2)
                    .option("max_nbytes", "1M")
                    .map(inputs(), UnknownOptionsTest::count),
            "option",
            "'max_nbytes'",
            "did you mean 'maxNbytes'"),
        new Case(
            "processes idle_timeout, known names listed",
            () ->
                Parallel.create().backend("processes").option("idle_timeout", "5s").stream(
                        inputs().stream().map(i -> Joblib.delayed(UnknownOptionsTest::count, i)))
                    .toList(),
            "option",
            "'idle_timeout'",
            "[forwardProperties, idleTimeout, jvmArgs, maxNbytes, startTimeout, tempFolder, xmx]"),
        new Case(
            "threads xmx",
            () ->
                Parallel.create()
                    .backend("threads")
                    .nJobs(2)
                    .option("xmx", "1g")
                    .map(inputs(), UnknownOptionsTest::count),
            "option",
            "'xmx'",
            "the threads backend takes no options"),
        new Case(
            "sequential anything",
            () ->
                Parallel.create()
                    .backend("sequential")
                    .option("batch_size", "4")
                    .map(inputs(), UnknownOptionsTest::count),
            "option",
            "'batch_size'",
            "the sequential backend takes no options"),
        new Case(
            "no backend named, a name no backend knows",
            () ->
                Parallel.create()
                    .nJobs(2)
                    .option("max_nbytes", "1M")
                    .map(inputs(), UnknownOptionsTest::count),
            "option",
            "'max_nbytes'",
            "maxNbytes"),
        new Case(
            "a scope naming processes",
            () ->
                ParallelConfig.builder()
                    .backend("processes")
                    .option("temp_folder", DIR.toString())
                    .open(),
            "option",
            "'temp_folder'",
            "did you mean 'tempFolder'"),
        new Case(
            "a Parallel without backend in a processes scope",
            () -> {
              try (ParallelConfig.Scope scope = ParallelConfig.use("processes")) {
                Parallel.create()
                    .option("jvm_args", "-Xss2m")
                    .map(inputs(), UnknownOptionsTest::count);
              }
            },
            "option",
            "'jvm_args'",
            "did you mean 'jvmArgs'"));
  }

  static Stream<Case> stores() {
    return Stream.of(
        new Case(
            "file: compress",
            () -> Memory.builder().location(DIR).storeOption("compress", "zlib").build(),
            "store option",
            "'compress'",
            "the file: store takes no options"),
        new Case(
            "s3: misspelt endpoint",
            () ->
                Memory.builder()
                    .location("s3://bucket/cache")
                    .storeOption("s3.endpiont", "http://127.0.0.1:1")
                    .build(),
            "store option",
            "'s3.endpiont'",
            "s3.endpoint"),
        new Case(
            "s3: Python's spelling",
            () ->
                Memory.builder()
                    .location("s3://bucket/cache")
                    .storeOption("s3_path_style", "true")
                    .build(),
            "store option",
            "'s3_path_style'",
            "did you mean 's3.pathStyle'"),
        new Case(
            "s3: a value that does not parse",
            () ->
                Memory.builder()
                    .location("s3://bucket/cache")
                    .storeOption("s3.partSize", "lots")
                    .build(),
            "store option",
            "s3.partSize",
            "lots"),
        new Case(
            "hdfs: a misspelt option of the store's own",
            () ->
                Memory.builder()
                    .location("hdfs://127.0.0.1:1/cache")
                    .storeOption("joblib.touchIntervl", "PT1M")
                    .build(),
            "store option",
            "'joblib.touchIntervl'",
            "joblib.touchInterval"),
        new Case(
            "hdfs: a value that does not parse",
            () ->
                Memory.builder()
                    .location("hdfs://127.0.0.1:1/cache")
                    .storeOption("joblib.touchInterval", "soon")
                    .build(),
            "store option",
            "joblib.touchInterval",
            "soon"));
  }

  @ParameterizedTest(name = "backend: {0}")
  @MethodSource("backends")
  void backendsRefuse(Case c) {
    check(c);
  }

  @ParameterizedTest(name = "store: {0}")
  @MethodSource("stores")
  void storesRefuse(Case c) {
    check(c);
  }

  private static void check(Case c) {
    int before = RAN.get();
    assertThatThrownBy(c.call())
        .as(c.name())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(c.parameter())
        .hasMessageContaining(c.given())
        .hasMessageContaining(c.known());
    assertThat(RAN.get()).as("tasks run by " + c.name()).isEqualTo(before);
  }

  /**
   * Options go with the backend named next to them: a scope's options for {@code processes} do not
   * reach the check of a call that names {@code threads}, and a name some backend knows may be set
   * where none is named.
   */
  @Test
  void knownOptionsAndOptionsForAnotherBackendStillRun() {
    try (ParallelConfig.Scope scope =
        ParallelConfig.builder().backend("processes").option("idleTimeout", "5s").open()) {
      assertThat(Parallel.create().backend("threads").nJobs(2).map(inputs(), x -> x * 2))
          .containsExactly(2, 4, 6, 8);
    }
    assertThat(Parallel.create().nJobs(2).option("maxNbytes", "off").map(inputs(), x -> x + 1))
        .containsExactly(2, 3, 4, 5);
    assertThat(
            Memory.builder()
                .location("hdfs://127.0.0.1:1/cache")
                .storeOption("dfs.replication", "1")
                .storeOption("joblib.touchInterval", "PT1M")
                .build()
                .location())
        .isPresent();
  }
}
