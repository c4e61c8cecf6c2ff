package dev.joblib.beam.internal;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.generic.GenericRecord;

/**
 * Authenticates the outcome records of one pipeline: its workers seal each record with an
 * HMAC-SHA256 under a random key made for the pipeline, which travels inside the pipeline's {@link
 * RunBatchFn} and never through the staging directory; the caller reads back only records whose
 * seal checks, so a record planted in the staging directory (a shared {@code hdfs://} or {@code
 * s3://} location others can write) is never deserialized. Whoever can read the pipeline itself
 * (its job graph on the runner) could seal records too.
 */
final class RecordSeal implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String ALGORITHM = "HmacSHA256";
  static final String FIELD = "seal";

  private final byte[] key;

  private RecordSeal(byte[] key) {
    this.key = key;
  }

  /** A seal with a new random key. */
  static RecordSeal random() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new RecordSeal(key);
  }

  /** Seals {@code record} in place (every other field set); returns it. */
  GenericRecord seal(GenericRecord record) {
    record.put(FIELD, ByteBuffer.wrap(mac(record)));
    return record;
  }

  /**
   * Whether {@code record} carries this key's seal over its current fields; false for a record of
   * another shape (a planted file's fields of other types or names).
   */
  boolean isGenuine(GenericRecord record) {
    try {
      Object seal = record.get(FIELD);
      if (!(seal instanceof ByteBuffer buffer)) {
        return false;
      }
      byte[] given = new byte[buffer.remaining()];
      buffer.duplicate().get(given);
      return MessageDigest.isEqual(given, mac(record));
    } catch (RuntimeException otherShape) { // AvroRuntimeException, ClassCastException
      return false;
    }
  }

  /** The MAC over the record's fields, each length-prefixed or flagged absent. */
  private byte[] mac(GenericRecord record) {
    Mac mac;
    try {
      mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is missing from this JVM", e);
    }
    ByteBuffer fixed = ByteBuffer.allocate(3 * Long.BYTES + 2);
    fixed.putLong((Long) record.get("index"));
    fixed.putLong((Long) record.get("runNanos"));
    Object failedIndex = record.get("failedIndex");
    fixed.put((byte) (failedIndex == null ? 0 : 1));
    fixed.putLong(failedIndex == null ? 0 : (Long) failedIndex);
    fixed.put((byte) (Boolean.TRUE.equals(record.get("stopped")) ? 1 : 0));
    mac.update(fixed.array());
    update(mac, record.get("payload"));
    update(mac, record.get("error"));
    return mac.doFinal();
  }

  private static void update(Mac mac, Object bytes) {
    if (bytes == null) {
      mac.update(new byte[] {0});
      return;
    }
    ByteBuffer buffer = ((ByteBuffer) bytes).duplicate();
    mac.update(
        ByteBuffer.allocate(1 + Long.BYTES).put((byte) 1).putLong(buffer.remaining()).array());
    mac.update(buffer);
  }
}
