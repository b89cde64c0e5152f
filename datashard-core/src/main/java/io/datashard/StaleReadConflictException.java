package io.datashard;

/**
 * A copy-on-write operation could not commit because a concurrent commit changed the files it had read: removed
 * some of them (compaction, including automatic upkeep's, or another copy-on-write delete rewrote them), or added a
 * delete file that applies to them. Nothing was committed. Running the operation again on the latest version reads
 * the files as they are now, so the result equals running it after that commit; the table's one-shot operations
 * ({@link Table#deleteWhere}, {@link Table#upsert}, {@link Table#overwrite}) do so by themselves, within the table's
 * commit retry count.
 */
public class StaleReadConflictException extends CommitConflictException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what conflicted
   * @param attempts how many times the commit was tried
   */
  public StaleReadConflictException(String message, int attempts) {
    super(message, attempts);
  }
}
