package io.datashard.encryption;

import io.datashard.DataShardException;

/**
 * An encrypted data file failed authentication while being read: a page, a column's metadata or the footer does
 * not match its AES-GCM tag (the file was altered or replaced, or was written with another data key), or the file is
 * encrypted and its manifest entry carries no key. No row of a module that failed authentication is ever returned.
 */
public class DataFileDecryptionException extends DataShardException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, naming the table, the file and the master key id
   * @param cause parquet-java's failure
   */
  public DataFileDecryptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
