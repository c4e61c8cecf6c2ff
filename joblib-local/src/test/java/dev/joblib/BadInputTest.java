package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every public entry point of {@code dev.joblib} given null, empty, negative and absurd values:
 * each call fails at once with an {@link IllegalArgumentException} or {@link NullPointerException}
 * whose message names the parameter and the value given, and no task runs.
 */
@Tag("reliability")
class BadInputTest {

  /** Counts the tasks that ran, so a case can show that no work started. */
  static final AtomicInteger RAN = new AtomicInteger();

  private static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("joblib-bad-input-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void deleteDir() throws IOException {
    try (Stream<Path> files = Files.walk(DIR)) {
      for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** One bad call; {@code value} is the text of the given value the message must quote. */
  record Case(
      String name,
      ThrowingCallable call,
      Class<? extends Throwable> type,
      String parameter,
      String value) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case npe(String name, ThrowingCallable call, String parameter) {
    return new Case(name, call, NullPointerException.class, parameter, "null");
  }

  private static Case iae(String name, ThrowingCallable call, String parameter, String value) {
    return new Case(name, call, IllegalArgumentException.class, parameter, value);
  }

  private static List<Task<Integer>> tasks() {
    List<Task<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      tasks.add(Joblib.delayed(BadInputTest::count, i));
    }
    return tasks;
  }

  private static int count(int i) {
    RAN.incrementAndGet();
    return i;
  }

  private static Memory memory() {
    return Memory.at(DIR.resolve("cache"));
  }

  private static final Fn0<Integer> F0 = () -> 0;
  private static final Fn1<Integer, Integer> F1 = a -> a;
  private static final Fn2<Integer, Integer, Integer> F2 = (a, b) -> a;
  private static final Fn3<Integer, Integer, Integer, Integer> F3 = (a, b, c) -> a;
  private static final Fn4<Integer, Integer, Integer, Integer, Integer> F4 = (a, b, c, d) -> a;

  static Stream<Case> parallel() {
    Parallel p = Parallel.create().backend("threads").nJobs(2);
    return Stream.of(
        iae("nJobs(0)", () -> Parallel.create().nJobs(0), "nJobs", "0"),
        npe("backend(null id)", () -> Parallel.create().backend((String) null), "backend"),
        iae("backend(\"\")", () -> Parallel.create().backend(""), "backend", "''"),
        iae("backend(\"  \")", () -> Parallel.create().backend("  "), "backend", "'  '"),
        // a JoblibException since issue 13 (the plug-in's jar is missing), no longer an IAE
        new Case(
            "backend(unknown).run",
            () -> Parallel.create().backend("no-such-backend").run(tasks()),
            UnknownBackendException.class,
            "backend",
            "no-such-backend"),
        npe(
            "backend(null instance)",
            () -> Parallel.create().backend((dev.joblib.spi.ParallelBackend) null),
            "backend"),
        iae("batchSize(0)", () -> Parallel.create().batchSize(0), "batchSize", "0"),
        iae("batchSize(-1)", () -> Parallel.create().batchSize(-1), "batchSize", "-1"),
        iae(
            "batchSize(MIN)",
            () -> Parallel.create().batchSize(Integer.MIN_VALUE),
            "batchSize",
            "" + Integer.MIN_VALUE),
        npe("preDispatch(null)", () -> Parallel.create().preDispatch(null), "preDispatch"),
        iae("preDispatch(\"\")", () -> Parallel.create().preDispatch(""), "preDispatch", "\"\""),
        iae(
            "preDispatch(\"-n_jobs\")",
            () -> Parallel.create().preDispatch("-n_jobs"),
            "preDispatch",
            "-n_jobs"),
        iae(
            "preDispatch(absurd)",
            () -> Parallel.create().preDispatch("n_jobs*99999999999"),
            "preDispatch",
            "99999999999"),
        iae(
            "preDispatch(garbage)",
            () -> Parallel.create().preDispatch("2*n_jobs; rm"),
            "preDispatch",
            "2*n_jobs; rm"),
        iae("preDispatch(0)", () -> Parallel.create().preDispatch(0), "preDispatch", "0"),
        iae("preDispatch(-5)", () -> Parallel.create().preDispatch(-5), "preDispatch", "-5"),
        npe("timeout(null)", () -> Parallel.create().timeout(null), "timeout"),
        iae(
            "timeout(0)",
            () -> Parallel.create().timeout(Duration.ZERO),
            "timeout",
            Duration.ZERO.toString()),
        iae(
            "timeout(-1s)",
            () -> Parallel.create().timeout(Duration.ofSeconds(-1)),
            "timeout",
            "PT-1S"),
        iae(
            "timeout(absurd)",
            () -> Parallel.create().timeout(Duration.ofSeconds(Long.MAX_VALUE)),
            "timeout",
            Duration.ofSeconds(Long.MAX_VALUE).toString()),
        iae("verbose(-1)", () -> Parallel.create().verbose(-1), "verbose", "-1"),
        npe("progress(null)", () -> Parallel.create().progress(null), "progress"),
        npe("require(null)", () -> Parallel.create().require(null), "require"),
        npe("prefer(null)", () -> Parallel.create().prefer(null), "prefer"),
        npe("option(null, v)", () -> Parallel.create().option(null, "v"), "option name"),
        npe("option(k, null)", () -> Parallel.create().option("k", null), "option 'k'"),
        iae("option(\"\", v)", () -> Parallel.create().option("", "v"), "option name", "''"),
        npe("run(null stream)", () -> p.run((Stream<Task<Integer>>) null), "tasks"),
        npe("run(null iterable)", () -> p.run((Iterable<Task<Integer>>) null), "tasks"),
        npe(
            "run(null task)",
            () -> p.run(Arrays.asList((Task<Integer>) null, Joblib.delayed(F1, 1))),
            "index 0"),
        npe("map(null items)", () -> p.map(null, F1), "items"),
        npe("map(null fn)", () -> p.map(List.of(1), (Fn1<Integer, Integer>) null), "fn"),
        npe("stream(null stream)", () -> p.stream((Stream<Task<Integer>>) null), "tasks"),
        npe("stream(null iterable)", () -> p.stream((Iterable<Task<Integer>>) null), "tasks"),
        npe(
            "streamUnordered(null stream)",
            () -> p.streamUnordered((Stream<Task<Integer>>) null),
            "tasks"),
        npe(
            "streamUnordered(null iterable)",
            () -> p.streamUnordered((Iterable<Task<Integer>>) null),
            "tasks"));
  }

  static Stream<Case> config() {
    return Stream.of(
        npe("use(null)", () -> ParallelConfig.use(null), "backend"),
        iae("use(\"\")", () -> ParallelConfig.use(""), "backend", "''"),
        npe(
            "builder.backend(null)",
            () -> ParallelConfig.builder().backend((String) null),
            "backend"),
        iae("builder.nJobs(0)", () -> ParallelConfig.builder().nJobs(0), "nJobs", "0"),
        iae(
            "builder.innerMaxNumThreads(0)",
            () -> ParallelConfig.builder().innerMaxNumThreads(0),
            "innerMaxNumThreads",
            "0"),
        iae(
            "builder.batchSize(-3)",
            () -> ParallelConfig.builder().batchSize(-3),
            "batchSize",
            "-3"),
        iae(
            "builder.preDispatch(bad)",
            () -> ParallelConfig.builder().preDispatch("n_jobs/0"),
            "preDispatch",
            "n_jobs/0"),
        npe(
            "builder.preDispatch(null)",
            () -> ParallelConfig.builder().preDispatch(null),
            "preDispatch"),
        npe("builder.timeout(null)", () -> ParallelConfig.builder().timeout(null), "timeout"),
        iae(
            "builder.timeout(-1ms)",
            () -> ParallelConfig.builder().timeout(Duration.ofMillis(-1)),
            "timeout",
            "PT-0.001S"),
        iae("builder.verbose(-1)", () -> ParallelConfig.builder().verbose(-1), "verbose", "-1"),
        npe("builder.require(null)", () -> ParallelConfig.builder().require(null), "require"),
        npe("builder.prefer(null)", () -> ParallelConfig.builder().prefer(null), "prefer"),
        npe(
            "builder.option(null, v)",
            () -> ParallelConfig.builder().option(null, "v"),
            "option name"),
        npe(
            "builder.option(k, null)",
            () -> ParallelConfig.builder().option("k", null),
            "option 'k'"),
        iae(
            "builder.option(\" \", v)",
            () -> ParallelConfig.builder().option(" ", "v"),
            "option name",
            "' '"));
  }

  static Stream<Case> joblib() {
    Path file = DIR.resolve("value.jbl");
    return Stream.of(
        npe("delayed(null Fn0)", () -> Joblib.delayed((Fn0<Integer>) null), "fn"),
        npe("delayed(null Fn1)", () -> Joblib.delayed((Fn1<Integer, Integer>) null, 1), "fn"),
        npe(
            "delayed(null Fn2)",
            () -> Joblib.delayed((Fn2<Integer, Integer, Integer>) null, 1, 2),
            "fn"),
        npe(
            "delayed(null Fn3)",
            () -> Joblib.delayed((Fn3<Integer, Integer, Integer, Integer>) null, 1, 2, 3),
            "fn"),
        npe(
            "delayed(null Fn4)",
            () ->
                Joblib.delayed((Fn4<Integer, Integer, Integer, Integer, Integer>) null, 1, 2, 3, 4),
            "fn"),
        npe("hash(v, null)", () -> Joblib.hash(1, null), "algorithm"),
        iae(
            "hash(unhashable)",
            () -> Joblib.hash(List.of(new Object())),
            "value",
            "java.lang.Object"),
        iae("effectiveNJobs(0)", () -> Joblib.effectiveNJobs(0), "nJobs", "0"),
        npe("dump(v, null path)", () -> Joblib.dump(1, (Path) null), "path"),
        npe(
            "dump(v, path, null compression)",
            () -> Joblib.dump(1, file, (Compression) null),
            "compression"),
        npe(
            "dump(v, path, null options)",
            () -> Joblib.dump(1, file, (DumpOptions) null),
            "options"),
        npe("dump(v, null out)", () -> Joblib.dump(1, (OutputStream) null), "out"),
        npe(
            "dump(v, out, null options)",
            () -> Joblib.dump(1, new ByteArrayOutputStream(), null),
            "options"),
        npe("load(null path)", () -> Joblib.load((Path) null), "path"),
        npe("load(path, null options)", () -> Joblib.load(file, null), "options"),
        npe("load(null in)", () -> Joblib.load((InputStream) null), "in"),
        npe(
            "load(in, null options)",
            () -> Joblib.load(new ByteArrayInputStream(new byte[0]), null),
            "options"),
        npe("registerCompressor(null, c)", () -> Joblib.registerCompressor(null, null), "name"),
        npe(
            "registerCompressor(n, null)",
            () -> Joblib.registerCompressor("x1", null),
            "compressor"));
  }

  static Stream<Case> compression() {
    return Stream.of(
        npe("of(null)", () -> Compression.of(null), "compression name"),
        iae("of(\"\")", () -> Compression.of(""), "compression", "''"),
        iae("of(unknown)", () -> Compression.of("brotli9"), "compression", "brotli9"),
        npe("of(null, 1)", () -> Compression.of(null, 1), "compression name"),
        iae("of(zlib, 99)", () -> Compression.of("zlib", 99), "compression 'zlib'", "99"),
        iae("of(zlib, -1)", () -> Compression.of("zlib", -1), "compression 'zlib'", "-1"),
        iae("of(none, 3)", () -> Compression.of("none", 3), "compression 'none'", "3"),
        iae(
            "zlib(MIN)",
            () -> Compression.zlib(Integer.MIN_VALUE),
            "compression 'zlib'",
            "" + Integer.MIN_VALUE),
        iae("gzip(10)", () -> Compression.gzip(10), "compression 'gzip'", "10"),
        iae("xz(10)", () -> Compression.xz(10), "compression 'xz'", "10"));
  }

  static Stream<Case> options() {
    return Stream.of(
        iae("allow()", () -> LoadOptions.allow(), "patterns", "[]"),
        npe("allow(null array)", () -> LoadOptions.allow((String[]) null), "patterns"),
        iae("allow(null pattern)", () -> LoadOptions.allow((String) null), "pattern", "null"),
        iae("allow(\"\")", () -> LoadOptions.allow(""), "pattern", "''"),
        iae("allow(bad)", () -> LoadOptions.allow("com.acme.*.x"), "pattern", "com.acme.*.x"),
        npe("verify(null)", () -> LoadOptions.verify(null), "key"),
        iae("verify(3 bytes)", () -> LoadOptions.verify(new byte[3]), "key", "3 bytes"),
        iae("verify(empty)", () -> LoadOptions.verify(new byte[0]), "key", "0 bytes"),
        iae("withLimits(0,1,1)", () -> LoadOptions.defaults().withLimits(0, 1, 1), "maxDepth", "0"),
        iae(
            "withLimits(1,-1,1)",
            () -> LoadOptions.defaults().withLimits(1, -1, 1),
            "maxReferences",
            "-1"),
        iae(
            "withLimits(1,1,MIN)",
            () -> LoadOptions.defaults().withLimits(1, 1, Long.MIN_VALUE),
            "maxArrayLength",
            "" + Long.MIN_VALUE),
        npe("sign(null)", () -> DumpOptions.sign(null), "key"),
        iae("sign(15 bytes)", () -> DumpOptions.sign(new byte[15]), "key", "15 bytes"),
        npe(
            "withCompression(null)",
            () -> DumpOptions.defaults().withCompression(null),
            "compression"),
        npe("withSignature(null)", () -> DumpOptions.defaults().withSignature(null), "key"));
  }

  static Stream<Case> memoryCases() {
    return Stream.of(
        iae("at(\"\")", () -> Memory.at(""), "location", "''"),
        iae("at(\"  \")", () -> Memory.at("  "), "location", "'  '"),
        iae("at(relative URI)", () -> Memory.at(URI.create("some/dir")), "location", "some/dir"),
        iae(
            "at(unknown scheme)",
            () -> Memory.at(URI.create("nosuch://b/x")),
            "nosuch",
            "nosuch://b/x"),
        iae("builder.verbose(-1)", () -> Memory.builder().verbose(-1), "verbose", "-1"),
        npe("builder.compression(null)", () -> Memory.builder().compression(null), "compression"),
        npe("builder.signingKey(null)", () -> Memory.builder().signingKey(null), "signingKey"),
        iae(
            "builder.signingKey(4 bytes)",
            () -> Memory.builder().signingKey(new byte[4]),
            "signingKey",
            "4"),
        iae("builder.maxBytes(0)", () -> Memory.builder().maxBytes(0), "maxBytes", "0"),
        iae(
            "builder.maxBytes(MIN)",
            () -> Memory.builder().maxBytes(Long.MIN_VALUE),
            "maxBytes",
            "" + Long.MIN_VALUE),
        npe(
            "builder.storeOption(null, v)",
            () -> Memory.builder().storeOption(null, "v"),
            "store option name"),
        npe(
            "builder.storeOption(k, null)",
            () -> Memory.builder().storeOption("k", null),
            "store option 'k'"),
        iae(
            "builder.storeOption(\"\", v)",
            () -> Memory.builder().storeOption("", "v"),
            "store option name",
            "''"),
        npe("cache(null Fn0)", () -> memory().cache((Fn0<Integer>) null), "fn"),
        npe("cache(null Fn1)", () -> memory().cache((Fn1<Integer, Integer>) null), "fn"),
        npe("cache(null Fn2)", () -> memory().cache((Fn2<Integer, Integer, Integer>) null), "fn"),
        npe(
            "cache(null Fn3)",
            () -> memory().cache((Fn3<Integer, Integer, Integer, Integer>) null),
            "fn"),
        npe(
            "cache(null Fn4)",
            () -> memory().cache((Fn4<Integer, Integer, Integer, Integer, Integer>) null),
            "fn"),
        iae("reduceSize(-1 bytes)", () -> memory().reduceSize(-1L, null, null), "bytesLimit", "-1"),
        iae("reduceSize(-1 items)", () -> memory().reduceSize(null, -1, null), "itemsLimit", "-1"),
        iae(
            "reduceSize(-1s age)",
            () -> memory().reduceSize(null, null, Duration.ofSeconds(-1)),
            "ageLimit",
            "PT-1S"));
  }

  static Stream<Case> memorized() {
    return Stream.of(
        npe("Fn1.ignore(null)", () -> memory().cache(F1).ignore((int[]) null), "positions"),
        iae("Fn1.ignore(-1)", () -> memory().cache(F1).ignore(-1), "position", "-1"),
        iae("Fn1.ignore(1)", () -> memory().cache(F1).ignore(1), "position", "1"),
        iae(
            "Fn2.ignore(MAX)",
            () -> memory().cache(F2).ignore(Integer.MAX_VALUE),
            "position",
            "" + Integer.MAX_VALUE),
        iae("Fn3.ignore(0, 0)", () -> memory().cache(F3).ignore(0, 0), "position", "0"),
        iae("Fn4.ignore(4)", () -> memory().cache(F4).ignore(4), "position", "4"),
        npe("Fn0.version(null)", () -> memory().cache(F0).version(null), "version"),
        iae("Fn1.version(\"\")", () -> memory().cache(F1).version(""), "version", "''"),
        iae("Fn2.version(\" \")", () -> memory().cache(F2).version(" "), "version", "' '"),
        npe(
            "Fn0.cacheValidation(null)",
            () -> memory().cache(F0).cacheValidation(null),
            "validation"),
        npe(
            "Fn3.cacheValidation(null)",
            () -> memory().cache(F3).cacheValidation(null),
            "validation"),
        iae(
            "Fn1.apply(unhashable)",
            () -> memory().cache((Fn1<Object, Object>) a -> a).apply(new Object()),
            "argument",
            "java.lang.Object"),
        iae(
            "Fn1.isCached(unhashable)",
            () -> memory().cache((Fn1<Object, Object>) a -> a).isCached(new Object()),
            "argument",
            "java.lang.Object"));
  }

  @ParameterizedTest(name = "Parallel.{0}")
  @MethodSource("parallel")
  void parallelRefuses(Case c) {
    check(c);
  }

  @ParameterizedTest(name = "ParallelConfig.{0}")
  @MethodSource("config")
  void parallelConfigRefuses(Case c) {
    check(c);
  }

  @ParameterizedTest(name = "Joblib.{0}")
  @MethodSource("joblib")
  void joblibRefuses(Case c) {
    check(c);
  }

  @ParameterizedTest(name = "Compression.{0}")
  @MethodSource("compression")
  void compressionRefuses(Case c) {
    check(c);
  }

  @ParameterizedTest(name = "Load/DumpOptions.{0}")
  @MethodSource("options")
  void optionsRefuse(Case c) {
    check(c);
  }

  @ParameterizedTest(name = "Memory.{0}")
  @MethodSource("memoryCases")
  void memoryRefuses(Case c) {
    check(c);
  }

  @ParameterizedTest(name = "MemorizedFn.{0}")
  @MethodSource("memorized")
  void memorizedFnRefuses(Case c) {
    check(c);
  }

  private static void check(Case c) {
    int before = RAN.get();
    assertThatThrownBy(c.call())
        .as(c.name())
        .isInstanceOf(c.type())
        .hasMessageContaining(c.parameter())
        .hasMessageContaining(c.value());
    assertThat(RAN.get()).as("tasks run by " + c.name()).isEqualTo(before);
    assertThat(Files.exists(DIR.resolve("value.jbl"))).as("file left by " + c.name()).isFalse();
  }
}
