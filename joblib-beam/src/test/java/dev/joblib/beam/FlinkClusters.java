package dev.joblib.beam;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * A Flink cluster in the test JVM reached as a remote master through its REST endpoint, and the
 * flags that point the Flink runner at it.
 */
final class FlinkClusters {
  private FlinkClusters() {}

  /**
   * Starts a cluster of one task manager with two slots, REST on a free port, loading classes
   * parent-first like a cluster with the application in its {@code lib/}.
   */
  static MiniCluster start() throws Exception {
    Configuration config = new Configuration();
    config.set(RestOptions.BIND_PORT, "0");
    config.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
    cluster.start();
    return cluster;
  }

  /** The cluster's address as {@code --flinkMaster} takes it: {@code host:port}. */
  static String master(MiniCluster cluster) throws Exception {
    URI rest = cluster.getRestAddress().get(30, TimeUnit.SECONDS);
    return rest.getHost() + ":" + rest.getPort();
  }

  /**
   * The flags of a backend on the cluster at {@code master} with parallelism 2, staging under
   * {@code temp}; its client configuration is written into {@code conf}.
   */
  static String[] flags(String master, Path conf, Path temp) throws IOException {
    return flags(master, conf, temp, 2);
  }

  /** The same with another parallelism. */
  static String[] flags(String master, Path conf, Path temp, int parallelism) throws IOException {
    return new String[] {
      "--runner=FlinkRunner",
      "--flinkMaster=" + master,
      "--flinkConfDir=" + writeFlinkConf(conf),
      // the cluster runs in this JVM and loads classes parent-first: no need to upload the class
      // path with every job
      "--filesToStage=" + emptyJar(conf),
      "--parallelism=" + parallelism,
      "--tempLocation=" + temp
    };
  }

  /** A Flink client configuration that gives up on an unreachable master at the first refusal. */
  static Path writeFlinkConf(Path dir) throws IOException {
    Files.writeString(dir.resolve("flink-conf.yaml"), "rest.retry.max-attempts: 0\n");
    return dir;
  }

  private static Path emptyJar(Path dir) throws IOException {
    Path jar = dir.resolve("empty.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), new Manifest())) {
      out.finish();
    }
    return jar;
  }

  /** Deletes {@code root} and everything under it; a missing one is fine. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
