package dev.joblib.stores;

import dev.joblib.internal.store.EntryFrame;
import dev.joblib.spi.EntryKey;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * An entry's bytes as any writer of the store sees them, read and written behind Memory's back: the
 * files {@code output.joblib} and {@code metadata.json} of a directory store, or the one framed
 * object of S3.
 */
final class RawEntries {
  private RawEntries() {}

  /** An entry's output (the dump) and metadata bytes. */
  record Entry(byte[] output, byte[] metadata) {}

  static Entry read(StoreKind kind, StoreKind.Servers servers, URI location, EntryKey key)
      throws IOException {
    String relative = "joblib/" + key.relativePath();
    switch (kind) {
      case LOCAL -> {
        Path dir = Path.of(location).resolve(relative);
        return new Entry(
            Files.readAllBytes(dir.resolve("output.joblib")),
            Files.readAllBytes(dir.resolve("metadata.json")));
      }
      case HDFS -> {
        FileSystem fs = fs(servers);
        var dir = new org.apache.hadoop.fs.Path(location.toString(), relative);
        return new Entry(
            readAll(fs, new org.apache.hadoop.fs.Path(dir, "output.joblib")),
            readAll(fs, new org.apache.hadoop.fs.Path(dir, "metadata.json")));
      }
      default -> {
        byte[] whole =
            servers
                .s3()
                .client()
                .getObjectAsBytes(b -> b.bucket(servers.bucket()).key(object(location, relative)))
                .asByteArray();
        int length = ByteBuffer.wrap(whole, 8, 4).getInt();
        int header = EntryFrame.FIXED_BYTES + length;
        return new Entry(
            Arrays.copyOfRange(whole, header, whole.length),
            Arrays.copyOfRange(whole, EntryFrame.FIXED_BYTES, header));
      }
    }
  }

  /** Writes an entry under {@code key}, replacing what is there, as a writer of the store can. */
  static void write(
      StoreKind kind, StoreKind.Servers servers, URI location, EntryKey key, Entry entry)
      throws IOException {
    String relative = "joblib/" + key.relativePath();
    switch (kind) {
      case LOCAL -> {
        Path dir = Files.createDirectories(Path.of(location).resolve(relative));
        Files.write(dir.resolve("metadata.json"), entry.metadata());
        Files.write(dir.resolve("output.joblib"), entry.output());
      }
      case HDFS -> {
        FileSystem fs = fs(servers);
        var dir = new org.apache.hadoop.fs.Path(location.toString(), relative);
        writeAll(fs, new org.apache.hadoop.fs.Path(dir, "metadata.json"), entry.metadata());
        writeAll(fs, new org.apache.hadoop.fs.Path(dir, "output.joblib"), entry.output());
      }
      default -> {
        byte[] header = EntryFrame.header(entry.metadata());
        byte[] whole = Arrays.copyOf(header, header.length + entry.output().length);
        System.arraycopy(entry.output(), 0, whole, header.length, entry.output().length);
        servers
            .s3()
            .client()
            .putObject(
                b -> b.bucket(servers.bucket()).key(object(location, relative)),
                RequestBody.fromBytes(whole));
      }
    }
  }

  private static String object(URI location, String relative) {
    return location.getPath().substring(1) + "/" + relative + "/" + EntryFrame.OBJECT_NAME;
  }

  private static FileSystem fs(StoreKind.Servers servers) throws IOException {
    return FileSystem.get(servers.hdfs().uri(), servers.hdfs().clientConfiguration());
  }

  private static byte[] readAll(FileSystem fs, org.apache.hadoop.fs.Path path) throws IOException {
    try (FSDataInputStream in = fs.open(path)) {
      return in.readAllBytes();
    }
  }

  private static void writeAll(FileSystem fs, org.apache.hadoop.fs.Path path, byte[] bytes)
      throws IOException {
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write(bytes);
    }
  }
}
