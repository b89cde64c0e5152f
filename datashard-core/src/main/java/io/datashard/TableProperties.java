package io.datashard;

/**
 * Table property keys DataShard reads, with their defaults. Keys follow Apache Iceberg's names where Iceberg
 * has one; DataShard's defaults for commit retries are higher than Iceberg's because many writers appending
 * to one table is the normal case here, not the exception.
 */
public final class TableProperties {
  private TableProperties() {
  }

  /**
   * How {@code deleteWhere} (and a transaction's deletes) remove rows, as Apache Iceberg defines the property:
   * {@value #DELETE_MODE_COPY_ON_WRITE} (the default: files holding deleted rows are rewritten without them) or
   * {@value #DELETE_MODE_MERGE_ON_READ} (position delete files name the deleted rows; readers apply them, and
   * compaction folds them in later). See docs/operations.md, "Deleting rows".
   */
  public static final String DELETE_MODE = "write.delete.mode";
  /** {@link #DELETE_MODE}: rewrite the files that hold deleted rows. */
  public static final String DELETE_MODE_COPY_ON_WRITE = "copy-on-write";
  /** {@link #DELETE_MODE}: write position delete files. */
  public static final String DELETE_MODE_MERGE_ON_READ = "merge-on-read";

  /**
   * How {@code upsert} replaces rows, as Apache Iceberg defines the property for merges (Spark's {@code MERGE INTO}
   * follows it too): {@value #DELETE_MODE_COPY_ON_WRITE} or {@value #DELETE_MODE_MERGE_ON_READ} (equality deletes
   * of the keys on unpartitioned tables, position deletes on partitioned ones). When it is not set, upserts follow
   * {@link #DELETE_MODE}. Iceberg's {@code write.update.mode} is honoured by engines' {@code UPDATE} statements;
   * DataShard has none and keeps the property as it is. See docs/operations.md, "Upserts".
   */
  public static final String MERGE_MODE = "write.merge.mode";

  /**
   * Memory a scan may hold for the keys of equality delete files (merge-on-read upserts, or deletes written by other
   * engines), in bytes, estimated per key. A scan whose equality deletes need more fails with a message naming this
   * property instead of running out of heap; compaction (which may need the limit raised once) folds the deletes
   * into the data files. Default: a quarter of the maximum heap, at least 64 MiB.
   */
  public static final String EQUALITY_DELETE_MEMORY_BYTES = "read.datashard.equality-delete-memory-bytes";

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

  /**
   * How many previous metadata files the metadata log keeps. Default 100 (Iceberg's), but a table created with
   * automatic upkeep on gets {@link #UPKEEP_PREVIOUS_VERSIONS_MAX_DEFAULT} set explicitly
   * ({@link #withCreationDefaults}).
   */
  public static final String METADATA_PREVIOUS_VERSIONS_MAX = "write.metadata.previous-versions-max";
  public static final int METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT = 100;

  /**
   * The {@link #METADATA_PREVIOUS_VERSIONS_MAX} a table created with automatic upkeep on gets unless it sets its
   * own: 10. Each previous version is a whole copy of the table's metadata (every kept snapshot), and upkeep
   * replaces the ones that fall out of the log by tombstones; with Iceberg's 100, a table fed by small appends kept
   * 100 near-identical copies, most of its metadata bytes (docs/operations.md, "Automatic upkeep"). No DataShard
   * reader or writer reads a previous version: they are for recovery by hand, and time travel goes by snapshot.
   */
  public static final int UPKEEP_PREVIOUS_VERSIONS_MAX_DEFAULT = 10;

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
   * With group commit on: appends of at most this many rows do not write a data file of their own; their rows,
   * validated and copied, wait for the group's commit, whose leader writes the rows of all such appends of the
   * group into shared files (docs/concurrency.md, "Group commit"). Many concurrent single-row appends then cost one
   * data file and one upload per group instead of one per append. Larger appends write their own files while they
   * are added. 0 turns sharing off.
   */
  public static final String WRITE_GROUP_COMMIT_SHARED_FILE_ROWS = "write.datashard.group-commit.shared-file-rows";
  public static final int WRITE_GROUP_COMMIT_SHARED_FILE_ROWS_DEFAULT = 1000;

  /**
   * Whether to drop the version files that fall out of the metadata log after each commit (Iceberg's key).
   * DataShard replaces them by small tombstones instead of deleting them, so that no version number can be
   * published twice (docs/concurrency.md).
   */
  public static final String METADATA_DELETE_AFTER_COMMIT = "write.metadata.delete-after-commit.enabled";

