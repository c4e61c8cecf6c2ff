package dev.joblib.internal.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;
import javax.crypto.Mac;

/**
 * The byte sink under a dump: a buffer drained to a file channel (direct buffer) or to a stream
 * (heap buffer), counting bytes and feeding the optional MAC. Primitive blocks are copied straight
 * into the buffer.
 */
final class RawOutput extends OutputStream {
  /** A stream's buffer: small, since allocating 1 MiB per dump dominated small dumps. */
  private static final int STREAM_BUFFER = 64 * 1024;

  private final FileChannel channel;
  private final OutputStream stream;
  private final ByteBuffer buf;
  private Mac mac;
  private long written;

  private RawOutput(FileChannel channel, OutputStream stream) {
    this.channel = channel;
    this.stream = stream;
    this.buf =
        channel != null
            ? ByteBuffer.allocateDirect(4 * Format.CHUNK)
            : ByteBuffer.allocate(STREAM_BUFFER);
  }

  static RawOutput of(FileChannel channel) {
    return new RawOutput(channel, null);
  }

  static RawOutput of(OutputStream stream) {
    return new RawOutput(null, stream);
  }

  void mac(Mac mac) {
    this.mac = mac;
  }

  /** Drains, then returns the MAC of every byte so far and stops MACing. */
  byte[] takeMac() throws IOException {
    drain();
    byte[] tag = mac.doFinal();
    mac = null;
    return tag;
  }

  /** Bytes accepted so far. */
  long position() {
    return written + buf.position();
  }

  @Override
  public void write(int b) throws IOException {
    if (!buf.hasRemaining()) {
      drain();
    }
    buf.put((byte) b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (!buf.hasRemaining()) {
        drain();
      }
      int n = Math.min(len, buf.remaining());
      buf.put(b, off, n);
      off += n;
      len -= n;
    }
  }

  /** Writes elements of a primitive array or buffer little-endian, updating {@code crc}. */
  void writeElements(Object src, int type, int count, CRC32C crc) throws IOException {
    int size = Primitives.size(type);
    int done = 0;
    while (done < count) {
      if (buf.remaining() < size) {
        drain();
      }
      int n = Math.min(count - done, buf.remaining() / size);
      int start = buf.position();
      Primitives.put(buf, src, done, n);
      crc.update(buf.duplicate().position(start).limit(buf.position()));
      done += n;
    }
  }

  private void drain() throws IOException {
    buf.flip();
    if (mac != null) {
      mac.update(buf.duplicate());
    }
    written += buf.remaining();
    if (channel != null) {
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    } else {
      stream.write(buf.array(), buf.arrayOffset(), buf.remaining());
    }
    buf.clear();
  }

  /** Drains the buffer and flushes a stream; does not close the destination. */
  @Override
  public void flush() throws IOException {
    drain();
    if (stream != null) {
      stream.flush();
    }
  }

  /** Flushes; the destination stays open (its owner closes it). */
  @Override
  public void close() throws IOException {
    flush();
  }
}
