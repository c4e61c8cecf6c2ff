package dev.joblib;

/**
 * The digest {@link Joblib#hash(Object, HashAlgorithm)} applies to an object's canonical encoding.
 *
 * @since 0.1
 */
public enum HashAlgorithm {
  /** XXH3 128-bit (non-cryptographic, several GB/s): 32 hex characters. The default. */
  XXH3_128,
  /** SHA-256 (cryptographic, for keys an adversary may try to collide): 64 hex characters. */
  SHA_256
}