  /**
   * Whether automatic upkeep runs (docs/operations.md, "Automatic upkeep"): after an append commits and the table
   * crossed one of the thresholds below, the writing JVM keeps the table healthy in the background (on a daemon
   * thread of its {@link Warehouse}, never delaying the append's acknowledgement; each step an ordinary optimistic
   * commit that retries or gives up on conflict): expire snapshots beyond {@link #UPKEEP_MAX_SNAPSHOTS} or older
   * than {@code history.expire.max-snapshot-age-ms} (5 days), compact partitions with
   * {@link #UPKEEP_COMPACT_MIN_FILES} small files, rewrite the manifests when there are more than
   * {@link #UPKEEP_MAX_MANIFESTS}, replace the version files that fell out of the metadata log
   * ({@link #METADATA_PREVIOUS_VERSIONS_MAX}) by tombstones, and delete the files that fell out. On by default, so
   * that a table fed by small appends stays fast without a separate job. A table that must keep one snapshot per
   * append, or its rows in commit order within a partition, sets it to {@code false} (docs/operations.md,
   * "Automatic upkeep").
   */
  public static final String UPKEEP_ENABLED = "write.datashard.upkeep.enabled";
  public static final boolean UPKEEP_ENABLED_DEFAULT = true;

  /**
   * Automatic upkeep keeps at most this many snapshots per branch (the newest; tags keep theirs, a branch's own
   * {@code min-snapshots-to-keep} wins) and expires the rest once there are a quarter more. Default 100.
   */
  public static final String UPKEEP_MAX_SNAPSHOTS = "write.datashard.upkeep.max-snapshots";
  public static final int UPKEEP_MAX_SNAPSHOTS_DEFAULT = 100;

  /**
   * Automatic upkeep compacts a partition once it holds at least this many small data files (smaller than three
   * quarters of {@link #WRITE_TARGET_FILE_SIZE_BYTES}). Default 32.
   */
  public static final String UPKEEP_COMPACT_MIN_FILES = "write.datashard.upkeep.compact.min-files";
  public static final int UPKEEP_COMPACT_MIN_FILES_DEFAULT = 32;

  /**
   * How automatic compaction spares a partition's larger small files: a file joins a compaction only while it holds at
   * most this many times the rows of the smaller files compacted with it, so that a row is rewritten a few times as
   * its partition grows instead of at every compaction (the whole accumulated partition was rewritten every 32
   * appends before: 77 rows written for every row appended over 100,000 single-row appends). 0 merges every small
   * file each time. {@code maintain()} always merges every small file. Default 4.
   */
  public static final String UPKEEP_COMPACT_SIZE_RATIO = "write.datashard.upkeep.compact.size-ratio";
  public static final int UPKEEP_COMPACT_SIZE_RATIO_DEFAULT = 4;

  /** Most data files one automatic compaction reads and rewrites (bounds its time and memory). Default 2,000. */
  public static final String UPKEEP_COMPACT_MAX_FILES = "write.datashard.upkeep.compact.max-files";
  public static final int UPKEEP_COMPACT_MAX_FILES_DEFAULT = 2_000;

  /** Automatic upkeep rewrites the current snapshot's manifests when it has more than this many. Default 8. */
  public static final String UPKEEP_MAX_MANIFESTS = "write.datashard.upkeep.max-manifests";
  public static final int UPKEEP_MAX_MANIFESTS_DEFAULT = 8;

  /**
   * Time budget of one automatic upkeep run in milliseconds: no further step starts once it is spent (a step
   * under way finishes). Default 30,000.
   */
  public static final String UPKEEP_MAX_DURATION_MS = "write.datashard.upkeep.max-duration-ms";
  public static final long UPKEEP_MAX_DURATION_MS_DEFAULT = 30_000;

  /**
   * How long an expired version tombstone stands before upkeep (and {@link Table#maintain()}) removes it, in
   * milliseconds; 0 or less, or absent: never. A table keeps one small tombstone per version it ever published until
   * then (docs/operations.md, "Automatic upkeep"); removing them keeps the number of names in {@code metadata/}
   * bounded by the versions published within this age. Values below twice the writers' base age plus the longest a
   * call to the store can take (90 s on local disk, 8.4 minutes on S3 at its default timeouts) are raised to that. New tables with automatic upkeep get {@link #UPKEEP_REMOVE_TOMBSTONES_AFTER_MS_DEFAULT} set explicitly; set it
   * on an existing table only once every process that writes it runs a DataShard release of 2026-12-05 or later
   * (earlier releases do not bound how old a base they publish on; docs/concurrency.md, "Removing old tombstones").
   */
  public static final String UPKEEP_REMOVE_TOMBSTONES_AFTER_MS = "write.datashard.upkeep.remove-tombstones-after-ms";
  /**
   * 10 minutes: above the least age allowed on S3 at its default timeouts (8.4 minutes), so that the same setting
   * holds on every backend.
   */
  public static final long UPKEEP_REMOVE_TOMBSTONES_AFTER_MS_DEFAULT = 600_000;

