package io.datashard;

/**
 * A commit could not be made: other writers kept committing first until the retry budget (table properties
 * {@code commit.retry.num-retries} and {@code commit.retry.total-timeout-ms}) ran out, or a concurrent commit
 * made this operation invalid. Nothing of the failed commit is visible.
 */
public class CommitConflictException extends DataShardException {
  private static final long serialVersionUID = 1L;
  private final int attempts;

  public CommitConflictException(String message, int attempts) {
    super(message);
    this.attempts = attempts;
  }

  /** @return how many times the commit was tried */
  public int attempts() {
    return attempts;
  }
}
