package dev.joblib.internal.processes;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The wire format between the parent and a worker, over the worker's stdin and stdout: each frame
 * is a marker byte (not ASCII, so that stray text on the worker's stdout is detected at once
 * instead of being read as a length), a 4-byte big-endian length, a 1-byte type and that many
 * payload bytes.
 */
final class Frames {
  /** Parent to worker, the first frame only: the pool's token (see {@link WorkerMain}). */
  static final byte HELLO = 4;

  /** Parent to worker: a serialized batch. */
  static final byte BATCH = 1;

  /** Parent to worker: finish and exit. */
  static final byte EXIT = 2;

  /** Worker to parent: the outcome of the last batch (see {@link Outcomes}). */
  static final byte OUTCOME = 3;

  /**
   * Worker to parent, the first frame only, once the handshake passed and the worker has loaded
   * what it needs to run batches: from now on a batch sent to it starts at once.
   */
  static final byte READY = 5;

  /**
   * Parent to worker, the second frame only, right after {@link #HELLO}: the system properties to
   * set before any task runs (see {@link ForwardedProperties}).
   */
  static final byte PROPERTIES = 6;

  private static final int MARKER = 0xB7;

  /** Refuses frames larger than this: a corrupted length must not allocate gigabytes. */
  static final int MAX_PAYLOAD = Integer.MAX_VALUE - 16;

  private Frames() {}

  /** A received frame. */
  record Frame(byte type, byte[] payload) {}

  static void write(DataOutputStream out, byte type, byte[] payload) throws IOException {
    out.writeByte(MARKER);
    out.writeInt(payload.length);
    out.writeByte(type);
    out.write(payload);
    out.flush();
  }

  /** Reads one frame; null at a clean end of stream (before the first byte of a frame). */
  static Frame read(DataInputStream in) throws IOException {
    return read(in, MAX_PAYLOAD);
  }

  /** Reads one frame of at most {@code maxPayload} bytes; null at a clean end of stream. */
  static Frame read(DataInputStream in, int maxPayload) throws IOException {
    int marker = in.read();
    if (marker < 0) {
      return null;
    }
    if (marker != MARKER) {
      throw new IOException(
          "corrupt frame: expected marker 0xB7, got 0x"
              + Integer.toHexString(marker)
              + " (did something write to the worker's stdout?)");
    }
    int length = in.readInt();
    if (length < 0 || length > maxPayload) {
      throw new IOException("corrupt frame: length " + length + " (at most " + maxPayload + ")");
    }
    byte type = in.readByte();
    byte[] payload = new byte[length];
    try {
      in.readFully(payload);
    } catch (EOFException e) {
      throw new EOFException("stream ended inside a frame of " + length + " bytes");
    }
    return new Frame(type, payload);
  }
}
