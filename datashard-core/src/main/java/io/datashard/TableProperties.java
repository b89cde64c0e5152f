package io.datashard;

/**
 * Table property keys DataShard reads, with their defaults. Keys follow Apache Iceberg's names where Iceberg
 * has one; DataShard's defaults for commit retries are higher than Iceberg's because many writers appending
 * to one table is the normal case here, not the exception.
 */
public final class TableProperties {
  private TableProperties() {
  }

  /** Retries after the first commit attempt before giving up with {@link CommitConflictException}. */
  public static final String COMMIT_NUM_RETRIES = "commit.retry.num-retries";
  public static final int COMMIT_NUM_RETRIES_DEFAULT = 100;

  /** Lower bound of the backoff before a retry, in milliseconds (the first retry waits up to this). */
  public static final String COMMIT_MIN_RETRY_WAIT_MS = "commit.retry.min-wait-ms";
  public static final long COMMIT_MIN_RETRY_WAIT_MS_DEFAULT = 5;

  /** Upper bound of the backoff before a retry, in milliseconds. */
  public static final String COMMIT_MAX_RETRY_WAIT_MS = "commit.retry.max-wait-ms";
  public static final long COMMIT_MAX_RETRY_WAIT_MS_DEFAULT = 2_000;

  /** Total time a commit may keep retrying, in milliseconds. */
  public static final String COMMIT_TOTAL_RETRY_TIME_MS = "commit.retry.total-timeout-ms";
  public static final long COMMIT_TOTAL_RETRY_TIME_MS_DEFAULT = 10 * 60_000;

  /** Parquet compression codec for new data files: zstd, snappy, gzip or uncompressed. */
  public static final String PARQUET_COMPRESSION = "write.parquet.compression-codec";
  public static final String PARQUET_COMPRESSION_DEFAULT = "zstd";

  /** Target size of a data file; a streaming append rolls to a new file when it is reached. */
  public static final String WRITE_TARGET_FILE_SIZE_BYTES = "write.target-file-size-bytes";
  public static final long WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT = 512L * 1024 * 1024;

  /** How many previous metadata files the metadata log keeps. */
  public static final String METADATA_PREVIOUS_VERSIONS_MAX = "write.metadata.previous-versions-max";
  public static final int METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT = 100;

  /**
   * Most data files a partitioned append keeps open at once; when rows of another partition arrive, the
   * least recently used file is completed. Bounds memory to this many Parquet row-group buffers.
   */
  public static final String WRITE_MAX_OPEN_FILES = "write.datashard.max-open-files";
  public static final int WRITE_MAX_OPEN_FILES_DEFAULT = 16;

  /**
   * An {@link Appender} open longer than this (milliseconds) checks before committing that its data files still
   * exist, and fails without committing if orphan-file removal (run with a grace period shorter than the
   * appender's life) deleted one. See docs/concurrency.md, "Every path that deletes files, audited".
   */
  public static final String WRITE_VERIFY_FILES_AFTER_MS = "write.datashard.verify-files-after-ms";
  public static final long WRITE_VERIFY_FILES_AFTER_MS_DEFAULT = 3_600_000L;

  /**
   * Whether concurrent appends to the table within one JVM (through the handles of one {@link Warehouse}) are
   * coalesced into one commit: appends arriving while a commit is in flight go together into the next version,
   * each acknowledged only when its rows are committed (docs/concurrency.md, "Group commit"). Off: every append
   * commits its own snapshot.
   */
  public static final String WRITE_GROUP_COMMIT = "write.datashard.group-commit.enabled";
  public static final boolean WRITE_GROUP_COMMIT_DEFAULT = true;

  /**
   * Whether to drop the version files that fall out of the metadata log after each commit (Iceberg's key).
   * DataShard replaces them by small tombstones instead of deleting them, so that no version number can be
   * published twice (docs/concurrency.md).
   */
  public static final String METADATA_DELETE_AFTER_COMMIT = "write.metadata.delete-after-commit.enabled";
}
