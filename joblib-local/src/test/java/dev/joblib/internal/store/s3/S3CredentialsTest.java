package dev.joblib.internal.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Fn1;
import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import dev.joblib.internal.store.StoreRegistry;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreSpec;
import dev.joblib.stores.S3Server;
import dev.joblib.stores.StoreLocations;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The S3 store's credentials: never printed, and not needed in the options, where they would travel
 * inside every serialized Memory: without them the SDK's default provider chain (environment,
 * system properties, profile, instance role) supplies them.
 */
class S3CredentialsTest {
  @RegisterExtension static final S3Server S3 = new S3Server();

  private static final String SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
  private static final String TOKEN = "FwoGZXIvYXdzEXAMPLE-session-token-value";

  @Test
  void settingsAndSpecNeverPrintTheSecret() {
    StoreSpec spec =
        new StoreSpec(
            URI.create("s3://bucket/prefix"),
            Map.of(
                "s3.endpoint", "http://localhost:9000",
                "s3.accessKey", "AKIAEXAMPLEACCESSKEY",
                "s3.secretKey", SECRET));
    S3Settings settings = S3Settings.parse(spec);

    assertThat(settings.toString()).doesNotContain(SECRET).contains("s3.secretKey=<redacted>");
    assertThat(spec.toString()).doesNotContain(SECRET).contains("http://localhost:9000");
  }

  @Test
  void hadoopCredentialOptionsAreNotPrintedEither() {
    StoreSpec spec =
        new StoreSpec(
            URI.create("s3a://bucket/prefix"),
            Map.of(
                "fs.s3a.access.key",
                "AKIAEXAMPLEACCESSKEY",
                "fs.s3a.secret.key",
                SECRET,
                "fs.s3a.session.token",
                TOKEN,
                "fs.azure.account.key.acct.blob.core.windows.net",
                SECRET + "az",
                "fs.s3a.endpoint",
                "http://localhost:9000"));

    assertThat(spec.toString())
        .doesNotContain(SECRET)
        .doesNotContain(TOKEN)
        .contains("fs.s3a.endpoint=http://localhost:9000");
  }

  @Test
  void withoutKeysInTheOptionsTheDefaultProviderChainSuppliesThem() {
    String bucket = S3.newBucket("chain");
    Map<String, String> options = new HashMap<>(StoreLocations.s3Options(S3));
    options.remove("s3.accessKey");
    options.remove("s3.secretKey");
    System.setProperty("aws.accessKeyId", S3.accessKey());
    System.setProperty("aws.secretAccessKey", S3.secretKey());
    StoreBackend store = StoreRegistry.open(StoreLocations.s3(bucket, "chain"), options);
    try {
      EntryKey key = new EntryKey("com.example.Chain/f", String.format("%032x", 7));
      store.publish(
          key, out -> out.write("value".getBytes(StandardCharsets.UTF_8)), "{}".getBytes());

      assertThat(new String(store.get(key).orElseThrow().readOutput(), StandardCharsets.UTF_8))
          .isEqualTo("value");
    } finally {
      store.close();
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  @Test
  void aMemoryOnTheDefaultChainWorksAndItsSerializedFormHoldsNoCredential() throws Exception {
    String bucket = S3.newBucket("chainmem");
    Memory.Builder builder = Memory.builder().location(StoreLocations.s3(bucket, "memo"));
    StoreLocations.s3Options(S3)
        .forEach(
            (name, value) -> {
              if (!name.equals("s3.accessKey") && !name.equals("s3.secretKey")) {
                builder.storeOption(name, value);
              }
            });
    System.setProperty("aws.accessKeyId", S3.accessKey());
    System.setProperty("aws.secretAccessKey", S3.secretKey());
    try {
      Memory memory = builder.build();
      Fn1<Integer, Integer> square = x -> x * x;
      MemorizedFn1<Integer, Integer> cached = memory.cache(square);

      assertThat(cached.apply(7)).isEqualTo(49);
      assertThat(cached.apply(7)).isEqualTo(49);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(memory);
        out.writeObject(cached);
      }
      String serialized = bytes.toString(StandardCharsets.ISO_8859_1);
      assertThat(serialized).doesNotContain(S3.secretKey()).doesNotContain(S3.accessKey());
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }
}
