package io.datashard.encryption;

/**
 * A key-management service holding master keys that never leave it: it wraps (encrypts) and unwraps (decrypts)
 * the per-file data keys of an encrypted table. DataShard's envelope encryption calls {@link #wrapKey} once per
 * data file written and {@link #unwrapKey} once per data file read (results are cached per table handle).
 *
 * <p>Implementations: {@link Pkcs12KeyStore} (a local PKCS#12 file, for single hosts and tests) and
 * {@code io.datashard.s3.kms.AwsKmsClient} in {@code datashard-s3} (AWS KMS). Implementations must be
 * thread-safe, and must never put key material (plain or wrapped) in an exception message, a log line or a
 * {@code toString()}; failures are reported as {@link KeyManagementException} naming the master key id.
 * See docs/encryption.md.
 */
public interface KeyManagementClient extends AutoCloseable {

  /**
   * Encrypts a data key with a master key.
   *
   * @param key the plaintext data key (not retained)
   * @param masterKeyId the master key's id (an alias in a key store, a key id or ARN in a KMS)
   * @return the wrapped key: opaque bytes that only {@link #unwrapKey} with the same master key reverses
   * @throws KeyManagementException when the master key is unknown or the service fails
   */
  byte[] wrapKey(byte[] key, String masterKeyId);

  /**
   * Decrypts a data key wrapped by {@link #wrapKey}.
   *
   * @param wrappedKey the wrapped key
   * @param masterKeyId the master key it was wrapped with
   * @return the plaintext data key
   * @throws KeyManagementException when the master key is unknown, is not the key that wrapped these bytes, or
   *     the wrapped bytes were altered
   */
  byte[] unwrapKey(byte[] wrappedKey, String masterKeyId);

  /** @return a short description for messages (kind and location; never a secret) */
  String describe();

  /** Releases resources (HTTP clients); the default does nothing. */
  @Override
  default void close() {
  }
}
