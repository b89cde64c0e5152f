package io.datashard.ops;

import io.datashard.CommitConflictException;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.commit.RetryPolicy;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits already-written data files as a new {@code append} snapshot (DESIGN.md "Commit protocol" steps 2-6).
 *
 * <p>The new files go into one manifest, written once. Each attempt then builds a manifest list of that
 * manifest plus the base snapshot's manifests, and tries to create the next metadata version exclusively.
 * When another writer got there first, the base is refreshed and the attempt rebuilt on it: an append is valid
 * on any base, so it only ever waits, never fails for a reason other than running out of retries. A failed
 * commit deletes everything it wrote, data files included.
 */
public final class FastAppend {
  private static final Logger LOG = LoggerFactory.getLogger(FastAppend.class);

  private final TableOperations ops;
  private final TableFiles files;
  private final Schema writeSchema;
  private final List<DataFile> dataFiles = new ArrayList<>();
  private final String commitId = UUID.randomUUID().toString();
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
   * @throws CommitConflictException when the retries ran out; every file of this append is then deleted
   */
  public Snapshot commit() {
    TableMetadata base = ops.current();
    RetryPolicy policy = RetryPolicy.of(base);
    long snapshotId = newSnapshotId();
    List<String> written = new ArrayList<>();
    for (DataFile f : dataFiles) {
      written.add(f.location());
    }
    long started = System.nanoTime();
    boolean success = false;
    // Set once an attempt's exclusive create ended with an unknown outcome: that version file may still appear
    // (a request landing late), so nothing this append wrote may be deleted unless it is proven absent.
    CommitOutcomeUnknownException unresolved = null;
    try {
      ManifestFile manifest = files.writeAddedManifest(files.manifestLocation(commitId, 0), base.spec(), writeSchema,
          snapshotId, dataFiles);
      written.add(manifest.location());
      long addedBytes = dataFiles.stream().mapToLong(DataFile::fileSizeInBytes).sum();
      for (int attempt = 1; ; attempt++) {
        attemptsMade = attempt;
        Snapshot parent = base.currentSnapshot();
        long seq = base.lastSequenceNumber() + 1;
        List<ManifestFile> manifests = new ArrayList<>();
        manifests.add(manifest); // sequence numbers unassigned: the list writer gives it seq
        if (parent != null) {
          manifests.addAll(files.manifests(parent.manifestListLocation()));
        }
        String listLocation = files.manifestListLocation(snapshotId, attempt);
        files.writeManifestList(listLocation, snapshotId, parent == null ? null : parent.snapshotId(), seq,
            manifests);
        Map<String, String> summary = SnapshotSummary.of("append", commitId, dataFiles, manifests);
        SnapshotSummary.carryTotalSize(summary, parent, addedBytes);
        Snapshot snapshot = new Snapshot(snapshotId, parent == null ? null : parent.snapshotId(), seq,
            Math.max(System.currentTimeMillis(), base.lastUpdatedMillis()), listLocation, summary,
            base.currentSchemaId());
        TableMetadata committed;
        try {
          committed = ops.commit(base, base.withNewCurrentSnapshot(snapshot));
        } catch (CommitOutcomeUnknownException e) {
          unresolved = e;
          committed = null;
        }
        if (committed != null) {
          success = true;
          if (attempt > 1) {
            LOG.debug("table {}: append committed as v{} after {} attempts", ops.tableName(), committed.version(),
                attempt);
          }
          return snapshot;
        }
        if (unresolved != null) {
          // Every later version carries our snapshot if any attempt of ours landed.
          TableMetadata latest;
          try {
            latest = ops.refresh();
          } catch (RuntimeException e) {
            throw new CommitOutcomeUnknownException("table " + ops.tableName() + ": cannot tell whether snapshot "
                + snapshotId + " was committed: the store failed while checking (" + e.getMessage() + "); look for"
                + " it with table.refresh().snapshot(id)", e);
          }
          Snapshot mine = latest.snapshot(snapshotId);
          if (mine != null) {
            success = true;
            LOG.info("table {}: append with an unknown outcome was found committed as snapshot {}", ops.tableName(),
                snapshotId);
            return mine;
          }
        } else {
          files.deleteQuietly(List.of(listLocation));
        }
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        if (attempt > policy.numRetries() || elapsedMillis > policy.totalTimeoutMillis()) {
          if (unresolved != null) {
            throw new CommitOutcomeUnknownException("table " + ops.tableName() + ": append of snapshot " + snapshotId
                + " not committed after " + attempt + " attempts, and the store did not say whether an earlier"
                + " attempt took effect; its files are kept (orphan-file removal reclaims them if it did not)",
                unresolved);
          }
          throw new CommitConflictException("table " + ops.tableName() + ": append not committed after " + attempt
              + " attempts in " + elapsedMillis + " ms; other writers kept committing first (raise "
              + "commit.retry.num-retries / commit.retry.total-timeout-ms, or batch appends)", attempt);
        }
        policy.sleepBeforeRetry(attempt);
        base = ops.refresh();
      }
    } finally {
      if (!success) {
        if (unresolved == null) {
          files.deleteQuietly(written);
        } else {
          LOG.warn("table {}: keeping the files of snapshot {}: an attempt with an unknown outcome may still land",
              ops.tableName(), snapshotId);
        }
      }
    }
  }

  private static long newSnapshotId() {
    // Positive, random: unique across writers without coordination.
    return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
  }
}
