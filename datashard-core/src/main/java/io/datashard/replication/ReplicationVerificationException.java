package io.datashard.replication;

import io.datashard.DataShardException;

/** A copied file or version differs from the source: the copy stops before anything refers to it. */
public class ReplicationVerificationException extends DataShardException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what differs
   */
  public ReplicationVerificationException(String message) {
    super(message);
  }
}
