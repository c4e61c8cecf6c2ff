package dev.joblib.internal.io;

import dev.joblib.PersistenceException;
import dev.joblib.PersistenceException.Reason;
import dev.joblib.spi.ArrayBounds;
import dev.joblib.spi.Compressor;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Reads the body of one dump (see {@link Format}) after its header was checked. */
final class DumpReader {
  private final ReadConfig config;
  private final Path path;

  DumpReader(ReadConfig config, Path path) {
    this.config = config;
    this.path = path;
  }

  /** The header fields the load needs. */
  record Header(int version, boolean signed, String compressor, int length) {}

  Header readHeader(InputStream in) throws IOException {
    byte[] fixed = in.readNBytes(7);
    if (fixed.length < 4 || !Arrays.equals(fixed, 0, 4, Format.MAGIC, 0, 4)) {
      throw fail(Reason.NOT_A_DUMP, "is not a joblib dump (bad magic bytes)", null);
    }
    if (fixed.length < 7) {
      throw fail(Reason.TRUNCATED, "is truncated inside its header", null);
    }
    int version = fixed[4] & 0xff;
    if (version < 1 || version > Format.VERSION) {
      throw fail(
          Reason.UNSUPPORTED_VERSION,
          "has dump format version "
              + version
              + "; this library reads versions 1 to "
              + Format.VERSION
              + " (was it written by a newer joblib?)",
          null);
    }
    int flags = fixed[5] & 0xff;
    if ((flags & ~Format.FLAG_SIGNED) != 0) {
      // no version writes other flags: a set bit is damage, not a feature to ignore
      throw fail(Reason.CORRUPT, "is corrupt: unknown header flags " + flags, null);
    }
    int nameLength = fixed[6] & 0xff;
    byte[] name = in.readNBytes(nameLength);
    if (name.length < nameLength) {
      throw fail(Reason.TRUNCATED, "is truncated inside its header", null);
    }
    String compressor = new String(name, StandardCharsets.US_ASCII);
    return new Header(version, (flags & Format.FLAG_SIGNED) != 0, compressor, 7 + nameLength);
  }

  /** Reads the body from {@code raw} (positioned just after the header). */
  Object readBody(Header header, RawInput raw) {
    try {
      boolean compressed = !CompressorRegistry.NONE.equals(header.compressor());
      InputStream body = raw;
      if (compressed) {
        Compressor c = CompressorRegistry.find(header.compressor());
        if (c == null) {
          throw fail(
              Reason.UNKNOWN_COMPRESSOR,
              "is compressed with '"
                  + header.compressor()
                  + "', which is not registered; known: "
                  + CompressorRegistry.names(),
              null);
        }
        body =
            new BoundedInput(
                decompressor(c, header.compressor(), raw), config.maxDecompressedBytes());
      }
      fromFile = raw.isChannel();
      return parse(body, compressed || !raw.isChannel() ? null : raw);
    } catch (PersistenceException e) {
      throw e;
    } catch (BoundedInput.LimitException e) {
      throw fail(Reason.REFUSED, e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      // our allocations are made only for bytes that arrived, so this is a value too big for the
      // heap or a class whose readObject allocates what its bytes declare; the partial value is
      // garbage once this unwinds
      throw fail(
          Reason.REFUSED,
          "does not fit in this JVM's heap (max "
              + Runtime.getRuntime().maxMemory()
              + " bytes): "
              + e.getMessage(),
          e);
    } catch (EOFException e) {
      throw fail(Reason.TRUNCATED, "is truncated: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      RawInput.SourceFailure source = sourceFailure(e);
      if (source != null) {
        throw fail(Reason.IO, "could not be read: " + source.getCause(), source);
      }
      throw fail(Reason.CORRUPT, "is corrupt: " + e, e);
    }
  }

  /**
   * The decompressing stream; a registered compressor whose optional library is missing from this
   * JVM is reported as a missing class (the dump is fine, other JVMs read it).
   */
  private InputStream decompressor(Compressor c, String name, RawInput raw) throws IOException {
    try {
      return c.decompress(raw);
    } catch (IllegalStateException | LinkageError e) {
      throw fail(
          Reason.CLASS_NOT_FOUND,
          "is compressed with '" + name + "', whose library this JVM lacks: " + e.getMessage(),
          e);
    }
  }

  /** The failed read of the source behind {@code e} (a decompressor may wrap it), or null. */
  private static RawInput.SourceFailure sourceFailure(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof RawInput.SourceFailure failure) {
        return failure;
      }
    }
    return null;
  }

