package dev.joblib.stores;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process HDFS (one NameNode, one DataNode) for one test class, on 127.0.0.1. Register it as
 * {@code @RegisterExtension static final HdfsServer HDFS = new HdfsServer();}.
 *
 * <p>{@link #clientOptions()} are the Hadoop settings a client of this cluster should use: they
 * make a call against a stopped cluster fail within about a second instead of retrying for minutes,
 * which the fault tests rely on.
 */
public final class HdfsServer implements BeforeAllCallback, AfterAllCallback {
  private Path baseDir;
  private MiniDFSCluster cluster;
  private MiniDFSCluster.DataNodeProperties stoppedDataNode;
  private int port;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    shutdown();
    if (baseDir != null) {
      deleteTree(baseDir);
    }
  }

  /** Starts the cluster (a fresh one, or the stopped one again on its old ports and data). */
  public synchronized void start() throws IOException {
    if (cluster != null) {
      return;
    }
    Configuration conf = new Configuration();
    boolean restart = baseDir != null;
    if (!restart) {
      baseDir =
          Files.createTempDirectory(Files.createDirectories(Path.of("target")), "minidfs-")
              .toAbsolutePath();
    }
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toString());
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.setBoolean("dfs.permissions.enabled", false);
    MiniDFSCluster.Builder builder = new MiniDFSCluster.Builder(conf).numDataNodes(1);
    if (restart) {
      builder.format(false).nameNodePort(port);
    }
    cluster = builder.build();
    cluster.waitActive();
    port = cluster.getNameNodePort();
  }

  /** Stops the cluster and deletes its data (for use outside JUnit). */
  public void close() {
    afterAll(null);
  }

  /** Stops the whole cluster (NameNode and DataNode) but keeps its data for {@link #start()}. */
  public synchronized void shutdown() {
    if (cluster != null) {
      cluster.shutdown(false);
      cluster = null;
    }
  }

  /**
   * Stops the DataNode but not the NameNode: listings, metadata and deletes still work, reading a
   * file's blocks fails, as when the DataNodes holding them are down or unreachable.
   */
  public synchronized void stopDataNode() {
    stoppedDataNode = cluster.stopDataNode(0);
  }

  /** Starts the DataNode that {@link #stopDataNode()} stopped, on its old ports and data. */
  public synchronized void restartDataNode() throws IOException {
    cluster.restartDataNode(stoppedDataNode, true);
    stoppedDataNode = null;
    cluster.waitActive();
  }

  /** Whether the cluster is running. */
  public synchronized boolean running() {
    return cluster != null;
  }

  /** The file system URI, {@code hdfs://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("hdfs://127.0.0.1:" + port);
  }

  /** A location under this cluster, {@code hdfs://127.0.0.1:<port>/<path>}. */
  public URI uri(String path) {
    return uri().resolve(path.startsWith("/") ? path : "/" + path);
  }

  /** Hadoop client settings for this cluster: fail fast when the cluster is down. */
  public Map<String, String> clientOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("fs.defaultFS", uri().toString());
    options.put("ipc.client.connect.max.retries", "0");
    options.put("ipc.client.connect.max.retries.on.timeouts", "0");
    options.put("ipc.client.connect.timeout", "1000");
    options.put("ipc.client.rpc-timeout.ms", "60000");
    options.put("dfs.client.retry.policy.enabled", "false");
    options.put("dfs.client.failover.max.attempts", "0");
    options.put("dfs.client.block.write.retries", "1");
    options.put("dfs.client.max.block.acquire.failures", "1");
    options.put("dfs.client.socket-timeout", "60000");
    return options;
  }

  /** A client {@link Configuration} holding {@link #clientOptions()}. */
  public Configuration clientConfiguration() {
    Configuration conf = new Configuration();
    clientOptions().forEach(conf::set);
    return conf;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
