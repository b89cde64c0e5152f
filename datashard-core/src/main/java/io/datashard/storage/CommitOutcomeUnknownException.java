package io.datashard.storage;

import io.datashard.StorageException;

/**
 * An exclusive create may or may not have happened (timeout, connection reset, 5xx after the request was
 * sent). The commit protocol resolves it by reading the file back; users never see this exception.
 */
public class CommitOutcomeUnknownException extends StorageException {
  private static final long serialVersionUID = 1L;

  public CommitOutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
