package io.datashard.storage;

import io.datashard.StorageException;

/**
 * An exclusive create may or may not have happened (timeout, connection reset, 5xx after the request was
 * sent). The commit protocol resolves it by reading the file back and, failing that, by looking for its
 * snapshot in the versions committed since. Users see it only when the store kept failing through all of that;
 * the files of such a commit are then kept (never deleted while they might be referenced), and
 * {@code table.refresh().snapshot(id)} tells whether it landed.
 */
public class CommitOutcomeUnknownException extends StorageException {
  private static final long serialVersionUID = 1L;

  public CommitOutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
