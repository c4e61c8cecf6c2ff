package dev.joblib.internal.io;

import java.util.Arrays;
import javax.crypto.Mac;

/**
 * Signs an unsigned dump held in memory, after it was written: for Memory, whose signing key
 * depends on the entry's metadata, which records the output's size. The body of a dump does not
 * depend on its signature, so marking the header signed and appending the tag gives the bytes a
 * signed dump would have had; one pass over the bytes, as signing while writing costs.
 */
public final class DumpSigner {
  private DumpSigner() {}

  /** The bytes a signature adds to a dump. */
  public static final int TAG_BYTES = Format.MAC_LENGTH;

  /**
   * Marks the unsigned dump in {@code dump[0, length)} as signed (in place) and returns the tag to
   * append to it.
   *
   * @param dump the bytes of an unsigned dump (its header flag is changed)
   * @param length how many bytes of {@code dump} the dump takes
   * @param key the HMAC-SHA256 key, at least 16 bytes
   * @return the {@value #TAG_BYTES}-byte tag
   * @throws IllegalArgumentException if the bytes are not an unsigned dump
   */
  public static byte[] sign(byte[] dump, int length, byte[] key) {
    if (length < 7
        || !Arrays.equals(dump, 0, Format.MAGIC.length, Format.MAGIC, 0, Format.MAGIC.length)
        || dump[5] != 0) {
      throw new IllegalArgumentException("not an unsigned dump");
    }
    dump[5] = (byte) Format.FLAG_SIGNED;
    Mac mac = DumpWriter.newMac(key);
    mac.update(dump, 0, length);
    return mac.doFinal();
  }
}
