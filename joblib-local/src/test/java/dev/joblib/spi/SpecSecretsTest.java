package dev.joblib.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The specs handed to plug-ins print option names and plain values, never a secret value. */
class SpecSecretsTest {
  private static final String SECRET = "hunter2-very-secret-value";

  @Test
  void storeSpecRedactsSecretValues() {
    StoreSpec spec =
        new StoreSpec(
            URI.create("hdfs://nn:8020/cache"),
            Map.of(
                "dfs.replication",
                "2",
                "hadoop.security.password",
                SECRET,
                "fs.s3a.secret.key",
                SECRET + "s3a",
                "custom.auth.token",
                SECRET + "token"));

    assertThat(spec.toString())
        .doesNotContain(SECRET)
        .contains("dfs.replication=2")
        .contains("hadoop.security.password=<redacted>");
  }

  @Test
  void backendSpecRedactsSecretValues() {
    BackendSpec spec =
        new BackendSpec(2, Map.of("spark.sessionToken", SECRET, "idleTimeout", "5s"), 0);

    assertThat(spec.toString()).doesNotContain(SECRET).contains("idleTimeout=5s");
  }
}