  /**
   * Upkeep and {@link Table#maintain()} log a warning when the metadata a reader loads to plan a scan (the current
   * version file, its manifest list and manifests) grows past this many bytes. Default 64 MiB.
   */
  public static final String METADATA_WARN_BYTES = "write.datashard.metadata.warn-bytes";
  public static final long METADATA_WARN_BYTES_DEFAULT = 64L * 1024 * 1024;

  /**
   * The properties a new table is created with: {@code properties}, plus
   * {@code write.metadata.previous-versions-max=}{@value #UPKEEP_PREVIOUS_VERSIONS_MAX_DEFAULT} and
   * {@code write.datashard.upkeep.remove-tombstones-after-ms=}{@value #UPKEEP_REMOVE_TOMBSTONES_AFTER_MS_DEFAULT}
   * when automatic upkeep is on ({@link #UPKEEP_ENABLED}, on unless set to false) and the properties do not set them. Used by every door
   * that creates tables (the library, the Iceberg catalog, the REST server), so that they agree.
   *
   * @param properties the properties asked for
   * @return them with the creation defaults added (a new map; the argument is not changed)
   */
  public static java.util.Map<String, String> withCreationDefaults(java.util.Map<String, String> properties) {
    java.util.Map<String, String> out = new java.util.HashMap<>(properties);
    if (booleanValue(properties, UPKEEP_ENABLED, UPKEEP_ENABLED_DEFAULT)) {
      out.putIfAbsent(METADATA_PREVIOUS_VERSIONS_MAX, Integer.toString(UPKEEP_PREVIOUS_VERSIONS_MAX_DEFAULT));
      out.putIfAbsent(UPKEEP_REMOVE_TOMBSTONES_AFTER_MS, Long.toString(UPKEEP_REMOVE_TOMBSTONES_AFTER_MS_DEFAULT));
    }
    return out;
  }

  /** Iceberg's key for merging small manifests into bigger ones on commit; on unless {@code false}. */
  public static final String MANIFEST_MERGE_ENABLED = "commit.manifest-merge.enabled";

  /** The boolean properties DataShard reads, its own and the Iceberg ones it honours. */
  public static final java.util.Set<String> BOOLEAN_PROPERTIES = java.util.Set.of(UPKEEP_ENABLED, WRITE_GROUP_COMMIT,
      METADATA_DELETE_AFTER_COMMIT, MANIFEST_MERGE_ENABLED);

  /**
   * Reads a boolean property the one way every part of DataShard reads it, which is Apache Iceberg's own
   * ({@code PropertyUtil.propertyAsBoolean}), so an engine and DataShard never disagree about a table: absent is the
   * default, {@code true} in any case is true, and any other value is false.
   *
   * @param properties a table's properties
   * @param key the property
   * @param defaultValue the value when it is absent
   * @return the property's value
   */
  public static boolean booleanValue(java.util.Map<String, String> properties, String key, boolean defaultValue) {
    String value = properties.get(key);
    return value == null ? defaultValue : Boolean.parseBoolean(value);
  }

  /**
   * Reads a whole-number property the one way every part of DataShard reads it: absent, or not a number, is the
   * default.
   *
   * @param properties a table's properties
   * @param key the property
   * @param defaultValue the value when it is absent or not a number
   * @return the property's value
   */
  public static long longValue(java.util.Map<String, String> properties, String key, long defaultValue) {
    String v = properties.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return defaultValue;
    }
  }

  /**
   * Refuses values that {@link #booleanValue} would read in a way their writer probably did not mean: DataShard's
   * own API sets a boolean property ({@link #BOOLEAN_PROPERTIES}) only to {@code true} or {@code false} (any case),
   * because {@code yes}, {@code 1} or {@code " true"} would all read as false.
   *
   * @param properties properties about to be set
   * @throws ValidationException naming the property and the value
   */
  public static void requireValidBooleans(java.util.Map<String, String> properties) {
    for (String key : BOOLEAN_PROPERTIES) {
      String value = properties.get(key);
      if (value != null && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
        throw new ValidationException("table property '" + key + "' must be true or false, not '" + value + "'");
      }
    }
  }
}
