package io.datashard.s3;

import io.datashard.StorageException;

/**
 * The object store does not honour {@code PutObject} with {@code If-None-Match: *}, so commits cannot be made
 * safe against concurrent writers. Thrown instead of committing unless the unsafe single-writer mode was chosen.
 */
public class ConditionalWritesUnsupportedException extends StorageException {
  private static final long serialVersionUID = 1L;

  /** @param message what is missing and how to proceed */
  public ConditionalWritesUnsupportedException(String message) {
    super(message);
  }
}
