package io.datashard.maintenance;

import io.datashard.ExpireSnapshots;
import io.datashard.Snapshot;
import io.datashard.SnapshotRef;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.update.CommitLoop;
import io.datashard.manifest.TableFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
  /** Iceberg's property for the default age limit of branches and tags other than main (default: forever). */
  public static final String MAX_REF_AGE_MS = "history.expire.max-ref-age-ms";

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
      List<Snapshot> retained = retainedOf(base, expired, expiredRefs, System.currentTimeMillis());
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
    return deleteUnreachable(r.metadata(), expired);
  }

  /**
   * Applies the retention rules of the Apache Iceberg spec: references older than their {@code max-ref-age-ms}
   * (never {@code main}) are removed; every tag keeps its snapshot; every branch keeps the ancestors that are
   * among its newest {@code min-snapshots-to-keep} or younger than its {@code max-snapshot-age-ms} (the branch's
   * own settings first, then this call's {@code retainLast}/{@code expireOlderThan}, then the table's
   * {@code history.expire.*} properties); snapshots on no branch and under no tag expire once older than the
   * cut-off; snapshots named by {@code expireSnapshotId} expire unless a reference keeps them.
   */
  private List<Snapshot> retainedOf(TableMetadata base, List<Snapshot> expired, List<String> expiredRefs, long now) {
    long defaultCutoff = cutoffMillis != null ? cutoffMillis
        : now - base.longProperty(MAX_SNAPSHOT_AGE_MS, MAX_SNAPSHOT_AGE_MS_DEFAULT);
    int defaultKeep = retainLast != null ? retainLast : Math.max(1, base.intProperty(MIN_SNAPSHOTS_TO_KEEP,
        MIN_SNAPSHOTS_TO_KEEP_DEFAULT));
    long defaultMaxRefAge = base.longProperty(MAX_REF_AGE_MS, Long.MAX_VALUE);
    Set<Long> kept = new HashSet<>();
    for (Map.Entry<String, SnapshotRef> e : base.refs().entrySet()) {
      String name = e.getKey();
      SnapshotRef ref = e.getValue();
      Snapshot head = base.snapshot(ref.snapshotId());
      long maxRefAge = ref.maxRefAgeMs() != null ? ref.maxRefAgeMs() : defaultMaxRefAge;
      if (!SnapshotRef.MAIN.equals(name) && head != null && now - head.timestampMillis() > maxRefAge) {
        expiredRefs.add(name);
        continue;
      }
      if (explicitIds.contains(ref.snapshotId())) {
        throw new ValidationException("snapshot " + ref.snapshotId() + " is " + (SnapshotRef.MAIN.equals(name)
            ? "the current snapshot (head of branch 'main')" : "the head of " + ref.type().jsonName() + " '" + name
            + "'") + " and cannot be expired");
      }
      if (ref.isTag()) {
        kept.add(ref.snapshotId());
        continue;
      }
      int keep = ref.minSnapshotsToKeep() != null ? ref.minSnapshotsToKeep() : defaultKeep;
      long cutoff = ref.maxSnapshotAgeMs() != null ? now - ref.maxSnapshotAgeMs() : defaultCutoff;
      int n = 0;
      for (Snapshot s = head; s != null; s = s.parentId() == null ? null : base.snapshot(s.parentId())) {
        if (n >= keep && s.timestampMillis() < cutoff) {
          break;
        }
        kept.add(s.snapshotId());
        n++;
      }
    }
    Long current = base.currentSnapshotId();
    if (current != null && explicitIds.contains(current)) {
      throw new ValidationException("snapshot " + current + " is the current snapshot and cannot be expired");
    }
    if (current != null) {
      kept.add(current); // also for metadata whose refs lack main (written before refs existed)
    }
    List<Snapshot> retained = new ArrayList<>();
    for (Snapshot snap : base.snapshots()) {
      // A named snapshot goes (heads of references were refused above); others go when no reference keeps them
      // and they are older than the cut-off.
      boolean expire = explicitIds.contains(snap.snapshotId())
          || (!kept.contains(snap.snapshotId()) && snap.timestampMillis() < defaultCutoff);
      (expire ? expired : retained).add(snap);
    }
    return retained;
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
