package dev.joblib.internal.io;

import java.nio.charset.StandardCharsets;

/**
 * Constants of the dump format. Version 1:
 *
 * <pre>
 * header   magic 89 'J' 'B' 'L' | version u8 | flags u8 (bit 0 signed) | name length u8 | compressor name
 * body     (through the compressor unless "none")
 *   graph  length u64 | Java object stream | CRC32C u32
 *   table  count u32 | count x (type u8, flags u8, elements u64) | CRC32C u32
 *   blocks per block: zero padding so that data starts 64-byte aligned in the file when
 *          uncompressed | data, little-endian | CRC32C u32
 *   end    'J' 'E' 'N' 'D'
 * trailer  HMAC-SHA256 of every byte before it (signed dumps only)
 * </pre>
 *
 * All integers are little-endian.
 */
final class Format {
  static final byte[] MAGIC = {(byte) 0x89, 'J', 'B', 'L'};
  static final int VERSION = 1;
  static final int FLAG_SIGNED = 1;
  static final int BLOCK_BUFFER = 1;
  static final int BLOCK_DIRECT = 2;
  static final byte[] END = "JEND".getBytes(StandardCharsets.US_ASCII);
  static final int ALIGN = 64;
  static final int MAC_LENGTH = 32;
  static final String MAC = "HmacSHA256";

  /** Primitive arrays at least this long in bytes go out of band; smaller ones stay inline. */
  static final int OUT_OF_BAND_BYTES = 1024;

  /** Size of the copy buffers. */
  static final int CHUNK = 1 << 20;

  private Format() {}

  static int padding(long position) {
    return (int) ((ALIGN - (position % ALIGN)) % ALIGN);
  }
}
