package io.datashard;

import java.util.List;
import java.util.Map;

/**
 * A handle on one table. Cheap to create; caches the metadata version it last saw, which {@link #refresh()}
 * (and every commit) brings up to date. Handles are thread-safe, and any number of handles, in any number of
 * processes on any number of machines, may append to one table at once: each commit is atomic and none is
 * lost.
 */
public interface Table {

  /** @return the table's name within its warehouse */
  String name();

  /** @return the table's root location ({@code file:/...} or {@code s3://...}) */
  String location();

  /** @return the current schema */
  Schema schema();

  /** @return the partition spec new data is written with */
  PartitionSpec spec();

  /** @return the table properties */
  Map<String, String> properties();

  /**
   * Appends records as one atomic commit.
   *
   * @param records maps from column name to value (or {@link Row}s)
   * @return the new snapshot
   * @throws RecordValidationException when a record does not fit the schema (nothing is committed and no
   *     data file remains)
   * @throws CommitConflictException when concurrent commits exhausted the retries
   */
  Snapshot appendRecords(List<? extends Map<String, ?>> records);

  /**
   * Appends plain Java objects in one commit: {@code record}s by their components (or classes by their
   * properties), nested records as structs, collections as lists, maps as maps. Read them back with
   * {@code scan().as(Type.class)}.
   *
   * @param objects the objects
   * @return the new snapshot
   * @throws RecordValidationException when an object does not fit the schema (nothing is committed)
   */
  Snapshot appendObjects(List<?> objects);

  /** @return a streaming appender for large or incremental appends committed as one snapshot */
  Appender newAppend();

  /**
   * An appender that commits batches on its own writer threads and answers each with a future (see
   * {@link AsyncAppender}): {@value #ASYNC_WRITER_THREADS} writer threads, at most {@value #ASYNC_MAX_PENDING_ROWS}
   * rows handed over and not yet committed.
   *
   * @return a new async appender; close it to wait for its last commits
   */
  default AsyncAppender newAsyncAppender() {
    return newAsyncAppender(ASYNC_WRITER_THREADS, ASYNC_MAX_PENDING_ROWS);
  }

  /**
   * @param writerThreads how many batches are validated and written at once (batches written while another commits
   *     are committed together)
   * @param maxPendingRows the memory bound: rows handed over and not yet committed
   * @return a new async appender; close it to wait for its last commits
   */
  AsyncAppender newAsyncAppender(int writerThreads, long maxPendingRows);

  /** Default writer threads of {@link #newAsyncAppender()}. */
  int ASYNC_WRITER_THREADS = 4;

  /** Default memory bound of {@link #newAsyncAppender()}, in rows. */
  long ASYNC_MAX_PENDING_ROWS = 100_000;

  /**
   * The change feed: rows inserted, deleted and (with identifier fields) updated by the snapshots in
   * {@code (fromSnapshotExclusive, toSnapshotInclusive]} along the end snapshot's ancestry, oldest first.
   * Close the returned iterator.
   *
   * @param fromSnapshotExclusive start (exclusive), or null for the first snapshot of the end's ancestry
   * @param toSnapshotInclusive end (inclusive), or null for the current snapshot
   * @return the change rows
   * @throws ValidationException when a snapshot of the range is unknown or {@code from} is not an ancestor of
   *     {@code to}
   */
  CloseableIterator<ChangeRow> changes(Long fromSnapshotExclusive, Long toSnapshotInclusive);

  /** @return a scan of the current snapshot (refreshes first) */
  TableScan scan();

  /** @return every snapshot, oldest first */
  List<Snapshot> snapshots();

  /** @return the current snapshot, or null for a table without data */
  Snapshot currentSnapshot();

  /**
   * @param snapshotId a snapshot id
   * @return that snapshot, or null
   */
  Snapshot snapshot(long snapshotId);

  /** @return when each snapshot became current, oldest first */
  List<HistoryEntry> history();

  /** Loads the latest committed version. @return this table */
  Table refresh();

