package dev.joblib.internal.store;

import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The single-object layout of an entry on object stores (S3, and s3a through Hadoop), where the
 * output and its metadata must appear in one atomic write: an 8-byte magic, the metadata length (4
 * bytes, big-endian), the metadata, then the output.
 */
public final class EntryFrame {
  /** The name of an entry's object below {@code <functionId>/<argsId>/}. */
  public static final String OBJECT_NAME = "entry.joblib";

  /** Bytes before the metadata. */
  public static final int FIXED_BYTES = 12;

  private static final byte[] MAGIC = {'J', 'L', 'B', 'E', 'N', 'T', 'R', 1};

  /** The largest metadata accepted (metadata.json is small; a larger value means corruption). */
  static final int MAX_METADATA_BYTES = 16 << 20;

  private EntryFrame() {}

  /** The header to write before the output: magic, length and metadata. */
  public static byte[] header(byte[] metadata) {
    if (metadata.length > MAX_METADATA_BYTES) {
      throw new IllegalArgumentException(
          "metadata must be at most " + MAX_METADATA_BYTES + " bytes, got " + metadata.length);
    }
    ByteBuffer header = ByteBuffer.allocate(FIXED_BYTES + metadata.length);
    header.put(MAGIC).putInt(metadata.length).put(metadata);
    return header.array();
  }

  /**
   * Reads the metadata length from the first {@link #FIXED_BYTES} bytes of an entry object.
   *
   * @param where the object, for the error message
   * @throws StreamCorruptedException if the bytes are not an entry header
   */
  public static int metadataLength(byte[] prefix, int length, Object where) throws IOException {
    if (length < FIXED_BYTES || !Arrays.equals(prefix, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new StreamCorruptedException(
          "not a joblib entry (bad or missing header, " + length + " bytes read): " + where);
    }
    int metadataLength = ByteBuffer.wrap(prefix, MAGIC.length, 4).getInt();
    if (metadataLength < 0 || metadataLength > MAX_METADATA_BYTES) {
      throw new StreamCorruptedException(
          "not a joblib entry (metadata length " + metadataLength + "): " + where);
    }
    return metadataLength;
  }
}
