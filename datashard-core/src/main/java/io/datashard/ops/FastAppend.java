package io.datashard.ops;

import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.storage.CommitOutcomeUnknownException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Commits already-written data files as a new {@code append} snapshot (docs/concurrency.md).
 *
 * <p>The new files go into one manifest, written once. Each attempt then builds a manifest list of that
 * manifest plus the base snapshot's manifests, and tries to create the next metadata version exclusively.
 * When another writer got there first, the base is refreshed and the attempt rebuilt on it: an append is valid
 * on any base, so it only ever waits, never fails for a reason other than running out of retries. A failed
 * commit deletes everything it wrote, data files included.
 */
public final class FastAppend {
  private final TableOperations ops;
  private final TableFiles files;
  private final Schema writeSchema;
  private final List<DataFile> dataFiles = new ArrayList<>();
  private final String commitId = UUID.randomUUID().toString();
  private String branch = io.datashard.SnapshotRef.MAIN;
  private int attemptsMade;

  /**
   * @param ops the table's operations
   * @param files the table's file layout
   * @param writeSchema the schema the data files were written with
   */
  public FastAppend(TableOperations ops, TableFiles files, Schema writeSchema) {
    this.ops = ops;
    this.files = files;
    this.writeSchema = writeSchema;
  }

  /**
   * @param name the branch to commit to (created at the current snapshot when it does not exist)
   * @return this
   */
  public FastAppend toBranch(String name) {
    this.branch = java.util.Objects.requireNonNull(name, "branch");
    return this;
  }

  /** Adds a written data file to the commit. */
  public FastAppend appendFile(DataFile file) {
    dataFiles.add(file);
    return this;
  }

  /** @return attempts the last {@link #commit()} made (1 when it won at once) */
  public int attempts() {
    return attemptsMade;
  }

  /**
   * @return the committed snapshot
   * @throws io.datashard.CommitConflictException when the retries ran out; every file of this append is then deleted
   */
  public Snapshot commit() {
    TableMetadata start = ops.current();
    long snapshotId = newSnapshotId();
    List<String> written = new ArrayList<>();
    for (DataFile f : dataFiles) {
      written.add(f.location());
    }
    boolean success = false;
    boolean keepFiles = false;
    ManifestMerger merger = new ManifestMerger(files);
    try {
      List<ManifestFile> newManifests = files.writeAddedManifests(commitId, start, writeSchema, snapshotId, dataFiles);
      newManifests.forEach(m -> written.add(m.location()));
      long addedBytes = dataFiles.stream().mapToLong(DataFile::fileSizeInBytes).sum();
      Snapshot[] made = new Snapshot[1];
      String[] listLocation = new String[1];

      CommitLoop.Result result = CommitLoop.run(ops, start, "append", new CommitLoop.Attempt() {
        @Override
        public TableMetadata build(TableMetadata base, int attempt) {
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
          manifests = merger.merge(base, manifests, snapshotId, commitId + "-a" + attempt);
          listLocation[0] = files.manifestListLocation(snapshotId, attempt);
          files.writeManifestList(listLocation[0], snapshotId, parent == null ? null : parent.snapshotId(), seq,
              manifests);
          Map<String, String> summary = SnapshotSummary.of("append", commitId, dataFiles, manifests);
          SnapshotSummary.carryTotalSize(summary, parent, addedBytes);
          made[0] = new Snapshot(snapshotId, parent == null ? null : parent.snapshotId(), seq,
              Math.max(System.currentTimeMillis(), base.lastUpdatedMillis()), listLocation[0], summary,
              base.currentSchemaId());
          return base.withSnapshotOnBranch(made[0], branch);
        }

        @Override
        public void lost(int attempt) {
          files.deleteQuietly(List.of(listLocation[0]));
          files.deleteQuietly(merger.written());
        }

        @Override
        public boolean landed(TableMetadata latest) {
          return latest.snapshot(snapshotId) != null;
        }

        @Override
        public java.util.Collection<String> written() {
          List<String> all = new ArrayList<>(written);
          all.addAll(merger.written());
          all.add(listLocation[0]);
          return all;
        }
      });
      attemptsMade = result.attempts();
      success = true;
      return result.metadata().snapshot(snapshotId); // the attempt that landed (may be an earlier one)
    } catch (CommitOutcomeUnknownException e) {
      keepFiles = true; // an attempt may still land and reference them; orphan removal reclaims them otherwise
      throw e;
    } finally {
      if (!success && !keepFiles) {
        files.deleteQuietly(written);
        files.deleteQuietly(merger.written());
      }
    }
  }

  private static long newSnapshotId() {
    // Positive, random: unique across writers without coordination.
    return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
  }
}
