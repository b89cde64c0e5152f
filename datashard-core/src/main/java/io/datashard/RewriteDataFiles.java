package io.datashard;


/**
 * Compaction: bin-packs small data files into files of about the target size, optionally sorting rows, and
 * commits the swap as one atomic {@code replace} snapshot. Appends committed meanwhile survive (the replace is
 * rebuilt on top of them); if a concurrent operation removed a file being compacted, the compaction fails
 * with {@link CommitConflictException} and deletes what it wrote.
 * <pre>{@code
 * RewriteDataFiles.Result r = table.rewriteDataFiles().sortBy("user_id").execute();
 * }</pre>
 */
public interface RewriteDataFiles {
  /** Target size of the new files (default: table property {@code write.target-file-size-bytes}). */
  RewriteDataFiles targetFileSizeBytes(long bytes);

  /** Files at least this large are left alone (default: 75% of the target size). */
  RewriteDataFiles minFileSizeBytes(long bytes);

  /**
   * Also rewrites a data file, whatever its size, when its deletes remove at least this share of its rows (known from
   * deletion vectors and position delete files of that one file); default 0.3, as Iceberg's
   * {@code delete-ratio-threshold}. Rewriting applies the deletes, and the delete files that no longer apply to any
   * live data file are removed in the same commit.
   *
   * @param ratio 0 (exclusive) to 1; above 1 turns it off
   */
  RewriteDataFiles deleteRatioThreshold(double ratio);

  /**
   * Also rewrites a data file, whatever its size, when at least this many delete files apply to it; default off
   * (Iceberg's {@code delete-file-threshold}).
   *
   * @param count 1 or more
   */
  RewriteDataFiles deleteFileThreshold(int count);

  /** Sorts the rows of each rewritten group by these columns (ascending, nulls first). */
  RewriteDataFiles sortBy(String... columns);

  /**
   * Rewrites and commits.
   *
   * @return what was rewritten; {@code snapshot} is null when there was nothing to compact
   */
  Result execute();

  /**
   * @param rewrittenFiles data files removed
   * @param addedFiles data files written
   * @param rewrittenRows rows moved
   * @param snapshot the replace snapshot, or null when nothing was compacted
   */
  record Result(int rewrittenFiles, int addedFiles, long rewrittenRows, Snapshot snapshot) {
  }
}
