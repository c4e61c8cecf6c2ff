package dev.joblib.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which option names hold secrets: one rule for every settings type. */
class SecretOptionsTest {
  private static final String SECRET = "hunter2-very-secret-value";

  @Test
  void theRuleIsOneRule() {
    assertThat(SecretOptions.isSecret("s3.secretKey")).isTrue();
    assertThat(SecretOptions.isSecret("s3.accessKey")).isTrue();
    assertThat(SecretOptions.isSecret("fs.s3a.access.key")).isTrue();
    assertThat(SecretOptions.isSecret("fs.s3a.session.token")).isTrue();
    assertThat(SecretOptions.isSecret("fs.azure.account.key.acct.blob.core.windows.net")).isTrue();
    assertThat(SecretOptions.isSecret("db.password")).isTrue();
    assertThat(SecretOptions.isSecret("google.cloud.auth.service.account.json.keyfile")).isFalse();
    assertThat(SecretOptions.isSecret("s3.endpoint")).isFalse();
    assertThat(SecretOptions.isSecret("s3.region")).isFalse();
    assertThat(SecretOptions.isSecret("dfs.replication")).isFalse();
    assertThat(SecretOptions.redact("db.password", SECRET)).isEqualTo("<redacted>");
    assertThat(SecretOptions.redact("s3.region", "eu-west-1")).isEqualTo("eu-west-1");
  }
}
