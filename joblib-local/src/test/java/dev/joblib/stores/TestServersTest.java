package dev.joblib.stores;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/** The test servers themselves: each starts, serves, stops and comes back with its data. */
class TestServersTest {
  @RegisterExtension static final HdfsServer HDFS = new HdfsServer();
  @RegisterExtension static final S3Server S3 = new S3Server();

  @Test
  void hdfsServesFilesAndKeepsThemOverARestart() throws Exception {
    Path file = new Path(HDFS.uri("/smoke/a.txt"));
    try (FileSystem fs = FileSystem.newInstance(HDFS.uri(), HDFS.clientConfiguration());
        FSDataOutputStream out = fs.create(file)) {
      out.write("hello".getBytes(StandardCharsets.UTF_8));
    }
    HDFS.shutdown();
    HDFS.start();
    try (FileSystem fs = FileSystem.newInstance(HDFS.uri(), HDFS.clientConfiguration())) {
      assertThat(fs.getFileStatus(file).getLen()).isEqualTo(5);
    }
  }

  @Test
  void s3ServesObjectsAndKeepsThemOverARestart() throws Exception {
    String bucket = S3.newBucket("smoke");
    S3.client().putObject(b -> b.bucket(bucket).key("a"), RequestBody.fromString("hello"));
    if (!S3.isExternal()) {
      S3.stop();
      S3.start();
    }
    assertThat(S3.client().getObjectAsBytes(b -> b.bucket(bucket).key("a")).asUtf8String())
        .isEqualTo("hello");
  }
}
