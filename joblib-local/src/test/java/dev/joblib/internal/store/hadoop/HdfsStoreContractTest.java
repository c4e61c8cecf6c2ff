package dev.joblib.internal.store.hadoop;

import dev.joblib.internal.store.StoreRegistry;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreBackendContract;
import dev.joblib.stores.HdfsServer;
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
}
