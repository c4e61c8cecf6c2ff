package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.collections.functors.StandInGadget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile files: gadget classes and classes outside the allow-list are refused before their code
 * runs, in dumps and in cache entries; a signed Memory recomputes entries whose bytes were altered
 * or forged without the key; dumps and cache entries are owner-only.
 */
@Tag("reliability")
class SecurityTest {
  private static final byte[] KEY = "0123456789abcdef-signing-key".getBytes();
  static final AtomicInteger CALLS = new AtomicInteger();

  @TempDir Path dir;

  /** A class with a deserialization side effect, outside any allow-list given below. */
  static final class Payload implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger READS = new AtomicInteger();
    final int value;

    Payload(int value) {
      this.value = value;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      READS.incrementAndGet();
    }
  }

  static String square(int x) {
    CALLS.incrementAndGet();
    return "square=" + (x * x);
  }

  @BeforeEach
  void reset() {
    StandInGadget.READS.set(0);
    Payload.READS.set(0);
    CALLS.set(0);
  }

  private static Map<String, Object> hostile() {
    Map<String, Object> value = new HashMap<>();
    value.put("innocent", List.of(1, 2, 3));
    value.put("gadget", new StandInGadget("touch /tmp/pwned"));
    return value;
  }

  @Test
  void aDumpHoldingAGadgetIsRefusedBeforeItsCodeRuns() {
    Path file = dir.resolve("hostile.jbl");
    Joblib.dump(hostile(), file);
    assertThatThrownBy(() -> Joblib.load(file))
        .isInstanceOfSatisfying(
            PersistenceException.class,
            e -> assertThat(e.reason()).isEqualTo(PersistenceException.Reason.REFUSED))
        .hasMessageContaining(StandInGadget.class.getName())
        .hasMessageContaining(file.toString());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Joblib.dump(hostile(), bytes, DumpOptions.defaults().withCompression(Compression.zlib(3)));
    assertThatThrownBy(() -> Joblib.load(new ByteArrayInputStream(bytes.toByteArray())))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining(StandInGadget.class.getName());
    // even an allow-list that names the gadget's package does not let it through
    assertThatThrownBy(() -> Joblib.load(file, LoadOptions.allow("org.apache.commons.**")))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("gadget");
    assertThat(StandInGadget.READS).hasValue(0);
  }

  @Test
  void aClassOutsideTheAllowListIsRefusedBeforeItsCodeRuns() {
    Path file = dir.resolve("payload.jbl");
    Joblib.dump(Map.of("p", new Payload(7)), file);
    assertThatThrownBy(() -> Joblib.load(file, LoadOptions.allow("com.acme.**")))
        .isInstanceOfSatisfying(
            PersistenceException.class,
            e -> assertThat(e.reason()).isEqualTo(PersistenceException.Reason.REFUSED))
        .hasMessageContaining(Payload.class.getName())
        .hasMessageContaining("allow-list");
    assertThat(Payload.READS).hasValue(0);
    Map<String, Payload> back =
        Joblib.load(file, LoadOptions.allow("dev.joblib.SecurityTest$Payload"));
    assertThat(back.get("p").value).isEqualTo(7);
    assertThat(Payload.READS).hasValue(1);
  }

  private static Path outputOf(Path cache) throws IOException {
    try (Stream<Path> files = Files.walk(cache)) {
      List<Path> outputs =
          files.filter(p -> p.getFileName().toString().equals("output.joblib")).toList();
      assertThat(outputs).hasSize(1);
      return outputs.get(0);
    }
  }

  @Test
  void aCacheEntryReplacedByAGadgetIsRefusedDeletedAndRecomputed() throws Exception {
    Memory memory = Memory.at(dir.resolve("cache"));
    MemorizedFn1<Integer, String> f = memory.cache(SecurityTest::square);
    assertThat(f.apply(12)).isEqualTo("square=144");
    Path output = outputOf(dir.resolve("cache"));
    Joblib.dump(hostile(), output); // a writer of the shared cache plants a gadget

    assertThat(f.apply(12)).isEqualTo("square=144");
    assertThat(CALLS).hasValue(2);
    assertThat(StandInGadget.READS).hasValue(0);
    // the recomputed entry replaced the hostile one
    assertThat(f.apply(12)).isEqualTo("square=144");
    assertThat(CALLS).hasValue(2);
  }

  @Test
  void aSignedMemoryRecomputesAnEntryWhoseBytesWereAltered() throws Exception {
    Memory memory = Memory.builder().location(dir.resolve("signed")).signingKey(KEY).build();
    MemorizedFn1<Integer, String> f = memory.cache(SecurityTest::square);
    assertThat(f.apply(9)).isEqualTo("square=81");
    Path output = outputOf(dir.resolve("signed"));
    byte[] bytes = Files.readAllBytes(output);
    bytes[bytes.length / 2] ^= 0x01; // one bit flipped by an attacker or a bad disk
    Files.write(output, bytes);

    assertThat(f.apply(9)).isEqualTo("square=81");
    assertThat(CALLS).hasValue(2);
    assertThat(f.apply(9)).isEqualTo("square=81");
    assertThat(CALLS).hasValue(2);
  }

  @Test
  void aSignedMemoryRecomputesAWellFormedEntryForgedWithoutTheKey() throws Exception {
    Memory memory = Memory.builder().location(dir.resolve("forged")).signingKey(KEY).build();
    MemorizedFn1<Integer, String> f = memory.cache(SecurityTest::square);
    assertThat(f.apply(5)).isEqualTo("square=25");
    Path output = outputOf(dir.resolve("forged"));
    // valid dumps, one unsigned and one signed with another key, each holding a wrong result
    Joblib.dump("square=-1", output);
    assertThat(f.apply(5)).isEqualTo("square=25");
    Joblib.dump("square=-1", output, DumpOptions.sign("another-key-of-16-bytes".getBytes()));
    assertThat(f.apply(5)).isEqualTo("square=25");
    assertThat(CALLS).hasValue(3);
    // and a signed entry holding a gadget never reaches the deserializer
    Joblib.dump(hostile(), output, DumpOptions.sign("another-key-of-16-bytes".getBytes()));
    assertThat(f.apply(5)).isEqualTo("square=25");
    assertThat(StandInGadget.READS).hasValue(0);
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void dumpsAndCacheEntriesAreOwnerOnly() throws Exception {
    Path file = dir.resolve("sub/model.jbl");
    Joblib.dump(new double[4096], file);
    assertThat(mode(file)).isEqualTo("rw-------");

    Path cache = dir.resolve("owner-only-cache");
    Memory memory = Memory.at(cache);
    MemorizedFn1<Integer, String> f = memory.cache(SecurityTest::square);
    f.apply(3);
    try (Stream<Path> all = Files.walk(cache)) {
      for (Path p : all.toList()) {
        assertThat(mode(p))
            .as(p.toString())
            .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
      }
    }
  }
}
