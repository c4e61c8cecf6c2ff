package dev.joblib.stores;

import dev.joblib.internal.store.EntryFrame;
import dev.joblib.internal.store.StoreRegistry;
import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoredEntry;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The stores a Memory test runs against, each on its test server: a parameter of the end-to-end
 * tests. {@link Servers} holds the servers of the running test class.
 */
public enum StoreKind {
  LOCAL,
  HDFS,
  S3,
  S3A;

  private static final AtomicInteger LOCATIONS = new AtomicInteger();

  /** The servers of one test class and where its caches go. */
  public record Servers(Path localDir, HdfsServer hdfs, S3Server s3, String bucket) {}

  /** A new, empty cache location of this kind. */
  public URI newLocation(Servers servers, String name) {
    String path = name + "-" + LOCATIONS.incrementAndGet();
    return switch (this) {
      case LOCAL -> servers.localDir().resolve(path).toUri();
      case HDFS -> servers.hdfs().uri("/memory/" + path);
      case S3 -> StoreLocations.s3(servers.bucket(), path);
      case S3A -> StoreLocations.s3a(servers.bucket(), path);
    };
  }

  /** The store options a user passes for this kind. */
  public Map<String, String> options(Servers servers) {
    return switch (this) {
      case LOCAL -> Map.of();
      case HDFS -> servers.hdfs().clientOptions();
      case S3 -> StoreLocations.s3Options(servers.s3());
      case S3A -> StoreLocations.s3aOptions(servers.s3());
    };
  }

  private static final Map<URI, StoreBackend> OPEN = new ConcurrentHashMap<>();

  /**
   * The store at a location, opened directly (not through Memory) to look at what Memory left
   * there; kept open for the test JVM's life, since opening an s3a file system takes a second.
   */
  public StoreBackend open(Servers servers, URI location) {
    return OPEN.computeIfAbsent(location, l -> StoreRegistry.open(l, options(servers)));
  }

  /** The entries under a location. */
  public List<EntryInfo> entries(Servers servers, URI location) {
    try (var entries = open(servers, location).list()) {
      return entries.toList();
    }
  }

  /**
   * Cuts the output of every entry under a location to half its length, behind the store's back, as
   * a crash or a broken disk would.
   */
  public void truncateOutputs(Servers servers, URI location) throws IOException {
    for (EntryInfo entry : entries(servers, location)) {
      StoredEntry stored = open(servers, location).get(entry.key()).orElseThrow();
      truncateOutput(servers, location, entry.key(), (int) (stored.outputSize() / 2));
    }
  }

  /** Keeps the first {@code keepBytes} bytes of an entry's output, behind the store's back. */
  public void truncateOutput(Servers servers, URI location, EntryKey key, int keepBytes)
      throws IOException {
    rewriteOutput(servers, location, key, bytes -> Arrays.copyOf(bytes, keepBytes));
  }

  /**
   * Replaces an entry's output (the dump, without the object stores' frame) by {@code change}
   * applied to it, behind the store's back: through the file system for the local store, the Hadoop
   * client for HDFS, and the AWS SDK for the object stores, whose frame and metadata are kept.
   */
  public void rewriteOutput(
      Servers servers, URI location, EntryKey key, UnaryOperator<byte[]> change)
      throws IOException {
    String relative = "joblib/" + key.relativePath();
    switch (this) {
      case LOCAL -> {
        Path output = Path.of(location).resolve(relative).resolve("output.joblib");
        Files.write(output, change.apply(Files.readAllBytes(output)));
      }
      case HDFS -> {
        var path =
            new org.apache.hadoop.fs.Path(
                new org.apache.hadoop.fs.Path(location.toString(), relative), "output.joblib");
        FileSystem fs = FileSystem.get(servers.hdfs().uri(), servers.hdfs().clientConfiguration());
        byte[] bytes;
        try (FSDataInputStream in = fs.open(path)) {
          bytes = in.readAllBytes();
        }
        byte[] changed = change.apply(bytes);
        try (FSDataOutputStream out = fs.create(path, true)) {
          out.write(changed);
        }
      }
      case S3, S3A -> {
        String prefix = location.getPath().substring(1);
        String object = prefix + "/" + relative + "/" + EntryFrame.OBJECT_NAME;
        var client = servers.s3().client();
        byte[] whole =
            client.getObjectAsBytes(b -> b.bucket(servers.bucket()).key(object)).asByteArray();
        int header = EntryFrame.FIXED_BYTES + ByteBuffer.wrap(whole, 8, 4).getInt();
        byte[] output = change.apply(Arrays.copyOfRange(whole, header, whole.length));
        byte[] changed = Arrays.copyOf(whole, header + output.length);
        System.arraycopy(output, 0, changed, header, output.length);
        client.putObject(
            b -> b.bucket(servers.bucket()).key(object), RequestBody.fromBytes(changed));
      }
    }
  }
}
