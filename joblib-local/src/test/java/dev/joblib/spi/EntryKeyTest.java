package dev.joblib.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EntryKeyTest {
  private static final String ARGS = "0123456789abcdef0123456789abcdef";

  @Test
  void acceptsClassAndMethodPaths() {
    EntryKey key = new EntryKey("com.acme.Job$Inner/lambda$main$3a2b$1", ARGS);

    assertThat(key.relativePath()).isEqualTo("com.acme.Job$Inner/lambda$main$3a2b$1/" + ARGS);
    assertThat(new EntryKey("a/b/c", ARGS).functionId()).isEqualTo("a/b/c");
  }

  @Test
  void rejectsPathsThatEscapeOrCollideWithTemporaryNames() {
    for (String bad :
        new String[] {
          "", "/a", "a/", "a//b", "a/../b", "..", ".", "a/.tmp", "a b", "c:\\x", "a\tb"
        }) {
      assertThatThrownBy(() -> new EntryKey(bad, ARGS))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("functionId");
    }
    assertThatThrownBy(() -> new EntryKey(null, ARGS)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void rejectsArgsIdsThatAreNotLowercaseHex() {
    for (String bad : new String[] {"", "abc", ARGS.toUpperCase(), ARGS + "g", "x".repeat(129)}) {
      assertThatThrownBy(() -> new EntryKey("a/b", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("argsId");
    }
  }
}
