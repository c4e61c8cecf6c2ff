package dev.joblib.internal.store.hadoop;

import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoreSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Builds the Hadoop configuration of a store, opens its file system and picks how it publishes
 * (rename or create), and closes the file system with the store.
 */
final class HadoopStores {
  /**
   * File systems whose rename is a copy and delete: entries are single objects written with
   * create-if-absent instead of a renamed directory.
   */
  private static final Set<String> OBJECT_STORE_SCHEMES =
      Set.of("s3a", "s3n", "gs", "oss", "cosn", "obs", "wasb", "wasbs");

  private static final String[][] CLIENT_TUNING = {
    {"dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10"},
    {"dfs.client.block.write.locateFollowingBlock.retries", "12"},
  };

  private HadoopStores() {}

  /** Whether a key has no value or only the one from Hadoop's own *-default.xml files. */
  private static boolean isDefault(Configuration conf, String key) {
    String[] sources = conf.getPropertySources(key);
    if (sources == null) {
      return true;
    }
    for (String source : sources) {
      if (!source.endsWith("-default.xml")) {
        return false;
      }
    }
    return true;
  }

  static boolean knowsScheme(String scheme) {
    try {
      FileSystem.getFileSystemClass(scheme, configuration(Map.of()));
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static StoreBackend open(StoreSpec spec) {
    URI location = spec.location();
    if (location.getPath() == null || location.isOpaque()) {
      throw new IllegalArgumentException(
          "location must be a hierarchical URI such as hdfs://namenode:8020/cache, got '"
              + location
              + "'");
    }
    Duration touchInterval = HadoopStoreProvider.touchInterval(spec.options());
    Configuration conf = configuration(spec.options());
    Path base = new Path(location);
    String scheme = location.getScheme().toLowerCase(java.util.Locale.ROOT);
    try {
      FileSystem fs = FileSystem.newInstance(location, conf);
      if (OBJECT_STORE_SCHEMES.contains(scheme)) {
        return new HadoopObjectStore(location, fs, base, touchInterval);
      }
      FileContext fc = FileContext.getFileContext(fs.getUri(), conf);
      return new HadoopStore(location, fs, fc, base);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the Hadoop file system of " + location, e);
    }
  }

  /** Closes a store's file system, which {@link #open} created for it alone. */
  static void close(FileSystem fs, URI location) {
    try {
      fs.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the file system of " + location, e);
    }
  }

  /**
   * The usual Hadoop configuration (core-site.xml and hdfs-site.xml from the class path and from
   * {@code HADOOP_CONF_DIR}) with the store options on top; options named {@code joblib.*} are the
   * store's own and stay out.
   */
  static Configuration configuration(Map<String, String> options) {
    Configuration conf = new Configuration();
    conf.addResource("hdfs-site.xml");
    String confDir = System.getenv("HADOOP_CONF_DIR");
    if (confDir != null && !confDir.isBlank()) {
      for (String name : new String[] {"core-site.xml", "hdfs-site.xml"}) {
        java.nio.file.Path file = java.nio.file.Path.of(confDir, name);
        if (Files.isRegularFile(file)) {
          conf.addResource(new Path(file.toUri()));
        }
      }
    }
    // HDFS clients poll the NameNode to complete a file, first after 400 ms by default: most
    // entries are small files whose blocks are reported in milliseconds, so start at 10 ms (with
    // more, doubling retries); a value set in the configuration files or options wins
    for (String[] tuning : CLIENT_TUNING) {
      if (isDefault(conf, tuning[0])) {
        conf.set(tuning[0], tuning[1]);
      }
    }
    options.forEach(
        (name, value) -> {
          if (!name.startsWith(HadoopStoreProvider.OWN_OPTIONS)) {
            conf.set(name, value);
          }
        });
    return conf;
  }
}
