package dev.joblib.internal.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.internal.store.EntryFrame;
import dev.joblib.internal.store.StoreRegistry;
import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoredEntry;
import dev.joblib.stores.S3Server;
import dev.joblib.stores.StoreLocations;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/** What the native S3 store does beyond the contract: its requests, as seen on the server. */
class S3StoreTest {
  @RegisterExtension static final S3Server S3 = new S3Server();
  private static final String FN = "com.example.Trainer/fit";
  private static final AtomicInteger LOCATIONS = new AtomicInteger();
  private static String bucket;
  private final List<StoreBackend> opened = new ArrayList<>();

  @BeforeAll
  static void createBucket() {
    bucket = S3.newBucket("s3store");
  }

  @AfterEach
  void closeStores() {
    opened.forEach(StoreBackend::close);
  }

  private S3Store open(Map<String, String> extra) {
    Map<String, String> options = new HashMap<>(StoreLocations.s3Options(S3));
    options.putAll(extra);
    URI location = StoreLocations.s3(bucket, "t" + LOCATIONS.incrementAndGet());
    S3Store store = (S3Store) StoreRegistry.open(location, options);
    opened.add(store);
    return store;
  }

  private static EntryKey key(int i) {
    return new EntryKey(FN, String.format("%032x", i));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> objectKeys(String prefix) {
    List<String> keys = new ArrayList<>();
    for (var page : S3.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
      page.contents().forEach(o -> keys.add(o.key()));
    }
    return keys;
  }

  @Test
  void anEntryIsOneObjectUnderTheJoblibLayout() {
    S3Store store = open(Map.of());
    store.publish(key(1), out -> out.write(bytes("value")), bytes("{\"m\":1}"));

    assertThat(objectKeys(store.root()))
        .containsExactly(store.root() + FN + "/" + key(1).argsId() + "/entry.joblib");
    assertThat(store.root()).endsWith("/joblib/");
  }

  @Test
  void aConditionalPutLosesToAnObjectWrittenDuringTheUpload() throws Exception {
    S3Store store = open(Map.of());
    String object = store.entryObject(key(2));
    try (S3Upload upload =
        new S3Upload(store, object, EntryFrame.header(bytes("{}")), -1, settings(store), true)) {
      upload.stream().write(bytes("mine"));
      S3.client().putObject(b -> b.bucket(bucket).key(object), RequestBody.fromString("theirs"));

      assertThat(upload.complete()).isEqualTo(S3Upload.Result.EXISTS);
    }
    assertThat(S3.client().getObjectAsBytes(b -> b.bucket(bucket).key(object)).asUtf8String())
        .isEqualTo("theirs");
  }

  @Test
  void aConditionalMultipartCompleteLosesToAnObjectWrittenDuringTheUpload() throws Exception {
    S3Store store =
        open(Map.of("s3.multipartThreshold", "" + (5 << 20), "s3.partSize", "" + (5 << 20)));
    String object = store.entryObject(key(3));
    try (S3Upload upload =
        new S3Upload(store, object, EntryFrame.header(bytes("{}")), -1, settings(store), true)) {
      upload.stream().write(new byte[11 << 20]); // two parts sent, one left
      S3.client().putObject(b -> b.bucket(bucket).key(object), RequestBody.fromString("theirs"));

      assertThat(upload.complete()).isEqualTo(S3Upload.Result.EXISTS);
    }
    assertThat(S3.client().getObjectAsBytes(b -> b.bucket(bucket).key(object)).asUtf8String())
        .isEqualTo("theirs");
    assertThat(S3.client().listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
  }

  @Test
  void aLargeEntryGoesUpInPartsAndReadsBackWhole() throws Exception {
    S3Store store =
        open(Map.of("s3.multipartThreshold", "" + (5 << 20), "s3.partSize", "" + (5 << 20)));
    byte[] big = new byte[(12 << 20) + 123];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 7 + (i >>> 12));
    }

    assertThat(store.publish(key(4), out -> out.write(big), bytes("{\"big\":true}"))).isTrue();
    assertThat(store.publish(key(4), out -> out.write(big), bytes("{}"))).isFalse();

    StoredEntry entry = store.get(key(4)).orElseThrow();
    assertThat(entry.outputSize()).isEqualTo(big.length);
    assertThat(entry.readOutput()).isEqualTo(big);
    assertThat(entry.readMetadata()).hasValue(bytes("{\"big\":true}"));
    assertThat(S3.client().listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
  }

  @Test
  void withoutConditionalWritesTheFirstEntryIsStillKeptWhenWritersDoNotOverlap() {
    S3Store store = open(Map.of("s3.conditionalWrites", "false"));

    assertThat(store.publish(key(5), out -> out.write(bytes("first")), bytes("{}"))).isTrue();
    assertThat(store.publish(key(5), out -> out.write(bytes("second")), bytes("{}"))).isFalse();

    assertThat(store.get(key(5)).orElseThrow().readOutput()).isEqualTo(bytes("first"));
  }

  @Test
  void listsAndDeletesPastOnePageAndOneBatch() throws Exception {
    S3Store store = open(Map.of());
    int count = 1005; // ListObjectsV2 pages and DeleteObjects batches hold 1000
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> done = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        done.add(pool.submit(() -> store.publish(key(n), out -> out.write(n), bytes("{}"))));
      }
      for (Future<Boolean> f : done) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }

