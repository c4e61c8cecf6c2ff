package dev.joblib.internal;

import dev.joblib.spi.SecretOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys for this JVM's caches that tell settings with different secrets apart without holding the
 * secrets: a secret value is replaced by its HMAC-SHA256 under a random key drawn once per JVM, so
 * the key string can be kept, compared and printed, and reveals nothing (not even to a dictionary
 * attack on a weak password, since the HMAC key never leaves this JVM).
 */
public final class Secrets {
  private static final String MAC = "HmacSHA256";

  private Secrets() {}

  /** Drawn on first use: SecureRandom takes a few milliseconds to load. */
  private static final class JvmKey {
    static final byte[] BYTES = newKey();

    private static byte[] newKey() {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      return key;
    }
  }

  /**
   * Returns a fingerprint of a value, stable within this JVM.
   *
   * @param value the value, such as a secret key
   * @return 32 hex digits
   */
  public static String fingerprint(String value) {
    try {
      Mac mac = Mac.getInstance(MAC);
      mac.init(new SecretKeySpec(JvmKey.BYTES, MAC));
      byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + MAC + ", which every JDK has", e);
    }
  }

  /**
   * Prints options for use as a cache key: sorted by name, each secret value (see {@link
   * SecretOptions}) replaced by its {@link #fingerprint}.
   *
   * @param options options by name
   * @return a string equal for equal options, holding no secret value
   */
  public static String cacheKey(Map<String, String> options) {
    StringJoiner out = new StringJoiner(", ", "{", "}");
    new TreeMap<>(options)
        .forEach(
            (name, value) ->
                out.add(
                    name
                        + "="
                        + (SecretOptions.isSecret(name) ? "hmac:" + fingerprint(value) : value)));
    return out.toString();
  }
}
