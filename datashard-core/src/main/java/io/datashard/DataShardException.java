package io.datashard;

/**
 * Base type of every exception DataShard raises. All are unchecked; catch this type to handle any DataShard
 * failure, or one of its subtypes for a precise case.
 */
public class DataShardException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataShardException(String message) {
    super(message);
  }

  public DataShardException(String message, Throwable cause) {
    super(message, cause);
  }
}
