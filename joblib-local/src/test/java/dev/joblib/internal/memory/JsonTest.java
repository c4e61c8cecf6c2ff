package dev.joblib.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The metadata parser refuses input nested deeper than it needs, instead of overflowing. */
class JsonTest {
  @Test
  void objectsNestedAHundredThousandDeepAreMalformed() {
    int depth = 100_000;
    String text = "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth);

    assertThatThrownBy(() -> Json.parseObject(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested");
    assertThatThrownBy(() -> MetadataCodec.decode(text.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MetadataCodec.codeHashOf(text.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theNestingMetadataUsesStillParses() {
    String text = "{\"input_args\": {\"x\": {\"y\": {\"z\": \"1\"}}}}";
    assertThat(Json.parseObject(text)).containsKey("input_args");
  }
}
