package dev.joblib.internal.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * The byte source under a load: a file channel region read through a direct buffer, or a stream
 * read through a heap buffer. Primitive blocks are copied straight from the buffer into arrays.
 */
final class RawInput extends InputStream {
  private final FileChannel channel;
  private final InputStream stream;
  private final ByteBuffer buf;
  private long next; // channel: file position of the next byte to read into buf
  private final long end; // channel: end of the region

  private RawInput(FileChannel channel, long start, long end, InputStream stream) {
    this.channel = channel;
    this.stream = stream;
    this.next = start;
    this.end = end;
    // sized to the input when it is small: a 1 MiB buffer per load dominated small loads (Memory
    // hits)
    this.buf =
        channel != null
            ? ByteBuffer.allocateDirect(bufferSize(end - start))
            : ByteBuffer.allocate(bufferSize(available(stream)));
    buf.limit(0);
  }

  private static int bufferSize(long expected) {
    return (int) Math.max(512, Math.min(Format.CHUNK, expected + 16));
  }

  private static long available(InputStream stream) {
    try {
      int n = stream.available();
      return n > 0 ? n : Format.CHUNK;
    } catch (IOException e) {
      return Format.CHUNK;
    }
  }

  static RawInput of(FileChannel channel, long start, long end) {
    return new RawInput(channel, start, end, null);
  }

  static RawInput of(InputStream stream) {
    return new RawInput(null, 0, -1, stream);
  }

  boolean isChannel() {
    return channel != null;
  }

  FileChannel channel() {
    return channel;
  }

  /** Channel only: the file position of the next byte {@link #read()} returns. */
  long position() {
    return next - buf.remaining();
  }

  /** Channel only: bytes left in the region. */
  long remaining() {
    return end - position();
  }

  /** Channel only: skips {@code n} bytes. */
  void skipExactly(long n) throws EOFException {
    if (n > remaining()) {
      throw new EOFException("needs " + n + " more bytes, " + remaining() + " left");
    }
    if (n <= buf.remaining()) {
      buf.position(buf.position() + (int) n);
    } else {
      next = position() + n;
      buf.limit(0);
    }
  }

  /**
   * A read of the file or stream underneath that failed (a disk, a network, a storage node), told
   * apart from bytes that read fine but do not decode: the dump may be intact.
   */
  static final class SourceFailure extends IOException {
    private static final long serialVersionUID = 1L;

    SourceFailure(IOException cause) {
      super("reading the source failed: " + cause, cause);
    }
  }

  /** One read of the source. */
  private interface SourceRead {
    int read() throws IOException;
  }

  private static int source(SourceRead read) throws IOException {
    try {
      return read.read();
    } catch (EOFException | SourceFailure e) {
      throw e;
    } catch (IOException e) {
      throw new SourceFailure(e);
    }
  }

  /** Refills so that at least {@code min} bytes are buffered; false if the data ends first. */
  private boolean fill(int min) throws IOException {
    if (buf.remaining() >= min) {
      return true;
    }
    buf.compact();
    try {
      while (buf.position() < min) {
        int n;
        if (channel != null) {
          long left = end - next;
          if (left <= 0) {
            return false;
          }
          if (left < buf.remaining()) {
            buf.limit(buf.position() + (int) left);
          }
          n = source(() -> channel.read(buf, next));
          if (n > 0) {
            next += n;
          }
        } else {
          n =
              source(
                  () ->
                      stream.read(
                          buf.array(), buf.arrayOffset() + buf.position(), buf.remaining()));
          if (n > 0) {
            buf.position(buf.position() + n);
          }
        }
        if (n < 0) {
          return false;
        }
      }
      return true;
    } finally {
      buf.flip();
    }
  }

  @Override
  public int read() throws IOException {
    if (stream != null && !buf.hasRemaining()) {
      return source(stream::read); // no read-ahead: the next dump in the stream stays unread
    }
    if (!fill(1)) {
      return -1;
    }
    return buf.get() & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (stream != null && !buf.hasRemaining()) {
      return source(() -> stream.read(b, off, len));
    }
    if (!fill(1)) {
      return -1;
    }
    int n = Math.min(len, buf.remaining());
    buf.get(b, off, n);
    return n;
  }

  /** Blocks at least this big are copied from a temporary mapping (one copy instead of two). */
  private static final long MAP_THRESHOLD = 4L << 20;

  private static final long WINDOW = 256L << 20;

  /** Reads {@code count} little-endian elements into a new-filled array, updating {@code crc}. */
  void readElements(Object dst, int type, int count, CRC32C crc) throws IOException {
    int size = Primitives.size(type);
    long bytes = (long) count * size;
    if (channel != null && bytes >= MAP_THRESHOLD && bytes <= remaining()) {
      readMapped(dst, size, count, crc);
      return;
    }
    int done = 0;
    while (done < count) {
      if (!fill(size)) {
        throw new EOFException("data ends inside a block of " + count + " elements");
      }
      int n = Math.min(count - done, buf.remaining() / size);
      crc.update(buf.duplicate().limit(buf.position() + n * size));
      Primitives.get(buf, dst, done, n);
      done += n;
    }
  }

  private void readMapped(Object dst, int size, int count, CRC32C crc) throws IOException {
    long start = position();
    int perWindow = (int) (WINDOW / size);
    int perChunk = Format.CHUNK / size;
    for (int done = 0; done < count; ) {
      int inWindow = Math.min(perWindow, count - done);
      java.nio.MappedByteBuffer map =
          channel.map(
              FileChannel.MapMode.READ_ONLY, start + (long) done * size, (long) inWindow * size);
      try {
        for (int k = 0; k < inWindow; ) {
          int n = Math.min(perChunk, inWindow - k);
          crc.update(map.duplicate().position(k * size).limit((k + n) * size));
          map.position(k * size);
          Primitives.get(map, dst, done + k, n);
          k += n;
        }
      } finally {
        Unmapper.unmap(map);
      }
      done += inWindow;
    }
    next = start + (long) count * size;
    buf.limit(0);
  }

  /** Does nothing: the owner of the channel or stream closes it. */
  @Override
  public void close() {}
}
