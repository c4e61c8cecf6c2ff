package dev.joblib.internal.io;

import dev.joblib.PersistenceException;
import dev.joblib.PersistenceException.Reason;
import dev.joblib.spi.Compressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamException;
import java.io.OutputStream;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Writes one dump (see {@link Format}) to a {@link RawOutput}. */
final class DumpWriter {
  private final String compressor;
  private final int level;
  private final byte[] key;
  private final Path path;

  DumpWriter(String compressor, int level, byte[] key, Path path) {
    this.compressor = compressor;
    this.level = level;
    this.key = key;
    this.path = path;
  }

  void write(Object value, RawOutput raw) throws IOException {
    List<Object> blocks = new ArrayList<>();
    byte[] graph = serializeGraph(value, blocks);
    if (key != null) {
      raw.mac(newMac(key));
    }
    byte[] name = compressor.getBytes(StandardCharsets.US_ASCII);
    raw.write(Format.MAGIC);
    raw.write(Format.VERSION);
    raw.write(key != null ? Format.FLAG_SIGNED : 0);
    raw.write(name.length);
    raw.write(name);
    long headerLength = raw.position();
    boolean compressed = !CompressorRegistry.NONE.equals(compressor);
    OutputStream body = raw;
    if (compressed) {
      Compressor c = CompressorRegistry.require(compressor);
      body = c.compress(raw, level);
    }
    Body out = new Body(body, compressed ? null : raw, headerLength);
    out.writeLong(graph.length);
    out.write(graph, 0, graph.length);
    out.writeInt(crc(graph, 0, graph.length));
    writeTable(out, blocks);
    for (Object block : blocks) {
      out.writeBlock(block);
    }
    out.write(Format.END, 0, Format.END.length);
    if (compressed) {
      body.close(); // finishes the compressed frame; RawOutput stays open
    }
    raw.flush();
    if (key != null) {
      byte[] tag = raw.takeMac();
      raw.write(tag);
      raw.flush();
    }
  }

  private static void writeTable(Body out, List<Object> blocks) throws IOException {
    ByteBuffer table = ByteBuffer.allocate(4 + 10 * blocks.size()).order(ByteOrder.LITTLE_ENDIAN);
    table.putInt(blocks.size());
    for (Object block : blocks) {
      int flags = 0;
      if (block instanceof Buffer b) {
        flags = Format.BLOCK_BUFFER | (b.isDirect() ? Format.BLOCK_DIRECT : 0);
      }
      table.put((byte) Primitives.typeOf(block));
      table.put((byte) flags);
      table.putLong(Primitives.length(block));
    }
    out.write(table.array(), 0, table.position());
    out.writeInt(crc(table.array(), 0, table.position()));
  }

  private byte[] serializeGraph(Object value, List<Object> blocks) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    try (GraphOutput oos = new GraphOutput(bytes, blocks)) {
      oos.writeObject(value);
    } catch (NotSerializableException e) {
      throw new PersistenceException(
          Reason.NOT_SERIALIZABLE,
          "cannot dump to " + where(path) + ": class " + e.getMessage() + " is not Serializable",
          path,
          e);
    } catch (ObjectStreamException e) {
      throw new PersistenceException(
          Reason.NOT_SERIALIZABLE, "cannot dump to " + where(path) + ": " + e, path, e);
    } catch (IOException e) {
      throw new PersistenceException(
          Reason.IO, "cannot dump to " + where(path) + ": " + e, path, e);
    }
    return bytes.toByteArray();
  }

  static String where(Path path) {
    return path == null ? "stream" : path.toString();
  }

  static Mac newMac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(Format.MAC);
      mac.init(new SecretKeySpec(key, Format.MAC));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(Format.MAC + " is not available in this JVM", e);
    }
  }

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  /** The object stream, with big primitive arrays and all primitive buffers moved out of band. */
  private static final class GraphOutput extends ObjectOutputStream {
    private final List<Object> blocks;
    private final Map<Object, OutOfBand> seen = new IdentityHashMap<>();

    GraphOutput(OutputStream out, List<Object> blocks) throws IOException {
      super(out);
      this.blocks = blocks;
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      int type = Primitives.typeOf(obj);
      if (type == 0) {
        return obj;
      }
      boolean isBuffer = obj instanceof Buffer;
      if (!isBuffer
          && (long) Primitives.length(obj) * Primitives.size(type) < Format.OUT_OF_BAND_BYTES) {
        return obj;
      }
      return seen.computeIfAbsent(
          obj,
          o -> {
            blocks.add(o);
            return new OutOfBand(blocks.size() - 1);
          });
    }
  }

  /** The body stream, tracking its position for alignment; raw blocks go straight to the file. */
  private static final class Body {
    private final OutputStream out;
    private final RawOutput raw;
    private final long base;
    private final byte[] small = new byte[8];
    private long position;
    private ByteBuffer chunk;

    Body(OutputStream out, RawOutput raw, long base) {
      this.out = out;
      this.raw = raw;
      this.base = base;
    }

    void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      position += len;
    }

    void writeLong(long v) throws IOException {
      ByteBuffer.wrap(small).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
      write(small, 0, 8);
    }

    void writeInt(int v) throws IOException {
      ByteBuffer.wrap(small).order(ByteOrder.LITTLE_ENDIAN).putInt(0, v);
      write(small, 0, 4);
    }

    void writeBlock(Object block) throws IOException {
      int pad = Format.padding(base + position);
      write(new byte[pad], 0, pad);
      int type = Primitives.typeOf(block);
      int count = Primitives.length(block);
      CRC32C crc = new CRC32C();
      if (raw != null) {
        raw.writeElements(block, type, count, crc);
      } else {
        if (chunk == null) {
          chunk = ByteBuffer.allocate(Format.CHUNK);
        }
        int size = Primitives.size(type);
        int perChunk = Format.CHUNK / size;
        for (int done = 0; done < count; ) {
          int n = Math.min(perChunk, count - done);
          chunk.clear();
          Primitives.put(chunk, block, done, n);
          crc.update(chunk.array(), 0, chunk.position());
          out.write(chunk.array(), 0, chunk.position());
          done += n;
        }
      }
      position += (long) count * Primitives.size(type);
      writeInt((int) crc.getValue());
    }
  }
}
