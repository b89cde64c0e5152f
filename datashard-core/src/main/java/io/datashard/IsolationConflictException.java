package io.datashard;

/**
 * A delete or overwrite could not commit under serializable isolation ({@code write.delete.isolation-level}):
 * a concurrent commit added data files that may hold rows its filter matches. Nothing was committed; running
 * the operation again on the latest version gives a result equal to running it after that commit.
 */
public class IsolationConflictException extends CommitConflictException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what conflicted
   * @param attempts how many times the commit was tried
   */
  public IsolationConflictException(String message, int attempts) {
    super(message, attempts);
  }
}
