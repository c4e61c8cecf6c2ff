package dev.joblib.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.CacheValidation;
import dev.joblib.Fn0;
import dev.joblib.Joblib;
import dev.joblib.LoadOptions;
import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import dev.joblib.PersistenceException;
import dev.joblib.gadget.Chains;
import dev.joblib.gadget.ProbeComparator;
import dev.joblib.spi.EntryKey;
import dev.joblib.userapp.Measurement;
import dev.joblib.userapp.units.Unit;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shared caches that a writer of the bucket cannot turn into code execution or wrong values: gadget
 * chains (commons-collections4, its copy relocated in hadoop-client-runtime, a gadget no deny-list
 * knows) and serialized lambdas planted in S3 and HDFS entries are refused with no setting, before
 * their code runs, and the value is recomputed; a user's own types still load; a signed entry moved
 * to another key or with its metadata edited is refused and recomputed.
 */
@Tag("reliability")
@Timeout(300)
class SafeLoadsTest {
  @RegisterExtension static final S3Server S3 = new S3Server();
  @RegisterExtension static final HdfsServer HDFS = new HdfsServer();
  @TempDir static java.nio.file.Path shared;
  private static StoreKind.Servers servers;
  private static final byte[] KEY = "0123456789abcdef-signing-key".getBytes(StandardCharsets.UTF_8);
  static final AtomicInteger CALLS = new AtomicInteger();

  private final Warnings warnings = new Warnings();

  @BeforeAll
  static void servers() {
    servers = new StoreKind.Servers(shared, HDFS, S3, S3.newBucket("safe-loads"));
  }

  @BeforeEach
  void reset() {
    CALLS.set(0);
  }

  @AfterEach
  void stopCapture() {
    warnings.close();
  }

  static String square(int x) {
    CALLS.incrementAndGet();
    return "square=" + (x * x);
  }

  static String cube(int x) {
    CALLS.incrementAndGet();
    return "cube=" + (x * x * x);
  }

  static Measurement measure(int x) {
    CALLS.incrementAndGet();
    return new Measurement("m" + x, x * 1.5, Unit.METRE, List.of(1.0 * x, 2.0 * x));
  }

  private static Memory.Builder builder(StoreKind kind, URI location) {
    Memory.Builder builder = Memory.builder().location(location);
    kind.options(servers).forEach(builder::storeOption);
    return builder;
  }

  private static EntryKey keyOf(MemorizedFn1<Integer, ?> f, int x) {
    return new EntryKey(f.functionId(), f.callAndShelve(x).argsId());
  }

  private static byte[] dump(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Joblib.dump(value, bytes);
    return bytes.toByteArray();
  }

  static Stream<Arguments> plantedGadgets() {
    return Stream.of(StoreKind.S3, StoreKind.HDFS)
        .flatMap(
            kind ->
                Stream.of(
                    Arguments.of(
                        kind,
                        "commons-collections4",
                        (Supplier<Object>) Chains::collections4,
                        "org.apache.commons.collections4.comparators.TransformingComparator"),
                    Arguments.of(
                        kind,
                        "relocated commons-collections4",
                        (Supplier<Object>) Chains::relocatedCollections4,
                        "org.apache.hadoop.shaded.org.apache.commons.collections4.comparators"
                            + ".TransformingComparator"),
                    Arguments.of(
                        kind,
                        "unknown library",
                        (Supplier<Object>) Chains::unknownLibrary,
                        ProbeComparator.class.getName())));
  }

  @ParameterizedTest(name = "{1} in {0}")
  @MethodSource("plantedGadgets")
  void aGadgetChainPlantedInASharedEntryIsRefusedBeforeItRunsAndTheValueRecomputed(
      StoreKind kind, String chain, Supplier<Object> gadget, String refusedClass) throws Exception {
    URI location = kind.newLocation(servers, "gadget");
    MemorizedFn1<Integer, String> f = builder(kind, location).build().cache(SafeLoadsTest::square);
    assertThat(f.apply(12)).isEqualTo("square=144");
    byte[] hostile = dump(gadget.get());
    kind.rewriteOutput(servers, location, keyOf(f, 12), old -> hostile);

    assertThat(f.apply(12)).isEqualTo("square=144");
    assertThat(Chains.executed()).as("gadget code ran").isFalse();
    assertThat(CALLS).hasValue(2);
    assertThat(warnings.messages()).anySatisfy(m -> assertThat(m).contains(refusedClass));
    // the recomputed entry replaced the hostile one
    assertThat(f.apply(12)).isEqualTo("square=144");
    assertThat(CALLS).hasValue(2);
  }