  /**
   * @return the number of rows in the current snapshot: from metadata alone (no data file opened) when the table has
   *     no delete files; with delete files written by another engine (their deleted rows are still counted in the
   *     files' record counts), by reading the files' rows with the deletes applied
   */
  long rowCount();

  /** @return a builder for a schema change, committed by {@link UpdateSchema#commit()} */
  UpdateSchema updateSchema();

  /** @return a builder for a change of table properties, committed by {@link UpdateProperties#commit()} */
  UpdateProperties updateProperties();

  /** @return a builder for partition evolution: a new spec for new data, old files keep theirs */
  UpdatePartitionSpec updateSpec();

  /** @return a builder that expires old snapshots and deletes the files only they referenced */
  ExpireSnapshots expireSnapshots();

  /**
   * Rewrites the current snapshot's manifests into few manifests of about {@code commit.manifest.target-size-bytes}
   * (one {@code replace} snapshot, no data change), so scan planning reads little metadata.
   *
   * @return the new snapshot, or the current one when the manifests were already compact
   */
  Snapshot rewriteManifests();

  /**
   * Rewrites the current snapshot's position deletes into fewer files, rows unchanged: in format version 2 the
   * position delete files of each partition into one; in format version 3 each data file's version 2 position
   * deletes and deletion vector into one deletion vector (for tables upgraded from version 2). One {@code replace}
   * snapshot; a concurrent commit that changed those deletes fails it with {@link StaleReadConflictException}.
   *
   * @return the new snapshot, or the current one when there was nothing to rewrite
   */
  Snapshot rewritePositionDeletes();

  /**
   * @return a builder for compaction: small data files bin-packed into larger ones in one atomic commit, rows
   *     sorted by {@link RewriteDataFiles#sortBy} or else by the table's default {@link #sortOrder()}
   */
  RewriteDataFiles rewriteDataFiles();

  /**
   * Deletes the rows matching a filter, copy-on-write: files whose rows all match are dropped, files with some
   * matching rows are rewritten without them, in one atomic {@code delete} snapshot. SQL semantics: a row for
   * which the filter is null (e.g. {@code x = 5} with x null) is kept. Concurrent appends never conflict.
   *
   * @return the new snapshot, or the current one when no row matched
   * @throws CommitConflictException when a concurrent commit removed or rewrote a file this delete rewrites
   */
  Snapshot deleteWhere(io.datashard.expressions.Expression filter);

  /**
   * Replaces the rows matching a filter with new records, in one atomic {@code overwrite} snapshot.
   *
   * @return the new snapshot
   * @throws RecordValidationException when a record does not fit the schema (nothing is committed)
   * @throws CommitConflictException when a concurrent commit removed or rewrote a file this overwrite rewrites
   */
  Snapshot overwrite(io.datashard.expressions.Expression filter, List<? extends Map<String, ?>> records);

  /**
   * Upserts by the table's identifier fields ({@code updateSchema().setIdentifierFields(...)}): every live row whose
   * identifier values equal those of a given record is deleted and the records are appended, in one
   * {@code overwrite} snapshot (the delete follows {@link TableProperties#DELETE_MODE}: files rewritten, or position
   * deletes written under merge-on-read). Under serializable isolation (the default) a concurrent append of rows
   * with the same keys makes the upsert run again on the latest version, so a key never ends up twice.
   *
   * @param records the new state of each key; each key at most once
   * @return the snapshot
   * @throws ValidationException when the table has no identifier fields, a record lacks one, or a key appears
   *     twice in {@code records} (the message names the key); nothing is committed then
   */
  Snapshot upsert(List<? extends Map<String, ?>> records);

  /** @return the table's branches and tags by name ({@code main} holds the current snapshot) */
  Map<String, SnapshotRef> refs();

  /** @return a builder for branch and tag changes (write-audit-publish, retention), see {@link ManageSnapshots} */
  ManageSnapshots manageSnapshots();

  /** @return the table's default sort order ({@link SortOrder#UNSORTED} when none is set) */
  SortOrder sortOrder();

  /** @return a builder that sets the default sort order, see {@link ReplaceSortOrder} */
  ReplaceSortOrder replaceSortOrder();

