package dev.joblib.internal.store.hadoop;

import dev.joblib.internal.store.StoreRegistry;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreBackendContract;
import dev.joblib.stores.HdfsServer;
import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

class HdfsStoreContractTest extends StoreBackendContract {
  @RegisterExtension static final HdfsServer HDFS = new HdfsServer();
  private static int stores;

  @Override
  protected StoreBackend newStore() {
    URI location = HDFS.uri("/contract/cache-" + stores++);
    StoreBackend store = StoreRegistry.open(location, HDFS.clientOptions());
    org.assertj.core.api.Assertions.assertThat(store).isInstanceOf(HadoopStore.class);
    return store;
  }

  @Override
  protected void writeFile(URI directory, String name, byte[] content) throws IOException {
    Path file = new Path(new Path(directory), name);
    try (FSDataOutputStream out =
        file.getFileSystem(HDFS.clientConfiguration()).create(file, false)) {
      out.write(content);
    }
  }

  @Override
  protected byte[] readFile(URI directory, String name) throws IOException {
    Path file = new Path(new Path(directory), name);
    try (FSDataInputStream in = file.getFileSystem(HDFS.clientConfiguration()).open(file)) {
      return in.readAllBytes();
    }
  }

  @Override
  protected void truncateOutput(StoreBackend store, EntryKey key, int keepBytes) throws Exception {
    HadoopStore hdfs = (HadoopStore) store;
    Path output = new Path(hdfs.entryDir(key), HadoopStore.OUTPUT);
    var fs = output.getFileSystem(HDFS.clientConfiguration());
    byte[] kept;
    try (FSDataInputStream in = fs.open(output)) {
      kept = in.readNBytes(keepBytes);
    }
    try (FSDataOutputStream out = fs.create(output, true)) {
      out.write(kept);
    }
  }

  @org.junit.jupiter.api.Test
  void theRenameRefusesAnEntryPublishedAfterTheCheck() throws Exception {
    HadoopStore store = (HadoopStore) store();
    EntryKey key = new EntryKey("com.example.Race/lost", "0123456789abcdef");
    Path output = new Path(store.entryDir(key), HadoopStore.OUTPUT);
    var fs = output.getFileSystem(HDFS.clientConfiguration());

    boolean published =
        store.publish(
            key,
            out -> {
              out.write(new byte[] {1, 2, 3});
              // another writer publishes after this one checked that the key was free
              try (FSDataOutputStream theirs = fs.create(output, false)) {
                theirs.write(9);
              }
            },
            "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    org.assertj.core.api.Assertions.assertThat(published).isFalse();
    org.assertj.core.api.Assertions.assertThat(store.get(key).orElseThrow().readOutput())
        .containsExactly(9);
    org.assertj.core.api.Assertions.assertThat(fs.listStatus(store.entryDir(key).getParent()))
        .extracting(s -> s.getPath().getName())
        .containsExactly(key.argsId());
  }
}
