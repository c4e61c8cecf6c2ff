package dev.joblib.internal.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.internal.store.EntryFrame;
import dev.joblib.internal.store.StoreRegistry;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreBackendContract;
import dev.joblib.stores.S3Server;
import dev.joblib.stores.StoreLocations;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

class S3aStoreContractTest extends StoreBackendContract {
  @RegisterExtension static final S3Server S3 = new S3Server();
  private static String bucket;
  private static int stores;

  @BeforeAll
  static void createBucket() {
    bucket = S3.newBucket("contract-s3a");
  }

  @Override
  protected StoreBackend newStore() {
    StoreBackend store =
        StoreRegistry.open(
            StoreLocations.s3a(bucket, "cache-" + stores++), StoreLocations.s3aOptions(S3));
    assertThat(store).isInstanceOf(HadoopObjectStore.class);
    return store;
  }

  @Override
  protected void truncateOutput(StoreBackend store, EntryKey key, int keepBytes) {
    String object = ((HadoopObjectStore) store).entryObject(key).toUri().getPath().substring(1);
    byte[] whole = S3.client().getObjectAsBytes(b -> b.bucket(bucket).key(object)).asByteArray();
    int header = EntryFrame.FIXED_BYTES + java.nio.ByteBuffer.wrap(whole, 8, 4).getInt();
    byte[] kept = java.util.Arrays.copyOf(whole, header + keepBytes);
    S3.client().putObject(b -> b.bucket(bucket).key(object), RequestBody.fromBytes(kept));
  }

  @org.junit.jupiter.api.Test
  void theCreateIsConditionalOnTheServerNotOnlyCheckedBefore() throws Exception {
    HadoopObjectStore store = (HadoopObjectStore) store();
    EntryKey key = new EntryKey("com.example.Race/lost", "0123456789abcdef");
    String object = store.entryObject(key).toUri().getPath().substring(1);

    boolean published =
        store.publish(
            key,
            out -> {
              out.write(new byte[] {1, 2, 3});
              // another writer publishes after this one checked that the key was free
              S3.client()
                  .putObject(b -> b.bucket(bucket).key(object), RequestBody.fromString("theirs"));
            },
            "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(published).isFalse();
    assertThat(S3.client().getObjectAsBytes(b -> b.bucket(bucket).key(object)).asUtf8String())
        .isEqualTo("theirs");

    // and on the wire: an upload started before the key was taken is refused when it completes
    var path = new org.apache.hadoop.fs.Path(store.entryObject(key).getParent(), "direct");
    String direct = path.toUri().getPath().substring(1);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> {
              org.apache.hadoop.fs.FSDataOutputStreamBuilder<?, ?> builder =
                  store.fileSystem().createFile(path).overwrite(false);
              builder.must(HadoopObjectStore.CONDITIONAL_CREATE, true);
              try (org.apache.hadoop.fs.FSDataOutputStream out = builder.build()) {
                out.write(1);
                S3.client()
                    .putObject(b -> b.bucket(bucket).key(direct), RequestBody.fromString("first"));
              }
            })
        .isInstanceOf(java.io.IOException.class);
    assertThat(S3.client().getObjectAsBytes(b -> b.bucket(bucket).key(direct)).asUtf8String())
        .isEqualTo("first");
  }
}
