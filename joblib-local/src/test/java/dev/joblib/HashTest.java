package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HashTest {
  record Point(double x, double y, String label) {}

  static class Base implements Serializable {
    private static final long serialVersionUID = 1L;
    int inherited = 7;
  }

  static class Derived extends Base {
    private static final long serialVersionUID = 1L;
    String name;
    transient Object cache;
    List<Object> children = new ArrayList<>();

    Derived(String name) {
      this.name = name;
    }
  }

  /** Values whose hashes are pinned: any change to the encoding shows up here. */
  static Map<String, Object> goldenValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("null", null);
    m.put("int 1", 1);
    m.put("long 1", 1L);
    m.put("double 1", 1.0);
    m.put("string 1", "1");
    m.put("string", "This is a string to hash");
    m.put("accents", "C'est l\u00e9t\u00e9");
    m.put("list", List.of(123456, 54321, -98765));
    m.put("map", Map.of("abcde", 123, "sadfas", List.of(-9999, 2, 3)));
    m.put("doubles", new double[] {0.0, -0.0, 1.5, Double.NaN, Double.MAX_VALUE});
    m.put("bytes", "joblib".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    m.put("record", new Point(1, 2, "p"));
    m.put("enum", TimeUnit.SECONDS);
    m.put("optional", Optional.of("x"));
    m.put("bigdecimal", new BigDecimal("12.3400"));
    m.put("instant", Instant.parse("2026-11-21T10:15:30Z"));
    m.put("path", Path.of("data", "train.csv"));
    m.put("uuid", new UUID(1, 2));
    m.put("set", Set.of("b", "a", "c"));
    m.put("big double[]", new SplittableRandom(42).doubles(100_000).toArray());
    return m;
  }

  // Generated once (OpenJDK 17, x86-64) by printing Joblib.hash(v) / hash(v, SHA_256) for
  // goldenValues(); never edit
  // to make a failing test pass: a change here invalidates every user's Memory cache.
  static final Map<String, String> GOLDEN = new LinkedHashMap<>();

  static {
    GOLDEN.put("null", "a6cd5e9392000f6ac44bdff4074eecdb");
    GOLDEN.put("int 1", "0c800cab66c1476d6e34b6b1d581887a");
    GOLDEN.put("long 1", "7799fde74b1bdf00071f7e1d5435c701");
    GOLDEN.put("double 1", "6f7a7bb1744ca3895258e013fc2e7593");
    GOLDEN.put("string 1", "b24620929cea5de66f3c416e35d8a53c");
    GOLDEN.put("string", "b2068c6c04e43d61c814c35d6d29086e");
    GOLDEN.put("accents", "6ab6cf2dfa2d7fedc43e6694fb0bafa0");
    GOLDEN.put("list", "0d1b5116397648555e671692282d860f");
    GOLDEN.put("map", "412fbcd533001606cd9f20713a7b0e08");
    GOLDEN.put("doubles", "5826c381f75297d1984a972dda745489");
    GOLDEN.put("bytes", "3b1423d976bcabd41f0df1a100083a7f");
    GOLDEN.put("record", "c9336a869df438bd6cc68b0ca3450eb3");
    GOLDEN.put("enum", "0ecaca88fdc69a0a01a2070ba4ac6818");
    GOLDEN.put("optional", "097f5fd45da5f0c92be9fc278a3e5c6b");
    GOLDEN.put("bigdecimal", "b9bc9be2837a5fd8a9ec77f278b5f557");
    GOLDEN.put("instant", "b2f3f22d901085a071e6f5f6cac18514");
    GOLDEN.put("path", "a967c9c347b1873cef9477b4b50b3dea");
    GOLDEN.put("uuid", "7f9c6e65401f4b86e4f7bbfb86dd63ab");
    GOLDEN.put("set", "f7d038fff81f7d65b43d6e25153ce204");
    GOLDEN.put("big double[]", "4bca557594bc09d249b84b52f14f0c43");
    // checked independently: sha256(1f 0300000000000000 05 40e20100 05 31d40000 05 337efeff)
    GOLDEN.put("sha256 list", "1b995470085ea6f202ad388fb1e6ba7e5095f148db0e3ab952e8a1cd47f6770e");
    GOLDEN.put(
        "sha256 big double[]", "6e0340742f854f61286b5ffe5504dddef2b361fb42fe09bf71ec9614fed8223f");
  }

  @Test
  void goldenValuesStayTheSame() {
    Map<String, String> got = new LinkedHashMap<>();
    goldenValues().forEach((k, v) -> got.put(k, Joblib.hash(v)));
    got.put("sha256 list", Joblib.hash(List.of(123456, 54321, -98765), HashAlgorithm.SHA_256));
    got.put(
        "sha256 big double[]",
        Joblib.hash(goldenValues().get("big double[]"), HashAlgorithm.SHA_256));
    StringBuilder sb = new StringBuilder();
    got.forEach(
        (k, v) ->
            sb.append("    GOLDEN.put(\"").append(k).append("\", \"").append(v).append("\");\n"));
    assertThat(got).as("regenerate with:\n%s", sb).isEqualTo(GOLDEN);
  }

  @Test
  void hashesAreLowercaseHexOfTheRightLength() {
    assertThat(Joblib.hash("x")).matches("[0-9a-f]{32}");
    assertThat(Joblib.hash("x", HashAlgorithm.XXH3_128)).isEqualTo(Joblib.hash("x"));
    assertThat(Joblib.hash("x", HashAlgorithm.SHA_256)).matches("[0-9a-f]{64}");
  }

  @Test
  void typesAreTagged() {
    List<Object> distinct =
        List.of(
            1,
            1L,
            1.0,
            1.0f,
            "1",
            '1',
            (short) 1,
            (byte) 1,
            true,
            BigInteger.ONE,
            BigDecimal.ONE,
            new int[] {1},
            new long[] {1},
            List.of(1),
            Set.of(1),
            Optional.of(1),
            new Object[] {1});
    Set<String> hashes = new HashSet<>();
    for (Object o : distinct) {
      hashes.add(Joblib.hash(o));
    }
    assertThat(hashes).hasSize(distinct.size());
    assertThat(Joblib.hash(null))
        .isNotEqualTo(Joblib.hash(""))
        .isNotEqualTo(Joblib.hash(Optional.empty()));
    assertThat(Joblib.hash(List.of("ab", "c"))).isNotEqualTo(Joblib.hash(List.of("a", "bc")));
    assertThat(Joblib.hash(new double[] {0.0})).isNotEqualTo(Joblib.hash(new double[] {-0.0}));
  }

  @Test
  void setsAndMapsIgnoreOrderListsDoNot() {
    Map<String, Object> hash = new HashMap<>();
    Map<String, Object> linked = new LinkedHashMap<>();
    Map<String, Object> tree = new TreeMap<>();
    for (int i = 0; i < 200; i++) {
      hash.put("k" + i, i);
    }
    for (int i = 199; i >= 0; i--) {
      linked.put("k" + i, i);
      tree.put("k" + i, i);
    }
    assertThat(Joblib.hash(hash)).isEqualTo(Joblib.hash(linked)).isEqualTo(Joblib.hash(tree));
    linked.put("k0", 1);
    assertThat(Joblib.hash(linked)).isNotEqualTo(Joblib.hash(hash));

    Set<Object> a = new LinkedHashSet<>(List.of("x", 1, 2.0, List.of("y")));
    Set<Object> b = new LinkedHashSet<>(List.of(List.of("y"), 2.0, 1, "x"));
    assertThat(Joblib.hash(a)).isEqualTo(Joblib.hash(b)).isEqualTo(Joblib.hash(new HashSet<>(a)));
    assertThat(Joblib.hash(List.of(1, 2))).isNotEqualTo(Joblib.hash(List.of(2, 1)));
    assertThat(Joblib.hash(new ArrayList<>(List.of(1, 2))))
        .isEqualTo(Joblib.hash(new LinkedList<>(List.of(1, 2))));
    // keys and values are bound: swapping values between keys changes the hash
    assertThat(Joblib.hash(Map.of("a", 1, "b", 2)))
        .isNotEqualTo(Joblib.hash(Map.of("a", 2, "b", 1)));
  }

  @Test
  void equalContentHashesEqualAcrossIdentity() {
    double[] x = new SplittableRandom(1).doubles(10_000).toArray();
    assertThat(Joblib.hash(x)).isEqualTo(Joblib.hash(x.clone()));
    double[] y = x.clone();
    y[9_999] = Math.nextUp(y[9_999]);
    assertThat(Joblib.hash(y)).isNotEqualTo(Joblib.hash(x));
    assertThat(Joblib.hash(new String("abc"))).isEqualTo(Joblib.hash("abc"));
    assertThat(Joblib.hash(new Point(1, 2, "p"))).isEqualTo(Joblib.hash(new Point(1, 2, "p")));
    assertThat(Joblib.hash(new Point(1, 2, "p"))).isNotEqualTo(Joblib.hash(new Point(2, 1, "p")));
    // the block chaining of long encodings: a change deep inside a long string is seen
    String longText = "a".repeat(300_000);
    assertThat(Joblib.hash(longText + "b")).isNotEqualTo(Joblib.hash(longText + "c"));
  }

  @Test
  void objectsAreHashedByNonTransientFieldsIncludingInherited() {
    Derived a = new Derived("n");
    Derived b = new Derived("n");
    b.cache = "ignored";
    assertThat(Joblib.hash(a)).isEqualTo(Joblib.hash(b));
    b.inherited = 8;
    assertThat(Joblib.hash(a)).isNotEqualTo(Joblib.hash(b));
  }

  @Test
  void cyclesAreHashedAndDistinguished() {
    Derived a = new Derived("a");
    a.children.add(a);
    Derived b = new Derived("a");
    b.children.add(b);
    assertThat(Joblib.hash(a)).isEqualTo(Joblib.hash(b));
    List<Object> self = new ArrayList<>();
    self.add(self);
    assertThat(Joblib.hash(self)).matches("[0-9a-f]{32}");
    Derived c = new Derived("a");
    Derived d = new Derived("a");
    c.children.add(d);
    d.children.add(c); // a two-cycle differs from a self-loop
    assertThat(Joblib.hash(c)).isNotEqualTo(Joblib.hash(a));
    Map<String, Object> m = new HashMap<>();
    m.put("me", m);
    assertThat(Joblib.hash(m)).matches("[0-9a-f]{32}");
  }

  @Test
  void valueTypesAreCovered() {
    assertThat(Joblib.hash(LocalDate.of(2026, 1, 2)))
        .isNotEqualTo(Joblib.hash(LocalDate.of(2026, 1, 3)));
    assertThat(Joblib.hash(Duration.ofSeconds(5))).isEqualTo(Joblib.hash(Duration.ofMillis(5000)));
    ZonedDateTime t = ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneId.of("Europe/Paris"));
    assertThat(Joblib.hash(t)).isNotEqualTo(Joblib.hash(t.withZoneSameInstant(ZoneId.of("UTC"))));
    assertThat(Joblib.hash(Path.of("a", "b"))).isEqualTo(Joblib.hash(Path.of("a/b")));
    assertThat(Joblib.hash(Path.of("a", "b"))).isNotEqualTo(Joblib.hash(Path.of("/a/b")));
    assertThat(Joblib.hash(URI.create("s3://bucket/key")))
        .isNotEqualTo(Joblib.hash("s3://bucket/key"));
    assertThat(Joblib.hash(new BigDecimal("1.0")))
        .isNotEqualTo(Joblib.hash(new BigDecimal("1.00")));
    assertThat(Joblib.hash(Optional.empty())).isNotEqualTo(Joblib.hash(Optional.of(0)));
    assertThat(Joblib.hash(TimeUnit.SECONDS)).isNotEqualTo(Joblib.hash(TimeUnit.MINUTES));
    assertThat(Joblib.hash(String.class)).isNotEqualTo(Joblib.hash("java.lang.String"));
    // a JDK class whose fields are closed to reflection falls back to its serialized form
    assertThat(Joblib.hash(new java.util.concurrent.atomic.AtomicLong(5)))
        .isEqualTo(Joblib.hash(new java.util.concurrent.atomic.AtomicLong(5)))
        .isNotEqualTo(Joblib.hash(new java.util.concurrent.atomic.AtomicLong(6)));
  }

  @Test
  void serializableLambdasHashByImplementationAndCaptures() {
    int k = 3;
    Fn1<Integer, Integer> f = x -> x + k;
    Fn1<Integer, Integer> g = x -> x + k;
    assertThat(Joblib.hash(f)).isEqualTo(Joblib.hash(f));
    assertThat(Joblib.hash(f)).isNotEqualTo(Joblib.hash(g)); // different implementation methods
  }

  @Test
  void unhashableValuesNameWhereTheyAre() {
    Object plain = new Object();
    assertThatThrownBy(() -> Joblib.hash(Map.of("key", List.of(1, new Point(0, 0, "x"), plain))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object is not Serializable")
        .hasMessageContaining("value{}.value[]");
    assertThatThrownBy(() -> Joblib.hash("x", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void allPrimitiveArraysHashInBulk() {
    Object[] arrays = {
      new boolean[] {true}, new byte[] {1}, new char[] {1}, new short[] {1},
      new int[] {1}, new long[] {1}, new float[] {1}, new double[] {1}
    };
    Set<String> seen = new HashSet<>();
    for (Object a : arrays) {
      seen.add(Joblib.hash(a));
      seen.add(Joblib.hash(a, HashAlgorithm.SHA_256));
    }
    assertThat(seen).hasSize(16);
    assertThat(Joblib.hash(new float[3])).isEqualTo(Joblib.hash(new float[3]));
    assertThat(Arrays.asList(arrays)).hasSize(8);
  }
}
