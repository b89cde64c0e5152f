package io.datashard.maintenance;

import io.datashard.ExpireSnapshots;
import io.datashard.Snapshot;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.ops.CommitLoop;
import io.datashard.ops.TableFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ExpireSnapshots} implementation. */
public final class SnapshotExpiry implements ExpireSnapshots {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotExpiry.class);
  /** Iceberg's property for the default age limit. */
  public static final String MAX_SNAPSHOT_AGE_MS = "history.expire.max-snapshot-age-ms";
  public static final long MAX_SNAPSHOT_AGE_MS_DEFAULT = 5L * 24 * 60 * 60 * 1000;
  /** Iceberg's property for the default number of snapshots to keep. */
  public static final String MIN_SNAPSHOTS_TO_KEEP = "history.expire.min-snapshots-to-keep";
  public static final int MIN_SNAPSHOTS_TO_KEEP_DEFAULT = 1;

  private final TableOperations ops;
  private final TableFiles files;
  private Long cutoffMillis;
  private Integer retainLast;
  private final Set<Long> explicitIds = new HashSet<>();
  private boolean deleteFiles = true;

  public SnapshotExpiry(TableOperations ops, TableFiles files) {
    this.ops = ops;
    this.files = files;
  }

  @Override
  public ExpireSnapshots expireOlderThan(Instant cutoff) {
    this.cutoffMillis = cutoff.toEpochMilli();
    return this;
  }

  @Override
  public ExpireSnapshots retainLast(int count) {
    if (count < 1) {
      throw new ValidationException("retainLast must be at least 1, got " + count);
    }
    this.retainLast = count;
    return this;
  }

  @Override
  public ExpireSnapshots expireSnapshotId(long snapshotId) {
    explicitIds.add(snapshotId);
    return this;
  }

  @Override
  public ExpireSnapshots deleteFiles(boolean delete) {
    this.deleteFiles = delete;
    return this;
  }

  @Override
  public Result commit() {
    TableMetadata start = ops.refresh();
    List<Snapshot> expired = new ArrayList<>();
    CommitLoop.Result r = CommitLoop.run(ops, start, "snapshot expiry", (base, attempt) -> {
      expired.clear();
      List<Snapshot> retained = retainedOf(base, expired);
      return expired.isEmpty() ? base : base.withSnapshotsRetained(retained,
          Math.max(System.currentTimeMillis(), base.lastUpdatedMillis()));
    });
    if (expired.isEmpty() || !deleteFiles) {
      return new Result(ids(expired), List.of(), List.of(), List.of());
    }
    return deleteUnreachable(r.metadata(), expired);
  }

  private List<Snapshot> retainedOf(TableMetadata base, List<Snapshot> expired) {
    long cutoff = cutoffMillis != null ? cutoffMillis
        : System.currentTimeMillis() - base.longProperty(MAX_SNAPSHOT_AGE_MS, MAX_SNAPSHOT_AGE_MS_DEFAULT);
    int keep = retainLast != null ? retainLast : Math.max(1, base.intProperty(MIN_SNAPSHOTS_TO_KEEP,
        MIN_SNAPSHOTS_TO_KEEP_DEFAULT));
    Long current = base.currentSnapshotId();
    if (current != null && explicitIds.contains(current)) {
      throw new ValidationException("snapshot " + current + " is the current snapshot and cannot be expired");
    }
    // The newest `keep` snapshots of the current lineage are kept whatever their age.
    Set<Long> protectedIds = new HashSet<>();
    Snapshot s = base.currentSnapshot();
    while (s != null && protectedIds.size() < keep) {
      protectedIds.add(s.snapshotId());
      s = s.parentId() == null ? null : base.snapshot(s.parentId());
    }
    List<Snapshot> retained = new ArrayList<>();
    for (Snapshot snap : base.snapshots()) {
      boolean expire = !protectedIds.contains(snap.snapshotId())
          && (snap.timestampMillis() < cutoff || explicitIds.contains(snap.snapshotId()));
      if (expire) {
        expired.add(snap);
      } else {
        retained.add(snap);
      }
    }
    return retained;
  }

  private Result deleteUnreachable(TableMetadata committed, List<Snapshot> expired) {
    Set<String> liveLists = new HashSet<>();
    Set<String> liveManifests = new HashSet<>();
    Set<String> liveData = new HashSet<>();
    for (Snapshot s : committed.snapshots()) {
      liveLists.add(s.manifestListLocation());
      for (ManifestFile m : files.manifests(s.manifestListLocation())) {
        if (liveManifests.add(m.location())) {
          for (ManifestEntry e : files.entries(m)) {
            if (e.isLive()) {
              liveData.add(e.file().location());
            }
          }
        }
      }
    }
    Set<String> deadLists = new LinkedHashSet<>();
    Set<String> deadManifests = new LinkedHashSet<>();
    Set<String> deadData = new LinkedHashSet<>();
    for (Snapshot s : expired) {
      if (!liveLists.contains(s.manifestListLocation())) {
        deadLists.add(s.manifestListLocation());
      }
      List<ManifestFile> manifests;
      try {
        manifests = files.manifests(s.manifestListLocation());
      } catch (RuntimeException e) {
        LOG.warn("cannot read manifest list {} of expired snapshot {}: {}", s.manifestListLocation(), s.snapshotId(),
            e.getMessage());
        continue;
      }
      for (ManifestFile m : manifests) {
        if (liveManifests.contains(m.location()) || !deadManifests.add(m.location())) {
          continue;
        }
        for (ManifestEntry e : files.entries(m)) {
          if (!liveData.contains(e.file().location())) {
            deadData.add(e.file().location());
          }
        }
      }
    }
    files.deleteQuietly(deadData);
    files.deleteQuietly(deadManifests);
    files.deleteQuietly(deadLists);
    LOG.info("table {}: expired {} snapshots, deleted {} data files, {} manifests, {} manifest lists", ops.tableName(),
        expired.size(), deadData.size(), deadManifests.size(), deadLists.size());
    return new Result(ids(expired), List.copyOf(deadData), List.copyOf(deadManifests), List.copyOf(deadLists));
  }

  private static List<Long> ids(List<Snapshot> snapshots) {
    return snapshots.stream().map(Snapshot::snapshotId).toList();
  }
}
