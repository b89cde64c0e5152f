package io.datashard.update;

import io.datashard.manifest.TableFiles;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Commits already-written data files as a new {@code append} snapshot (docs/concurrency.md).
 *
 * <p>The new files go into one manifest, written once. Each attempt then builds a manifest list of that
 * manifest plus the base snapshot's manifests, and tries to create the next metadata version exclusively.
 * When another writer got there first, the base is refreshed and the attempt rebuilt on it: an append is valid
 * on any base, so it only ever waits, never fails for a reason other than running out of retries. A failed
 * commit deletes everything it wrote, data files included.
 */
public final class FastAppend extends SnapshotProducer {
  private final Schema writeSchema;
  private final List<DataFile> dataFiles = new ArrayList<>();
  private final ManifestMerger merger;
  private String branch = io.datashard.SnapshotRef.MAIN;
  private List<ManifestFile> newManifests = List.of();
  private int expireBeyond;
  private List<Snapshot> expired = List.of();

  /**
   * @param ops the table's operations
   * @param files the table's file layout
   * @param writeSchema the schema the data files were written with
   */
  public FastAppend(TableOperations ops, TableFiles files, Schema writeSchema) {
    super(ops, files);
    this.writeSchema = writeSchema;
    this.merger = new ManifestMerger(files);
  }

  /**
   * @param name the branch to commit to (created at the current snapshot when it does not exist)
   * @return this
   */
  public FastAppend toBranch(String name) {
    this.branch = java.util.Objects.requireNonNull(name, "branch");
    return this;
  }

  /**
   * Lets the append's version also expire, by automatic upkeep's count rule
   * ({@link io.datashard.metadata.SnapshotRetention#beyondLimit}), the snapshots beyond the newest
   * {@code maxSnapshots} of each branch once the version would carry more than that limit plus a quarter. The
   * version then never carries an unbounded backlog while upkeep is busy or behind. The files of the expired
   * snapshots are left in place: the caller hands {@link #expired()} to whoever deletes the ones no snapshot reaches
   * (automatic upkeep). Nothing is expired when a reference is older than its age limit or a snapshot to expire has
   * a statistics file (upkeep's own expiry removes those).
   *
   * @param maxSnapshots the table's {@code write.datashard.upkeep.max-snapshots}; 0 never expires
   * @return this
   */
  public FastAppend expiringBeyond(int maxSnapshots) {
    this.expireBeyond = Math.max(0, maxSnapshots);
    return this;
  }

  /** @return the snapshots the committed version expired ({@link #expiringBeyond}); empty before the commit */
  public List<Snapshot> expired() {
    return expired;
  }

  /** Adds a written data file to the commit. */
  public FastAppend appendFile(DataFile file) {
    dataFiles.add(file);
    return this;
  }

  /**
   * @return the committed snapshot
   * @throws io.datashard.CommitConflictException when the retries ran out; every file of this append is then deleted
   */
  public Snapshot commit() {
    return commitSnapshot(ops.current());
  }

  @Override
  protected String operation() {
    return "append";
  }

  @Override
  protected void prepare(TableMetadata start) {
    writtenOnce(dataFiles.stream().map(DataFile::location).toList());
    newManifests = files.writeAddedManifests(commitId, start, writeSchema, snapshotId, dataFiles);
    writtenOnce(newManifests.stream().map(ManifestFile::location).toList());
  }

  @Override
  protected TableMetadata apply(TableMetadata base, int attempt) {
    io.datashard.SnapshotRef ref = base.ref(branch);
    if (ref != null && ref.isTag()) {
      throw new io.datashard.ValidationException("'" + branch + "' is a tag, not a branch: appends cannot "
          + "extend it");
    }
    Snapshot parent = ref != null ? base.snapshot(ref.snapshotId()) : base.currentSnapshot();
    long seq = base.lastSequenceNumber() + 1;
    List<ManifestFile> manifests = new ArrayList<>();
    manifests.addAll(newManifests); // sequence numbers unassigned: the list writer gives them seq
    if (parent != null) {
      for (ManifestFile m : files.manifests(parent.manifestListLocation())) {
        if (m.hasLiveFiles()) { // manifests left holding only deletes are not carried forward
          manifests.add(m);
        }
      }
    }
    try {
      manifests = merger.merge(base, manifests, snapshotId, commitId + "-a" + attempt);
    } finally {
      attemptFiles(merger.written());
    }
    String list = attemptFile(files.manifestListLocation(snapshotId, attempt));
    Long rowIds = files.writeManifestList(list, snapshotId, parent == null ? null : parent.snapshotId(), seq, manifests,
        base);
    Map<String, String> summary = SnapshotSummary.of("append", commitId, dataFiles, manifests, parent);
    long addedBytes = dataFiles.stream().mapToLong(DataFile::fileSizeInBytes).sum();
    SnapshotSummary.carryTotalSize(summary, parent, addedBytes);
    TableMetadata updated = base.withSnapshotOnBranch(newSnapshot(base, parent, seq, list, summary, rowIds), branch);
    expired = List.of();
    if (expireBeyond > 0 && io.datashard.metadata.SnapshotRetention.overLimit(updated, expireBeyond)) {
      long now = System.currentTimeMillis();
      io.datashard.metadata.SnapshotRetention r = io.datashard.metadata.SnapshotRetention.beyondLimit(updated,
          expireBeyond, now);
      if (!r.expired().isEmpty() && r.expiredRefs().isEmpty() && !hasStatistics(updated, r.expired())) {
        updated = updated.withSnapshotsRetained(r.retained(), Math.max(now, updated.lastUpdatedMillis()));
        expired = r.expired();
      }
    }
    return updated;
  }

  /** Statistics files of expired snapshots are deleted by upkeep's own expiry, which these appends leave them to. */
  private static boolean hasStatistics(TableMetadata m, List<Snapshot> expired) {
    java.util.Set<Long> ids = new java.util.HashSet<>();
    expired.forEach(s -> ids.add(s.snapshotId()));
    return java.util.stream.Stream.concat(m.statisticsFiles().stream(), m.partitionStatisticsFiles().stream())
        .anyMatch(f -> ids.contains(f.snapshotId()));
  }
}
