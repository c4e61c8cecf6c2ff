package dev.joblib.internal.memory;

import dev.joblib.spi.EntryKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a signed Memory entry's signature covers besides its output: the entry's key (function id
 * and argument hash), the function's code hash and the exact bytes of its {@code metadata.json}.
 * The output is signed (HMAC-SHA256, the dump format's own signature) under a key derived from the
 * Memory's key and these, so a validly signed output moved to another key, or served with other
 * metadata, fails its check, and the unsigned format does not change.
 */
final class EntrySigning {
  private static final byte[] DOMAIN =
      "joblib Memory entry v1\0".getBytes(StandardCharsets.US_ASCII);

  private EntrySigning() {}

  /**
   * The key an entry's output is signed with: HMAC-SHA256 under the Memory's key of the domain and
   * each length-prefixed field.
   */
  static byte[] entryKey(byte[] key, EntryKey entry, String codeHash, byte[] metadata) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(DOMAIN);
      field(mac, entry.functionId().getBytes(StandardCharsets.UTF_8));
      field(mac, entry.argsId().getBytes(StandardCharsets.UTF_8));
      field(mac, codeHash.getBytes(StandardCharsets.UTF_8));
      field(mac, metadata);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static void field(Mac mac, byte[] bytes) {
    mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    mac.update(bytes);
  }
}
