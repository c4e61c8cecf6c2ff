package dev.joblib;

import dev.joblib.internal.io.CompressorRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Builds dumps an attacker could write: a valid dump of format version 1 (see {@code
 * internal/io/Format.java}) with a length or count field changed and its checksum fixed, so that
 * the load gets past every checksum to the allocation the field asks for.
 */
final class HostileDumps {
  /** Header length of an uncompressed dump: magic, version, flags, name length, "none". */
  static final int NONE_HEADER = 7 + 4;

  private HostileDumps() {}

  /** The uncompressed dump of {@code value}. */
  static byte[] plain(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Joblib.dump(value, out, DumpOptions.defaults().withCompression(Compression.none()));
    return out.toByteArray();
  }

  /** The body (everything after the header) of the uncompressed dump of {@code value}. */
  static byte[] body(Object value) {
    byte[] dump = plain(value);
    byte[] body = new byte[dump.length - NONE_HEADER];
    System.arraycopy(dump, NONE_HEADER, body, 0, body.length);
    return body;
  }

  /** A dump header naming {@code compressor}. */
  static byte[] header(String compressor) {
    byte[] name = compressor.getBytes(StandardCharsets.US_ASCII);
    byte[] h = new byte[7 + name.length];
    h[0] = (byte) 0x89;
    h[1] = 'J';
    h[2] = 'B';
    h[3] = 'L';
    h[4] = 1;
    h[5] = 0;
    h[6] = (byte) name.length;
    System.arraycopy(name, 0, h, 7, name.length);
    return h;
  }

  /** Offset in a body of the block table's count field. */
  static int tableOffset(byte[] body) {
    long graph = le(body).getLong(0);
    return (int) (8 + graph + 4);
  }

  /**
   * Sets the element count of block {@code index} in an uncompressed body and fixes the table's
   * checksum; when {@code cut}, the body ends 96 bytes after the table (the padding and the start
   * of the block's data: a few bytes where gigabytes are declared).
   */
  static byte[] withBlockCount(byte[] body, int index, long count, boolean cut) {
    byte[] b = body.clone();
    int table = tableOffset(b);
    int n = le(b).getInt(table);
    le(b).putLong(table + 4 + 10 * index + 2, count);
    int tableLength = 4 + 10 * n;
    le(b).putInt(table + tableLength, crc(b, table, tableLength));
    int end = Math.min(b.length, table + tableLength + 4 + 96);
    if (!cut) {
      return b;
    }
    byte[] shorter = new byte[end];
    System.arraycopy(b, 0, shorter, 0, end);
    return shorter;
  }

  /** Writes the start of a body: graph length, graph, CRC, a table of the given block counts. */
  static byte[] bodyStart(byte[] graph, int type, long... counts) {
    ByteBuffer b =
        ByteBuffer.allocate(8 + graph.length + 4 + 4 + 10 * counts.length + 4)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(graph.length).put(graph).putInt(crc(graph, 0, graph.length));
    int table = b.position();
    b.putInt(counts.length);
    for (long c : counts) {
      b.put((byte) type).put((byte) 0).putLong(c);
    }
    b.putInt(crc(b.array(), table, b.position() - table));
    return b.array();
  }

  /** The object stream of a dump of {@code value} (the graph section of its body). */
  static byte[] graph(Object value) {
    byte[] body = body(value);
    int length = (int) le(body).getLong(0);
    byte[] g = new byte[length];
    System.arraycopy(body, 8, g, 0, length);
    return g;
  }

  /** A whole uncompressed dump with this graph and no blocks. */
  static byte[] dumpOfGraph(byte[] graph) {
    return concat(header(CompressorRegistry.NONE), bodyStart(graph, 8), "JEND".getBytes());
  }

  /** Header plus {@code body} compressed with {@code compressor} (or not, for "none"). */
  static byte[] dump(String compressor, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      out.write(header(compressor));
      if (CompressorRegistry.NONE.equals(compressor)) {
        out.write(body);
      } else {
        var c = CompressorRegistry.require(compressor);
        try (OutputStream z = c.compress(nonClosing(out), c.defaultLevel())) {
          z.write(body);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static OutputStream nonClosing(OutputStream out) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }
    };
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }
}