  @Test
  void aUsersOwnRecordRoundTripsThroughAnS3CacheWithNoSetting() {
    URI location = StoreKind.S3.newLocation(servers, "record");
    MemorizedFn1<Integer, Measurement> f =
        builder(StoreKind.S3, location).build().cache(SafeLoadsTest::measure);
    Measurement first = f.apply(4);
    MemorizedFn1<Integer, Measurement> again =
        builder(StoreKind.S3, location).build().cache(SafeLoadsTest::measure);
    assertThat(again.apply(4)).isEqualTo(first);
    assertThat(CALLS).hasValue(1);
    assertThat(warnings.messages()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = StoreKind.class,
      names = {"S3", "HDFS"})
  void aSerializedLambdaPlantedInASharedEntryIsRefused(StoreKind kind) throws Exception {
    URI location = kind.newLocation(servers, "lambda");
    MemorizedFn1<Integer, String> f = builder(kind, location).build().cache(SafeLoadsTest::square);
    f.apply(3);
    Fn0<String> lambda = () -> "square=-1";
    byte[] hostile = dump(List.of(lambda));
    kind.rewriteOutput(servers, location, keyOf(f, 3), old -> hostile);

    assertThat(f.apply(3)).isEqualTo("square=9");
    assertThat(CALLS).hasValue(2);
    assertThat(warnings.messages())
        .anySatisfy(m -> assertThat(m).contains("java.lang.invoke.SerializedLambda"));
  }

  @ParameterizedTest
  @EnumSource(
      value = StoreKind.class,
      names = {"LOCAL", "S3", "HDFS"})
  void aSignedEntryCopiedUnderAnotherKeyIsRefusedAndRecomputed(StoreKind kind) throws Exception {
    URI location = kind.newLocation(servers, "signed-copy");
    Memory memory = builder(kind, location).signingKey(KEY).build();
    MemorizedFn1<Integer, String> f = memory.cache(SafeLoadsTest::square);
    MemorizedFn1<Integer, String> g = memory.cache(SafeLoadsTest::cube);
    assertThat(f.apply(2)).isEqualTo("square=4");
    assertThat(f.apply(3)).isEqualTo("square=9");
    assertThat(g.apply(3)).isEqualTo("cube=27");
    assertThat(CALLS).hasValue(3);
    RawEntries.Entry signed = RawEntries.read(kind, servers, location, keyOf(f, 2));

    // the same function, another argument
    RawEntries.write(kind, servers, location, keyOf(f, 3), signed);
    assertThat(f.apply(3)).isEqualTo("square=9");
    assertThat(CALLS).hasValue(4);
    // another function, the same argument
    RawEntries.write(kind, servers, location, keyOf(g, 3), signed);
    assertThat(g.apply(3)).isEqualTo("cube=27");
    assertThat(CALLS).hasValue(5);
    // both were replaced by good entries
    assertThat(f.apply(3)).isEqualTo("square=9");
    assertThat(g.apply(3)).isEqualTo("cube=27");
    assertThat(f.apply(2)).isEqualTo("square=4");
    assertThat(CALLS).hasValue(5);
  }

  @ParameterizedTest
  @EnumSource(
      value = StoreKind.class,
      names = {"LOCAL", "S3", "HDFS"})
  void aSignedEntryWhoseMetadataTimeWasEditedIsRefused(StoreKind kind) throws Exception {
    URI location = kind.newLocation(servers, "signed-time");
    MemorizedFn1<Integer, String> f =
        builder(kind, location)
            .signingKey(KEY)
            .build()
            .cache(SafeLoadsTest::square)
            .cacheValidation(CacheValidation.expiresAfter(Duration.ofDays(1)));
    assertThat(f.apply(5)).isEqualTo("square=25");
    EntryKey key = keyOf(f, 5);
    RawEntries.Entry entry = RawEntries.read(kind, servers, location, key);
    String metadata = new String(entry.metadata(), StandardCharsets.UTF_8);
    // an attacker moves the time forward, as one would to keep an expired entry alive
    String edited = metadata.replaceFirst("\"time\": (\\d)", "\"time\": 1$1");
    assertThat(edited).isNotEqualTo(metadata);
    RawEntries.write(
        kind,
        servers,
        location,
        key,
        new RawEntries.Entry(entry.output(), edited.getBytes(StandardCharsets.UTF_8)));

    assertThat(f.apply(5)).isEqualTo("square=25");
    assertThat(CALLS).hasValue(2);
    assertThat(f.apply(5)).isEqualTo("square=25");
    assertThat(CALLS).hasValue(2);
  }

  static Object anything(int x) {
    CALLS.incrementAndGet();
    return new Measurement("any" + x, x, Unit.SECOND, List.of());
  }

  @Test
  void aResultTypeTheFunctionDoesNotDeclareNeedsAllowOnASharedStore() {
    URI location = StoreKind.S3.newLocation(servers, "allow");
    MemorizedFn1<Integer, Object> plain =
        builder(StoreKind.S3, location).build().cache(SafeLoadsTest::anything);
    plain.apply(1);
    plain.apply(1); // declared Object: the entry is refused, deleted and computed again
    assertThat(CALLS).hasValue(2);
    assertThat(warnings.messages())
        .anySatisfy(m -> assertThat(m).contains(Measurement.class.getName()));

    MemorizedFn1<Integer, Object> widened =
        builder(StoreKind.S3, location)
            .allow("dev.joblib.userapp.**")
            .build()
            .cache(SafeLoadsTest::anything);
    widened.apply(2);
    assertThat(widened.apply(2)).isEqualTo(anything(2));
    assertThat(CALLS).hasValue(4); // computed once, loaded once (plus the direct call)
  }

  @Test
  void aLocalDirectoryOthersCanWriteToIsShared() throws Exception {
    java.nio.file.Path dir = shared.resolve("group-writable");
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
    URI location = dir.toUri();
    MemorizedFn1<Integer, String> f =
        builder(StoreKind.LOCAL, location).build().cache(SafeLoadsTest::square);
    f.apply(12);
    byte[] hostile = dump(Chains.unknownLibrary());
    StoreKind.LOCAL.rewriteOutput(servers, location, keyOf(f, 12), old -> hostile);

    assertThat(f.apply(12)).isEqualTo("square=144");
    assertThat(Chains.executed()).as("gadget code ran").isFalse();
    assertThat(CALLS).hasValue(2);
    assertThat(warnings.messages())
        .anySatisfy(m -> assertThat(m).contains(ProbeComparator.class.getName()));
  }

  @Test
  void joblibLoadRefusesARelocatedGadgetByDefaultAndSafeModeIsOneCallAway() {
    byte[] relocated = dump(Chains.relocatedCollections4());
    assertThatThrownBy(() -> Joblib.load(new ByteArrayInputStream(relocated)))
        .isInstanceOfSatisfying(
            PersistenceException.class,
            e -> assertThat(e.reason()).isEqualTo(PersistenceException.Reason.REFUSED))
        .hasMessageContaining("org.apache.hadoop.shaded.org.apache.commons.collections4");
    assertThat(Chains.executed()).as("gadget code ran").isFalse();

    Measurement m = new Measurement("m", 2, Unit.METRE, List.of(1.0));
    LoadOptions safe = LoadOptions.safe(Measurement.class);
    assertThat(safe.allowed()).contains("dev.joblib.userapp.*", "dev.joblib.userapp.units.*");
    assertThat((Object) Joblib.load(new ByteArrayInputStream(dump(m)), safe)).isEqualTo(m);
    for (Object hostile :
        List.of(Chains.unknownLibrary(), Chains.collections4(), List.of((Fn0<String>) () -> "")))
      assertThatThrownBy(() -> Joblib.load(new ByteArrayInputStream(dump(hostile)), safe))
          .isInstanceOfSatisfying(
              PersistenceException.class,
              e -> assertThat(e.reason()).isEqualTo(PersistenceException.Reason.REFUSED));
    assertThat(Chains.executed()).as("gadget code ran").isFalse();
    assertThat(
            (Object)
                Joblib.load(new ByteArrayInputStream(dump(List.of(1, "a"))), LoadOptions.safe()))
        .isEqualTo(List.of(1, "a"));
  }

  /** Collects the warnings {@code dev.joblib.Memory} logs. */
  static final class Warnings extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.joblib.Memory");
    private final List<String> messages = new CopyOnWriteArrayList<>();

    Warnings() {
      setLevel(Level.ALL);
      logger.addHandler(this);
    }

    List<String> messages() {
      return messages;
    }

    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        messages.add(record.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
    }
  }
}