  private Object parse(InputStream body, RawInput raw) throws IOException {
    long graphLength = readLong(body);
    if (graphLength < 0
        || graphLength > Integer.MAX_VALUE - 8
        || (raw != null && graphLength > raw.remaining())) {
      throw fail(Reason.CORRUPT, "is corrupt: object stream length " + graphLength, null);
    }
    checkDeclared(body, graphLength, "an object stream");
    // read in chunks (InputStream.readNBytes): a length with no bytes behind it costs nothing
    byte[] graph = readExactly(body, (int) graphLength, "the object stream");
    checkCrc(body, graph, "the object stream");
    int count = readInt(body);
    if (count < 0 || count > graphLength / 4 || count > (Integer.MAX_VALUE - 8) / 10) {
      throw fail(Reason.CORRUPT, "is corrupt: block count " + count, null);
    }
    byte[] table = new byte[4 + 10 * count];
    ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN).putInt(count);
    byte[] entries = readExactly(body, 10 * count, "the block table");
    System.arraycopy(entries, 0, table, 4, entries.length);
    checkCrc(body, table, "the block table");
    checkDeclared(body, graphLength + declaredBytes(table, count), "sections");
    ByteBuffer t = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
    t.getInt();
    Object[] blocks = new Object[count];
    for (int i = 0; i < count; i++) {
      blocks[i] = readBlock(body, raw, i, t.get() & 0xff, t.get() & 0xff, t.getLong());
    }
    byte[] end = readExactly(body, 4, "the end marker");
    if (!Arrays.equals(end, Format.END)) {
      throw fail(Reason.CORRUPT, "is corrupt: bad end marker", null);
    }
    if (raw == null && fromFile && body.read() != -1) {
      // reading to the end makes the decompressor check its own trailer (length, checksum)
      throw fail(Reason.CORRUPT, "is corrupt: data follows the end marker", null);
    }
    if (raw != null && raw.remaining() != 0) {
      throw fail(
          Reason.CORRUPT, "is corrupt: " + raw.remaining() + " unexpected trailing bytes", null);
    }
    return deserialize(graph, blocks);
  }

  private Object readBlock(
      InputStream body, RawInput raw, int index, int type, int flags, long count)
      throws IOException {
    if (type < Primitives.BOOLEAN || type > Primitives.DOUBLE || (flags & ~3) != 0) {
      throw fail(Reason.CORRUPT, "is corrupt: block " + index + " has type " + type, null);
    }
    if (count < 0 || count > config.maxArrayLength() || count > Integer.MAX_VALUE - 8) {
      throw fail(
          Reason.REFUSED,
          "holds block "
              + index
              + " of "
              + count
              + " elements, over maxArrayLength "
              + config.maxArrayLength(),
          null);
    }
    int size = Primitives.size(type);
    long bytes = count * size;
    boolean isBuffer = (flags & Format.BLOCK_BUFFER) != 0;
    if (raw != null) {
      long pad = Format.padding(raw.position());
      if (pad + bytes + 4 > raw.remaining()) {
        throw fail(
            Reason.TRUNCATED,
            "is truncated: block "
                + index
                + " needs "
                + (pad + bytes + 4)
                + " bytes, "
                + raw.remaining()
                + " left",
            null);
      }
      checkPadding(readExactly(raw, (int) pad, "block padding"), index);
      if (isBuffer && config.mmap() && type != Primitives.BOOLEAN) {
        FileChannel ch = raw.channel();
        ByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, raw.position(), bytes);
        raw.skipExactly(bytes);
        int stored = readInt(raw);
        // the mapping is handed out, not copied: only a check here catches a damaged block
        if (config.checkMapped() && stored != crcOf(mapped)) {
          throw fail(Reason.CORRUPT, "is corrupt: checksum mismatch in block " + index, null);
        }
        return Primitives.view(mapped, type);
      }
    } else {
      // position in the body is not tracked for compressed data: read the padding we wrote
      // (its length is implied by the writer's alignment, recomputed from the stream position)
      skipPadding(body, index);
    }
    CRC32C crc = new CRC32C();
    Object array;
    if (raw != null) {
      array = Primitives.newArray(type, (int) count); // its bytes are there: checked above
      raw.readElements(array, type, (int) count, crc);
    } else {
      array = readElements(body, type, (int) count, crc);
    }
    bodyPosition += bytes;
    int stored = readInt(body);
    if (stored != (int) crc.getValue()) {
      throw fail(Reason.CORRUPT, "is corrupt: checksum mismatch in block " + index, null);
    }
    return isBuffer ? toBuffer(array, type, (flags & Format.BLOCK_DIRECT) != 0) : array;
  }

  private long bodyPosition;
  private boolean fromFile;
  private long headerLength;

  void headerLength(long length) {
    this.headerLength = length;
  }

  private static int crcOf(ByteBuffer block) {
    CRC32C crc = new CRC32C();
    crc.update(block.duplicate());
    return (int) crc.getValue();
  }

  private void skipPadding(InputStream body, int index) throws IOException {
    int pad = Format.padding(headerLength + bodyPosition);
    checkPadding(readExactly(body, pad, "block padding"), index);
  }

  /** The writer pads with zeros; anything else is damage (padding is outside every checksum). */
  private void checkPadding(byte[] padding, int index) {
    for (byte b : padding) {
      if (b != 0) {
        throw fail(Reason.CORRUPT, "is corrupt: non-zero padding before block " + index, null);
      }
    }
  }

  /**
   * Reads a block from a stream or a decompressor, whose length is unknown: the array starts at
   * {@link #FIRST_ALLOCATION} bytes at most and doubles as its bytes arrive, so a declared count
   * with no data behind it costs at most that much, and a real block at most 1.5 times its size at
   * the last doubling.
   */
  private static Object readElements(InputStream body, int type, int count, CRC32C crc)
      throws IOException {
    int size = Primitives.size(type);
    int perChunk = Format.CHUNK / size;
    int capacity = Math.min(count, FIRST_ALLOCATION / size);
    Object array = Primitives.newArray(type, capacity);
    byte[] chunk = new byte[(int) Math.min(Format.CHUNK, (long) count * size)];
    for (int done = 0; done < count; ) {
      if (done == capacity) {
        capacity = (int) Math.min(count, 2L * capacity);
        array = Primitives.copyOf(array, type, capacity);
      }
      int n = Math.min(perChunk, capacity - done);
      int got = body.readNBytes(chunk, 0, n * size);
      if (got < n * size) {
        throw new EOFException("data ends inside a block of " + count + " elements");
      }
      crc.update(chunk, 0, n * size);
      Primitives.get(ByteBuffer.wrap(chunk, 0, n * size), array, done, n);
      done += n;
    }
    return array;
  }

  /** What a block read from a stream may allocate before its bytes have arrived. */
  static final int FIRST_ALLOCATION = 8 << 20;

  /** The bytes the block table declares (a corrupt count is caught by the block reader). */
  private static long declaredBytes(byte[] table, int count) {
    ByteBuffer t = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
    long total = 0;
    for (int i = 0; i < count; i++) {
      int type = t.get(4 + 10 * i) & 0xff;
      long elements = t.getLong(4 + 10 * i + 2);
      if (type >= Primitives.BOOLEAN && type <= Primitives.DOUBLE && elements > 0) {
        total = saturatedAdd(total, saturatedMultiply(elements, Primitives.size(type)));
      }
    }
    return total;
  }

  /** A compressed body declaring more than it may expand to is refused before it is read. */
  private void checkDeclared(InputStream body, long bytes, String what) {
    if (body instanceof BoundedInput && bytes > config.maxDecompressedBytes()) {
      throw fail(
          Reason.REFUSED,
          "declares "
              + what
              + " of "
              + bytes
              + " bytes, over maxDecompressedBytes "
              + config.maxDecompressedBytes()
              + " (LoadOptions.withMaxDecompressedBytes)",
          null);
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }

  private static long saturatedMultiply(long a, long b) {
    return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
  }

  private static Buffer toBuffer(Object array, int type, boolean direct) {
    if (direct) {
      int size = Primitives.size(type);
      int n = Primitives.length(array);
      ByteBuffer d = ByteBuffer.allocateDirect(n * size).order(ByteOrder.LITTLE_ENDIAN);
      Primitives.put(d, array, 0, n);
      d.flip();
      return Primitives.view(d, type);
    }
    switch (type) {
      case Primitives.BYTE:
        return ByteBuffer.wrap((byte[]) array);
      case Primitives.CHAR:
        return java.nio.CharBuffer.wrap((char[]) array);
      case Primitives.SHORT:
        return java.nio.ShortBuffer.wrap((short[]) array);
      case Primitives.INT:
        return java.nio.IntBuffer.wrap((int[]) array);
      case Primitives.LONG:
        return java.nio.LongBuffer.wrap((long[]) array);
      case Primitives.FLOAT:
        return java.nio.FloatBuffer.wrap((float[]) array);
      case Primitives.DOUBLE:
        return java.nio.DoubleBuffer.wrap((double[]) array);
      default:
        throw new IllegalArgumentException("no buffer of booleans");
    }
  }

  private Object deserialize(byte[] graph, Object[] blocks) {
    LoadFilter filter =
        new LoadFilter(
            config.allowed(), config.maxDepth(), config.maxReferences(), config.maxArrayLength());
    ArrayBounds bounds = new ArrayBounds(graph.length);
    try (GraphInput in = new GraphInput(new ByteArrayInputStream(graph), blocks, bounds)) {
      in.setObjectInputFilter(bounds.then(filter));
      return in.readObject();
    } catch (InvalidClassException e) {
      if (bounds.refused() != null) {
        throw fail(Reason.REFUSED, "was refused: " + bounds.refused(), e);
      }
      if (filter.refused() != null) {
        throw fail(Reason.REFUSED, "was refused by the load filter: " + filter.refused(), e);
      }
      throw fail(Reason.CORRUPT, "holds an incompatible class: " + e.getMessage(), e);
    } catch (ClassNotFoundException e) {
      throw fail(
          Reason.CLASS_NOT_FOUND,
          "holds class " + e.getMessage() + ", which is not on the classpath",
          e);
    } catch (IOException | RuntimeException e) {
      if (bounds.refused() != null) {
        throw fail(Reason.REFUSED, "was refused: " + bounds.refused(), e);
      }
      if (filter.refused() != null) {
        throw fail(Reason.REFUSED, "was refused by the load filter: " + filter.refused(), e);
      }
      throw fail(Reason.CORRUPT, "is corrupt: the object stream cannot be read: " + e, e);
    }
  }

  private void checkCrc(InputStream body, byte[] data, String what) throws IOException {
    int stored = readInt(body);
    if (stored != DumpWriter.crc(data, 0, data.length)) {
      throw fail(Reason.CORRUPT, "is corrupt: checksum mismatch in " + what, null);
    }
  }

  private byte[] readExactly(InputStream in, int n, String what) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw fail(Reason.TRUNCATED, "is truncated inside " + what, null);
    }
    bodyPosition += n;
    return b;
  }

  private long readLong(InputStream in) throws IOException {
    return ByteBuffer.wrap(readExactly(in, 8, "a length")).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private int readInt(InputStream in) throws IOException {
    return ByteBuffer.wrap(readExactly(in, 4, "a length or checksum"))
        .order(ByteOrder.LITTLE_ENDIAN)
        .getInt();
  }

  PersistenceException fail(Reason reason, String what, Throwable cause) {
    return new PersistenceException(reason, DumpWriter.where(path) + " " + what, path, cause);
  }

  /** The object stream, with out-of-band placeholders replaced by their blocks. */
  private static final class GraphInput extends ObjectInputStream {
    private final Object[] blocks;
    private final ArrayBounds bounds;

    GraphInput(InputStream in, Object[] blocks, ArrayBounds bounds) throws IOException {
      super(in);
      this.blocks = blocks;
      this.bounds = bounds;
      enableResolveObject(true);
    }

    @Override
    protected Object resolveObject(Object obj) throws IOException {
      if (obj instanceof OutOfBand ref) {
        if (ref.index() < 0 || ref.index() >= blocks.length) {
          throw new InvalidObjectException(
              "reference to block " + ref.index() + " of " + blocks.length);
        }
        bounds.replacing(blocks[ref.index()]);
        return blocks[ref.index()];
      }
      return obj;
    }
  }
}
