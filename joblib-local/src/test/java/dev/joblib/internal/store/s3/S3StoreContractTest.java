package dev.joblib.internal.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.internal.store.EntryFrame;
import dev.joblib.internal.store.StoreRegistry;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreBackendContract;
import dev.joblib.stores.S3Server;
import dev.joblib.stores.StoreLocations;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

class S3StoreContractTest extends StoreBackendContract {
  @RegisterExtension static final S3Server S3 = new S3Server();
  private static String bucket;
  private static int stores;

  @BeforeAll
  static void createBucket() {
    bucket = S3.newBucket("contract");
  }

  @Override
  protected StoreBackend newStore() {
    Map<String, String> options = new java.util.HashMap<>(StoreLocations.s3Options(S3));
    options.put("s3.multipartThreshold", String.valueOf(5 << 20)); // the 6 MiB entry: 2 parts
    options.put("s3.partSize", String.valueOf(5 << 20));
    StoreBackend store =
        StoreRegistry.open(StoreLocations.s3(bucket, "cache-" + stores++), options);
    assertThat(store).isInstanceOf(S3Store.class);
    return store;
  }

  @Override
  protected Duration accessTimePrecision() {
    return Duration.ofSeconds(2);
  }

  @Override
  protected void truncateOutput(StoreBackend store, EntryKey key, int keepBytes) {
    S3Store s3 = (S3Store) store;
    String object = s3.entryObject(key);
    byte[] whole = S3.client().getObjectAsBytes(b -> b.bucket(bucket).key(object)).asByteArray();
    int header = EntryFrame.FIXED_BYTES + java.nio.ByteBuffer.wrap(whole, 8, 4).getInt();
    byte[] kept = java.util.Arrays.copyOf(whole, header + keepBytes);
    S3.client().putObject(b -> b.bucket(bucket).key(object), RequestBody.fromBytes(kept));
  }

  @org.junit.jupiter.api.Test
  void thePutIsConditionalOnTheServerNotOnlyCheckedBefore() {
    S3Store store = (S3Store) store();
    EntryKey key = new EntryKey("com.example.Race/lost", "0123456789abcdef");
    String object = store.entryObject(key);

    boolean published =
        store.publish(
            key,
            out -> {
              out.write(new byte[] {1, 2, 3});
              S3.client()
                  .putObject(b -> b.bucket(bucket).key(object), RequestBody.fromString("theirs"));
            },
            "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(published).isFalse();
    assertThat(S3.client().getObjectAsBytes(b -> b.bucket(bucket).key(object)).asUtf8String())
        .isEqualTo("theirs");
  }
}
