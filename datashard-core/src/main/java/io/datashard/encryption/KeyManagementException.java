package io.datashard.encryption;

import io.datashard.DataShardException;

/**
 * A master or data key could not be used: the key-management client is not configured, does not know the master
 * key, holds a different key under that id, or failed. The message names the table (when known) and the master key
 * id; it never contains key material.
 */
public class KeyManagementException extends DataShardException {
  private static final long serialVersionUID = 1L;

  private final String masterKeyId;

  /**
   * @param masterKeyId the master key concerned (may be null when none is known)
   * @param message what failed, naming the table and the key id
   */
  public KeyManagementException(String masterKeyId, String message) {
    super(message);
    this.masterKeyId = masterKeyId;
  }

  /**
   * @param masterKeyId the master key concerned (may be null when none is known)
   * @param message what failed, naming the table and the key id
   * @param cause the underlying failure (its message must not carry key material either)
   */
  public KeyManagementException(String masterKeyId, String message, Throwable cause) {
    super(message, cause);
    this.masterKeyId = masterKeyId;
  }

  /** @return the master key id concerned, or null */
  public String masterKeyId() {
    return masterKeyId;
  }
}
