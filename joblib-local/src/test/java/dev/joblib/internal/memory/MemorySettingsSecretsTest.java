package dev.joblib.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Memory's settings print no secret, and the keys this JVM caches stores under hold none. */
class MemorySettingsSecretsTest {
  private static final String SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
  private static final String SIGNING = "signing-key-0123456789abcdef";

  private static MemorySettings settings(String secret) {
    return new MemorySettings(
        "s3://bucket/cache",
        "none",
        0,
        SIGNING.getBytes(StandardCharsets.UTF_8),
        false,
        0,
        -1,
        Map.of(
            "s3.accessKey", "AKIAEXAMPLEACCESSKEY",
            "s3.secretKey", secret,
            "s3.region", "eu-west-1"),
        List.of());
  }

  @Test
  void toStringHoldsNoSecret() {
    assertThat(settings(SECRET).toString()).doesNotContain(SECRET).doesNotContain(SIGNING);
  }

  @Test
  void theStoreIdUsedAsAMapKeyHoldsNoSecretButTellsSecretsApart() {
    String id = settings(SECRET).storeId();

    assertThat(id).doesNotContain(SECRET).contains("s3://bucket/cache").contains("eu-west-1");
    assertThat(settings(SECRET + "2").storeId()).isNotEqualTo(id);
    assertThat(settings(SECRET).storeId()).isEqualTo(id);
  }
}
