package io.datashard;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Removes old snapshots from a table's metadata and deletes the files only they referenced. The current
 * snapshot is never expired, and a file still referenced by any retained snapshot is never deleted, so
 * readers of retained snapshots and concurrent appenders are unaffected.
 * <pre>{@code
 * ExpireSnapshots.Result r = table.expireSnapshots().expireOlderThan(Duration.ofDays(7)).retainLast(10).commit();
 * }</pre>
 * Defaults follow Iceberg's table properties {@code history.expire.max-snapshot-age-ms} (5 days) and
 * {@code history.expire.min-snapshots-to-keep} (1).
 */
public interface ExpireSnapshots {
  /** Expires snapshots committed before this instant (unless kept by {@link #retainLast(int)}). */
  ExpireSnapshots expireOlderThan(Instant cutoff);

  /** Expires snapshots older than this age. */
  default ExpireSnapshots expireOlderThan(Duration age) {
    return expireOlderThan(Instant.now().minus(age));
  }

  /** Keeps at least this many of the most recent snapshots, whatever their age (at least 1). */
  ExpireSnapshots retainLast(int count);

  /** Expires one snapshot by id, whatever its age (the current snapshot cannot be expired). */
  ExpireSnapshots expireSnapshotId(long snapshotId);

  /** Whether to delete unreferenced files after the commit (default true). */
  ExpireSnapshots deleteFiles(boolean delete);

  /**
   * Commits the new metadata, then deletes the files no retained snapshot references.
   *
   * @return what was expired and deleted
   */
  Result commit();

  /**
   * @param expiredSnapshotIds snapshots removed from the metadata
   * @param deletedDataFiles data files deleted
   * @param deletedManifests manifests deleted
   * @param deletedManifestLists manifest lists deleted
   */
  record Result(List<Long> expiredSnapshotIds, List<String> deletedDataFiles, List<String> deletedManifests,
                List<String> deletedManifestLists) {
  }
}
