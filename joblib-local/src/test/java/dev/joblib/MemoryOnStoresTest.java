package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.spi.EntryInfo;
import dev.joblib.stores.HdfsServer;
import dev.joblib.stores.S3Server;
import dev.joblib.stores.StoreKind;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What Memory does, on every store: local disk, HDFS, native S3 and s3a, each on its in-process
 * server. One scenario per test, run once per store.
 */
class MemoryOnStoresTest {
  @RegisterExtension static final HdfsServer HDFS = new HdfsServer();
  @RegisterExtension static final S3Server S3 = new S3Server();
  @TempDir static Path shared;
  private static StoreKind.Servers servers;

  @TempDir Path dir;
  private String log;

  @BeforeAll
  static void servers() {
    servers = new StoreKind.Servers(shared, HDFS, S3, S3.newBucket("memory"));
  }

  @BeforeEach
  void setUp() {
    log = dir.resolve("calls.log").toString();
  }

  private List<String> calls() throws Exception {
    return MemoFunctions.calls(log);
  }

  private static Memory.Builder builder(StoreKind kind, URI location) {
    Memory.Builder builder = Memory.builder().location(location);
    kind.options(servers).forEach(builder::storeOption);
    return builder;
  }

  private static Memory memory(StoreKind kind, URI location) {
    return builder(kind, location).build();
  }

