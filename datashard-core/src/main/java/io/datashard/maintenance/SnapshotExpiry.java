package io.datashard.maintenance;

import io.datashard.ExpireSnapshots;
import io.datashard.Snapshot;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.SnapshotRetention;
import io.datashard.metadata.TableMetadata;
import io.datashard.update.CommitLoop;
import io.datashard.manifest.TableFiles;
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
  public static final String MAX_SNAPSHOT_AGE_MS = SnapshotRetention.MAX_SNAPSHOT_AGE_MS;
  public static final long MAX_SNAPSHOT_AGE_MS_DEFAULT = SnapshotRetention.MAX_SNAPSHOT_AGE_MS_DEFAULT;
  /** Iceberg's property for the default number of snapshots to keep. */
  public static final String MIN_SNAPSHOTS_TO_KEEP = SnapshotRetention.MIN_SNAPSHOTS_TO_KEEP;
  public static final int MIN_SNAPSHOTS_TO_KEEP_DEFAULT = SnapshotRetention.MIN_SNAPSHOTS_TO_KEEP_DEFAULT;
  /** Iceberg's property for the default age limit of branches and tags other than main (default: forever). */
  public static final String MAX_REF_AGE_MS = SnapshotRetention.MAX_REF_AGE_MS;

  private final TableOperations ops;
  private final TableFiles files;
  private io.datashard.commit.CommitGate gate = io.datashard.commit.CommitGate.NONE;
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

  /**
   * @param gate serialises the expiry's commit with the JVM's group commit of the table (automatic upkeep); the
   *     deletion of unreachable files happens after it, outside the gate
   * @return this
   */
  public SnapshotExpiry through(io.datashard.commit.CommitGate gate) {
    this.gate = java.util.Objects.requireNonNull(gate);
    return this;
  }

  @Override
  public Result commit() {
    TableMetadata start = ops.refresh();
    List<Snapshot> expired = new ArrayList<>();
    List<String> expiredRefs = new ArrayList<>();
    TableMetadata[] builtOn = new TableMetadata[1];
    CommitLoop.Result r = gate.exclusively(() -> CommitLoop.run(ops, start, "snapshot expiry", (base, attempt) -> {
      builtOn[0] = base;
      expired.clear();
      expiredRefs.clear();
      long now = Math.max(System.currentTimeMillis(), base.lastUpdatedMillis());
      SnapshotRetention retention = SnapshotRetention.of(base, cutoffMillis, retainLast, explicitIds,
          System.currentTimeMillis());
      expired.addAll(retention.expired());
      expiredRefs.addAll(retention.expiredRefs());
      List<Snapshot> retained = retention.retained();
      if (expired.isEmpty() && expiredRefs.isEmpty()) {
        return base;
      }
      TableMetadata updated = base;
      for (String ref : expiredRefs) {
        updated = updated.withoutRef(ref, now);
      }
      return expired.isEmpty() ? updated : updated.withSnapshotsRetained(retained, now);
    }));
    if (!expiredRefs.isEmpty()) {
      LOG.info("table {}: removed references older than their max-ref-age-ms: {}", ops.tableName(), expiredRefs);
    }
    if (expired.isEmpty() || !deleteFiles) {
      return new Result(ids(expired), List.of(), List.of(), List.of());
    }
    deleteDroppedStatistics(builtOn[0], r.metadata());
    Result deleted = deleteUnreachable(files, r.metadata(), expired);
    LOG.info("table {}: expired {} snapshots, deleted {} data files, {} manifests, {} manifest lists", ops.tableName(),
        expired.size(), deleted.deletedDataFiles().size(), deleted.deletedManifests().size(),
        deleted.deletedManifestLists().size());
    return deleted;
  }

  /** Statistics files whose snapshots expired go with them, as Apache Iceberg's expiry does. */
  private void deleteDroppedStatistics(TableMetadata before, TableMetadata committed) {
    Set<String> kept = new HashSet<>();
    committed.statisticsFiles().forEach(f -> kept.add(f.path()));
    committed.partitionStatisticsFiles().forEach(f -> kept.add(f.path()));
    Set<String> dropped = new LinkedHashSet<>();
    before.statisticsFiles().forEach(f -> dropped.add(f.path()));
    before.partitionStatisticsFiles().forEach(f -> dropped.add(f.path()));
    dropped.removeAll(kept);
    if (!dropped.isEmpty()) {
      files.deleteQuietly(dropped);
      LOG.info("table {}: deleted {} statistics files of expired snapshots", ops.tableName(), dropped.size());
    }
  }

  /**
   * Deletes the manifest lists, manifests and data files of {@code expired} snapshots that no snapshot of
   * {@code committed} reaches. {@code committed} must be the version that removed them or a newer one: files of
   * snapshots added after it are either new or reached from its snapshots.
   */
  static Result deleteUnreachable(TableFiles files, TableMetadata committed, List<Snapshot> expired) {
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
        List<ManifestEntry> entries;
        try {
          entries = files.entries(m);
        } catch (RuntimeException e) {
          // Gone already: another deletion of expired snapshots that shared it ran first (and deleted what only it
          // reached, against a version at least as new). A manifest it cannot read only leaves files behind.
          LOG.debug("cannot read manifest {} of an expired snapshot: {}", m.location(), e.getMessage());
          continue;
        }
        for (ManifestEntry e : entries) {
          if (!liveData.contains(e.file().location())) {
            deadData.add(e.file().location());
          }
        }
      }
    }
    files.deleteQuietly(deadData);
    files.deleteQuietly(deadManifests);
    files.deleteQuietly(deadLists);
    return new Result(ids(expired), List.copyOf(deadData), List.copyOf(deadManifests), List.copyOf(deadLists));
  }

  private static List<Long> ids(List<Snapshot> snapshots) {
    return snapshots.stream().map(Snapshot::snapshotId).toList();
  }
}
