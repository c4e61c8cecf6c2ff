package dev.joblib.internal.io;

import dev.joblib.PersistenceException;
import dev.joblib.PersistenceException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import javax.crypto.Mac;

/**
 * dump/load entry points behind {@code Joblib}: files are written atomically, loads are checked.
 */
public final class Persistence {
  private Persistence() {}

  /**
   * Writes a dump to a file: to a temporary name in the same directory, then moved into place, so
   * that a failure never leaves a partial file under {@code path}.
   *
   * @param value the value
   * @param path the destination
   * @param compressor compressor name or "none"
   * @param level its level
   * @param key HMAC key or null
   */
  public static void dump(Object value, Path path, String compressor, int level, byte[] key) {
    Path abs = path.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      if (dir != null) {
        Files.createDirectories(dir);
      }
      // owner-only while written and after: others may neither read nor swap the data
      Path name =
          abs.resolveSibling(
              "." + abs.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
      try (FileChannel ch =
          dev.joblib.internal.OwnerOnly.open(
              name, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        tmp = name; // ours from here on: deleted below if the dump fails
        new DumpWriter(compressor, level, key, path).write(value, RawOutput.of(ch));
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new PersistenceException(Reason.IO, "cannot dump to " + path + ": " + e, path, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // the original failure is what the caller needs; the temp name starts with a dot
        }
      }
    }
  }

  /**
   * Writes a dump to a stream (not closed).
   *
   * @param value the value
   * @param out the destination
   * @param compressor compressor name or "none"
   * @param level its level
   * @param key HMAC key or null
   */
  public static void dump(
      Object value, OutputStream out, String compressor, int level, byte[] key) {
    try {
      new DumpWriter(compressor, level, key, null).write(value, RawOutput.of(out));
    } catch (IOException e) {
      throw new PersistenceException(Reason.IO, "cannot dump to stream: " + e, null, e);
    }
  }

  /**
   * Loads a dump from a file.
   *
   * @param path the file
   * @param config what the load may do
   * @return the value
   */
  public static Object load(Path path, ReadConfig config) {
    DumpReader reader = new DumpReader(config, path);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      DumpReader.Header header = reader.readHeader(Channels.newInputStream(ch.position(0)));
      long end = size;
      if (header.signed()) {
        end = size - Format.MAC_LENGTH;
        if (end < header.length()) {
          throw reader.fail(Reason.TRUNCATED, "is truncated: its signature is missing", null);
        }
      }
      checkSignature(reader, header, ch, end, config.key());
      reader.headerLength(header.length());
      return reader.readBody(header, RawInput.of(ch, header.length(), end));
    } catch (NoSuchFileException e) {
      throw new PersistenceException(Reason.IO, "cannot load " + path + ": no such file", path, e);
    } catch (IOException e) {
      throw new PersistenceException(Reason.IO, "cannot load " + path + ": " + e, path, e);
    }
  }

  private static void checkSignature(
      DumpReader reader, DumpReader.Header header, FileChannel ch, long end, byte[] key)
      throws IOException {
    if (key == null) {
      return;
    }
    if (!header.signed()) {
      throw reader.fail(
          Reason.BAD_SIGNATURE, "is not signed, but the load requires a signature", null);
    }
    Mac mac = DumpWriter.newMac(key);
    ByteBuffer buf = ByteBuffer.allocateDirect(Format.CHUNK);
    long pos = 0;
    while (pos < end) {
      buf.clear();
      if (end - pos < buf.capacity()) {
        buf.limit((int) (end - pos));
      }
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw reader.fail(Reason.TRUNCATED, "is truncated", null);
      }
      buf.flip();
      mac.update(buf);
      pos += n;
    }
    ByteBuffer tag = ByteBuffer.allocate(Format.MAC_LENGTH);
    while (tag.hasRemaining() && ch.read(tag, end + tag.position()) > 0) {
      // reads the trailer
    }
    if (!MessageDigest.isEqual(mac.doFinal(), tag.array())) {
      throw reader.fail(
          Reason.BAD_SIGNATURE,
          "fails its signature check: it was altered or signed with another key",
          null);
    }
  }

  /**
   * Loads a dump from a stream (not closed). A signed dump to verify is first copied to a temporary
   * file, so nothing is deserialized before its signature is checked.
   *
   * @param in the source
   * @param config what the load may do
   * @return the value
   */
  public static Object load(InputStream in, ReadConfig config) {
    DumpReader reader = new DumpReader(config, null);
    try {
      RawInput raw = RawInput.of(in);
      DumpReader.Header header = reader.readHeader(raw);
      if (config.key() != null) {
        if (!header.signed()) {
          throw reader.fail(
              Reason.BAD_SIGNATURE, "is not signed, but the load requires a signature", null);
        }
        return loadViaTempFile(header, raw, config);
      }
      reader.headerLength(header.length());
      Object value = reader.readBody(header, raw);
      if (header.signed() && CompressorRegistry.NONE.equals(header.compressor())) {
        raw.readNBytes(Format.MAC_LENGTH); // not asked to verify: step over the signature
      }
      return value;
    } catch (IOException e) {
      throw new PersistenceException(Reason.IO, "cannot load stream: " + e, null, e);
    }
  }

  /**
   * The most bytes of a signed stream copied to a temporary file: its body may expand to {@code
   * limit} bytes, and a compressor adds little to incompressible data (1/16 plus 1 MiB is more than
   * any of ours adds).
   */
  static long tempCap(long limit) {
    long cap = limit + limit / 16 + (1 << 20);
    return cap < 0 ? Long.MAX_VALUE : cap;
  }

  private static void copyCapped(InputStream in, OutputStream out, long cap) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long copied = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      copied += n;
      if (copied > cap) {
        throw new PersistenceException(
            Reason.REFUSED,
            "stream is longer than the "
                + cap
                + " bytes a signed dump may take under maxDecompressedBytes (its temporary copy"
                + " stops there; LoadOptions.withMaxDecompressedBytes)",
            null,
            null);
      }
      out.write(buf, 0, n);
    }
  }

  private static Object loadViaTempFile(DumpReader.Header header, RawInput raw, ReadConfig config)
      throws IOException {
    Path tmp = Files.createTempFile("joblib-load-", ".tmp"); // 0600 on POSIX
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        out.write(Format.MAGIC);
        out.write(new byte[] {(byte) header.version(), (byte) Format.FLAG_SIGNED});
        byte[] name = header.compressor().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(name.length);
        out.write(name);
        copyCapped(raw, out, tempCap(config.maxDecompressedBytes()));
      }
      ReadConfig noMmap =
          new ReadConfig(
              false,
              false,
              config.allowed(),
              config.key(),
              config.maxDepth(),
              config.maxReferences(),
              config.maxArrayLength(),
              config.maxDecompressedBytes());
      try {
        return load(tmp, noMmap);
      } catch (PersistenceException e) {
        throw new PersistenceException(
            e.reason(), e.getMessage().replace(tmp.toString(), "stream"), null, e.getCause());
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