  private Path serialize(Object fn) throws Exception {
    Path file = Files.createTempFile(dir, "fn-", ".ser");
    try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(file))) {
      out.writeObject(fn);
    }
    return file;
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void computesOnceAndHitsFromAnotherJvm(StoreKind kind) throws Exception {
    URI location = kind.newLocation(servers, "hits");
    MemorizedFn1<Integer, Integer> square = memory(kind, location).cache(MemoFunctions.square(log));

    assertThat(square.apply(3)).isEqualTo(9);
    assertThat(square.apply(4)).isEqualTo(16);
    assertThat(square.apply(3)).isEqualTo(9);
    assertThat(calls()).containsExactly("square 3", "square 4");

    Path fn = serialize(square);
    String out = Jvms.run(StoreChild.class, "-", fn + "@3", fn + "@4", fn + "@5");

    assertThat(out).contains("result 9", "result 16", "result 25");
    assertThat(calls()).containsExactly("square 3", "square 4", "square 5");
    assertThat(square.isCached(5)).isTrue();
    assertThat(kind.entries(servers, location)).hasSize(3);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aNewVersionOfTheFunctionMissesAndClearsTheOldEntries(StoreKind kind) throws Exception {
    URI location = kind.newLocation(servers, "code");
    MemorizedFn1<Integer, Integer> v1 =
        memory(kind, location).cache(MemoFunctions.square(log)).version("1");
    v1.apply(2);
    v1.apply(3);
    assertThat(kind.entries(servers, location)).hasSize(2);

    MemorizedFn1<Integer, Integer> v2 = v1.version("2");

    assertThat(v2.isCached(2)).isFalse();
    assertThat(v2.apply(2)).isEqualTo(4);
    assertThat(v2.apply(2)).isEqualTo(4);
    assertThat(calls()).containsExactly("square 2", "square 3", "square 2");
    assertThat(kind.entries(servers, location)).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void ignoredArgumentsAndExpiry(StoreKind kind) throws Exception {
    URI location = kind.newLocation(servers, "ignore");
    Memory memory = memory(kind, location);
    MemorizedFn2<Integer, Boolean, Integer> cube = memory.cache(MemoFunctions.cube(log)).ignore(1);

    assertThat(cube.apply(2, true)).isEqualTo(8);
    assertThat(cube.apply(2, false)).isEqualTo(8);
    assertThat(calls()).containsExactly("cube 2");

    Thread.sleep(30);
    MemorizedFn2<Integer, Boolean, Integer> fresh =
        cube.cacheValidation(CacheValidation.expiresAfter(Duration.ofMillis(10)));
    assertThat(fresh.isCached(2, true)).isFalse();
    assertThat(fresh.apply(2, true)).isEqualTo(8);
    assertThat(calls()).containsExactly("cube 2", "cube 2");
    assertThat(
            cube.cacheValidation(CacheValidation.expiresAfter(Duration.ofHours(1))).apply(2, true))
        .isEqualTo(8);
    assertThat(calls()).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void callAndShelveAndClear(StoreKind kind) throws Exception {
    URI location = kind.newLocation(servers, "shelve");
    Memory memory = memory(kind, location);
    MemorizedFn1<Integer, Integer> square = memory.cache(MemoFunctions.square(log));
    MemorizedFn2<Integer, Boolean, Integer> cube = memory.cache(MemoFunctions.cube(log));

    MemorizedResult<Integer> shelved = square.callAndShelve(7);
    cube.apply(2, true);
    assertThat(shelved.get()).isEqualTo(49);
    assertThat(calls()).containsExactly("square 7", "cube 2");

    square.clear();
    assertThat(square.isCached(7)).isFalse();
    assertThat(cube.isCached(2, true)).isTrue();

    square.apply(1);
    memory.clear();
    assertThat(cube.isCached(2, true)).isFalse();
    assertThat(kind.entries(servers, location)).isEmpty();
    assertThat(square.apply(1)).isEqualTo(1);
    assertThat(kind.entries(servers, location)).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void reduceSizeAndMaxBytesEvictTheLeastRecentlyUsed(StoreKind kind) throws Exception {
    URI location = kind.newLocation(servers, "evict");
    Memory memory = memory(kind, location);
    MemorizedFn1<Integer, Integer> square = memory.cache(MemoFunctions.square(log));
    for (int i = 0; i < 5; i++) {
      square.apply(i);
    }
    assertThat(kind.entries(servers, location)).hasSize(5);

    assertThat(memory.reduceSize(null, 2, null)).isEqualTo(3);

    List<EntryInfo> left = kind.entries(servers, location);
    assertThat(left).hasSize(2);
    long oneEntry = left.get(0).sizeBytes();

    URI bounded = kind.newLocation(servers, "maxbytes");
    MemorizedFn1<Integer, Integer> capped =
        builder(kind, bounded).maxBytes(3 * oneEntry).build().cache(MemoFunctions.square(log));
    for (int i = 0; i < 6; i++) {
      capped.apply(i);
    }
    List<EntryInfo> kept = kind.entries(servers, bounded);
    assertThat(kept).isNotEmpty();
    assertThat(kept.stream().mapToLong(EntryInfo::sizeBytes).sum())
        .isLessThanOrEqualTo(3 * oneEntry);
    assertThat(capped.isCached(5)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void truncatedEntriesAreDeletedAndRecomputed(StoreKind kind) throws Exception {
    URI location = kind.newLocation(servers, "corrupt");
    MemorizedFn1<Integer, Integer> square = memory(kind, location).cache(MemoFunctions.square(log));
    square.apply(6);
    kind.truncateOutputs(servers, location);

    try (LogCapture logs = new LogCapture()) {
      assertThat(square.apply(6)).isEqualTo(36);
      assertThat(square.apply(6)).isEqualTo(36);

      assertThat(calls()).containsExactly("square 6", "square 6");
      assertThat(logs.messages(Level.WARNING))
          .singleElement()
          .satisfies(m -> assertThat(m).contains("Exception while loading results"));
    }
  }

  /** Eight JVMs start together and each computes one key on every remote store in turn. */
  @Test
  void eightJvmsComputingOneKeyLeaveOneValidEntryOnEachStore() throws Exception {
    List<StoreKind> kinds = List.of(StoreKind.HDFS, StoreKind.S3, StoreKind.S3A);
    List<URI> locations = new ArrayList<>();
    List<MemorizedFn1<Integer, String>> fns = new ArrayList<>();
    List<String> command = new ArrayList<>(List.of(dir.resolve("go").toString()));
    for (StoreKind kind : kinds) {
      URI location = kind.newLocation(servers, "race");
      MemorizedFn1<Integer, String> slow =
          memory(kind, location).cache(MemoFunctions.slowLabel(log));
      locations.add(location);
      fns.add(slow);
      command.add(serialize(slow) + "@42");
    }
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      children.add(Jvms.start(StoreChild.class, command.toArray(String[]::new)));
    }
    Files.createFile(dir.resolve("go"));

    for (Process child : children) {
      assertThat(Jvms.finish(child).lines().filter(l -> l.startsWith("result ")))
          .hasSize(kinds.size())
          .allSatisfy(l -> assertThat(l).isEqualTo("result label-42-" + "x".repeat(31)));
    }
    for (int k = 0; k < kinds.size(); k++) {
      assertThat(kinds.get(k).entries(servers, locations.get(k)))
          .as(kinds.get(k).name())
          .hasSize(1);
      assertThat(fns.get(k).isCached(42)).isTrue();
      assertThat(fns.get(k).apply(42)).isEqualTo("label-42-" + "x".repeat(1000));
    }
    assertThat(calls()).hasSizeBetween(kinds.size(), 8 * kinds.size());
  }
}
