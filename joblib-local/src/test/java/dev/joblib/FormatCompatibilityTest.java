package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dumps written by format version 1 (committed under src/test/resources/dev/joblib/format) must
 * load in every later version of this library. Add a fixture per new format version; never
 * regenerate an existing one.
 */
class FormatCompatibilityTest {
  @TempDir Path dir;

  private Path fixture(String name) throws IOException {
    Path p = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("format/" + name)) {
      Files.copy(in, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return p;
  }

  @SuppressWarnings("unchecked")
  private static void check(Object value) {
    Map<String, Object> m = (Map<String, Object>) value;
    assertThat(m.get("text")).isEqualTo("joblib format v1");
    assertThat(m.get("list")).isEqualTo(List.of(1, 2L, 3.0));
    double[] d = (double[]) m.get("doubles");
    assertThat(d).hasSize(1000);
    for (int i = 0; i < d.length; i++) {
      assertThat(d[i]).isEqualTo(i * 0.5);
    }
    assertThat((int[]) m.get("ints")).containsExactly(7, 8, 9);
    assertThat(m.get("buffer")).isEqualTo(DoubleBuffer.wrap(new double[] {1.5, 2.5}));
    assertThat(m.get("decimal")).isEqualTo(new BigDecimal("3.14"));
    assertThat(m.get("date")).isEqualTo(LocalDate.of(2026, 11, 21));
  }

  @Test
  void version1DumpsLoad() throws IOException {
    check(Joblib.load(fixture("v1-none.jbl")));
    check(Joblib.load(fixture("v1-zlib.jbl")));
    check(Joblib.load(fixture("v1-none.jbl"), LoadOptions.mmap()));
    check(
        Joblib.load(
            fixture("v1-signed-lz4.jbl"), LoadOptions.verify("format-v1-fixture-key".getBytes())));
    try (InputStream in = Files.newInputStream(fixture("v1-zlib.jbl"))) {
      check(Joblib.load(in));
    }
  }

  @Test
  void theSameValueHashesAsWhenTheFixturesWereWritten() throws IOException {
    // printed alongside the fixtures, on OpenJDK 17 and Temurin 25 alike
    assertThat(Joblib.hash(Joblib.load(fixture("v1-none.jbl"))))
        .isEqualTo("eaa9cd6426c0d0c8ce5aee9ffbbabb47");
  }
}