    List<EntryInfo> all;
    try (var listed = store.list()) {
      all = listed.toList();
    }
    assertThat(all).hasSize(count);
    assertThat(all.stream().map(EntryInfo::key).distinct()).hasSize(count);

    store.clear();

    assertThat(objectKeys(store.root())).isEmpty();
  }

  @Test
  void touchWritesAMarkerAtMostOncePerInterval() {
    S3Store store = open(Map.of("s3.touchInterval", "PT10M"));
    EntryKey key = key(6);
    store.publish(key, out -> out.write(1), bytes("{}"));
    String markers = store.entryPrefix(key) + S3Store.ACCESS_DIR;
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    store.touch(key, now.plus(Duration.ofMinutes(1))); // within the interval of the write
    assertThat(objectKeys(markers)).isEmpty();

    store.touch(key, now.minus(Duration.ofHours(3))); // earlier: always recorded
    assertThat(objectKeys(markers))
        .containsExactly(markers + now.minus(Duration.ofHours(3)).toEpochMilli());

    store.touch(key, now.plus(Duration.ofMinutes(20)));
    assertThat(objectKeys(markers))
        .containsExactly(markers + now.plus(Duration.ofMinutes(20)).toEpochMilli());
    try (var listed = store.list()) {
      assertThat(listed.toList())
          .singleElement()
          .satisfies(i -> assertThat(i.lastAccess()).isEqualTo(now.plus(Duration.ofMinutes(20))));
    }

    store.touch(key(7), now); // missing entries are ignored
    assertThat(objectKeys(store.entryPrefix(key(7)))).isEmpty();
    assertThat(store.delete(key)).isTrue();
    assertThat(objectKeys(store.entryPrefix(key))).isEmpty();
  }

  @Test
  void anObjectThatIsNotAnEntryIsFoundButUnreadable() {
    S3Store store = open(Map.of());
    String object = store.entryObject(key(8));
    S3.client()
        .putObject(b -> b.bucket(bucket).key(object), RequestBody.fromString("garbage!!!!!!"));

    StoredEntry entry = store.get(key(8)).orElseThrow();

    assertThatThrownBy(entry::readMetadata)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(object);
    assertThatThrownBy(entry::openOutput).isInstanceOf(UncheckedIOException.class);
    assertThat(store.delete(key(8))).isTrue();
    assertThat(store.get(key(8))).isEmpty();
  }

  @Test
  void aReadAfterTheEntryWasReplacedFailsInsteadOfMixingObjects() throws Exception {
    S3Store store = open(Map.of());
    byte[] big = new byte[S3Store.INLINE_BYTES * 2];
    store.publish(key(9), out -> out.write(big), bytes("{}"));
    StoredEntry entry = store.get(key(9)).orElseThrow();

    store.delete(key(9));
    store.publish(key(9), out -> out.write(big), bytes("{\"other\":\"metadata\"}"));

    assertThatThrownBy(() -> entry.openOutput().readAllBytes())
        .isInstanceOf(UncheckedIOException.class);
    assertThat(store.get(key(9)).orElseThrow().readOutput()).isEqualTo(big);
  }

  @Test
  void badLocationsAndOptionsAreRejectedBeforeAnyRequest() {
    Map<String, String> ok = StoreLocations.s3Options(S3);
    assertThatThrownBy(() -> StoreRegistry.open(URI.create("s3:///prefix"), ok))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bucket");
    assertThatThrownBy(() -> StoreRegistry.open(URI.create("s3://b/p"), Map.of("s3.endpont", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3.endpont")
        .hasMessageContaining("s3.endpoint");
    assertThatThrownBy(
            () -> StoreRegistry.open(URI.create("s3://b/p"), Map.of("s3.partSize", "1000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3.partSize")
        .hasMessageContaining("1000");
    assertThatThrownBy(
            () -> StoreRegistry.open(URI.create("s3://b/p"), Map.of("s3.accessKey", "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3.secretKey");
    assertThatThrownBy(
            () -> StoreRegistry.open(URI.create("s3://b/p"), Map.of("s3.touchInterval", "10m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT10M");
  }

  private static S3Settings settings(S3Store store) {
    return store.settings();
  }

  @Test
  void retriesWithBackoffRideOutAShortOutage() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(S3.isExternal(), "stops the in-process server");
    S3Store store = open(Map.of("s3.maxAttempts", "10"));
    store.publish(key(10), out -> out.write(bytes("kept")), bytes("{}"));
    var restarter = Executors.newSingleThreadScheduledExecutor();
    try {
      S3.stop();
      var restart =
          restarter.schedule(
              () -> {
                S3.start();
                return null;
              },
              500,
              java.util.concurrent.TimeUnit.MILLISECONDS);

      StoredEntry entry = store.get(key(10)).orElseThrow(); // refused connections, then served

      restart.get();
      assertThat(entry.readOutput()).isEqualTo(bytes("kept"));
    } finally {
      restarter.shutdownNow();
      S3.start();
    }
  }
}