  /** @return a transaction: several changes committed as one snapshot, or none */
  Transaction newTransaction();

  /**
   * Starts a removal of orphan files: files under the table's location that no committed version references
   * (left behind by crashed or failed writers) and that are older than a grace period (3 days by default).
   * Nothing happens until {@code execute()}:
   * <pre>{@code table.removeOrphanFiles().olderThan(Duration.ofDays(3)).dryRun(true).execute()}</pre>
   *
   * @return the configurable action
   */
  RemoveOrphanFiles removeOrphanFiles();

  /**
   * Runs the table's upkeep now, on the calling thread, for scheduled runs ({@code datashard maintain}): expires
   * snapshots beyond {@link TableProperties#UPKEEP_MAX_SNAPSHOTS} per branch or older than
   * {@code history.expire.max-snapshot-age-ms} (honouring branches and tags) and deletes the files only they
   * held, compacts the small files of every partition, merges the current snapshot's manifests, replaces version
   * files that fell out of the metadata log by tombstones, and warns when the metadata grows past
   * {@link TableProperties#METADATA_WARN_BYTES}. Each step is an ordinary commit that rebuilds or gives up on a
   * conflict with other writers; readers of an expired snapshot get an error naming it, never wrong rows. The same
   * work runs automatically in the background after appends that cross a threshold (docs/operations.md,
   * "Automatic upkeep").
   *
   * @return what was done
   */
  MaintenanceResult maintain();

  /**
   * Rotates an encrypted table's master key without rewriting data (docs/encryption.md, "Rotating the master key"):
   * sets {@code datashard.encryption.key-id} to the new key (one commit; files written from then on use it), then
   * re-wraps the data key of every live data file with it in new manifests (a second commit that changes no data).
   * Both steps retry on conflicts; running it again re-wraps what a concurrent writer committed with the old key
   * meanwhile, and otherwise does nothing. Older snapshots keep the keys as they were wrapped then: keep the old
   * master key until they are expired.
   *
   * @param newMasterKeyId the new master key's id, known to the warehouse's key management
   * @return the rotation's snapshot and how many files were re-wrapped
   * @throws ValidationException when the table is not encrypted or the id is empty
   * @throws DataShardException naming the key id when a key cannot be used; nothing is committed then and the old
   *     key keeps working
   */
  KeyRotation rotateMasterKey(String newMasterKeyId);

  /**
   * @return per master key id, how many live data files of the current snapshot have their data key wrapped by it
   *     ({@code ""} counts plaintext files); empty for an empty table
   */
  java.util.Map<String, Long> masterKeysInUse();

  /**
   * The files a scan would read, each with a URL that reads it without credentials for {@code ttl}: the data files
   * left after the scan's partition and column-statistics pruning (the same files as {@code scan.report()} counts
   * as read), followed by the delete files (position and equality deletes) that apply to them, since a reader
   * that skipped those would return deleted rows. Rows are not filtered: a URL serves a whole file, so a reader
   * applies the scan's filter itself. Nothing is read but manifests.
   *
   * <pre>{@code
   * for (PresignedFile f : table.presignedFiles(table.scan().filter(equal("day", "2024-05-01")), Duration.ofMinutes(15))) {
   *   System.out.println(f.url());   // read_parquet('<url>') in DuckDB
   * }
   * }</pre>
   *
   * @param scan a scan of this table (its filter, snapshot or ref choose the files; projection and limit do not)
   * @param ttl how long the URLs work: more than zero, at most 7 days on S3
   * @return the files, data files first in the scan's order; empty for an empty table
   * @throws DataShardException when the table's storage cannot presign (local disk), or the TTL is out of range
   */
  java.util.List<PresignedFile> presignedFiles(TableScan scan, java.time.Duration ttl);

  /** Prints the first 20 rows of the current snapshot as an aligned text table. @see TableScan#show(int) */
  default void show() {
    scan().show();
  }

  /** Prints up to {@code maxRows} rows of the current snapshot as an aligned text table. @see TableScan#show(int) */
  default void show(int maxRows) {
    scan().show(maxRows);
  }
}
