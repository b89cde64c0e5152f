package io.datashard.update;

import io.datashard.manifest.TableFiles;
import io.datashard.Snapshot;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.TableMetadata;
import io.datashard.storage.CommitOutcomeUnknownException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The shared skeleton of every operation that produces a snapshot (append, replace/delete/overwrite, manifest
 * rewrite): one random snapshot id and commit id per operation, files written once before the retry loop,
 * per-attempt files (manifest list, rewritten manifests) released when an attempt loses, the unknown-outcome
 * check by snapshot id, and deletion of everything written when the operation fails for certain.
 *
 * <p>Subclasses implement {@link #prepare} (files written once) and {@link #apply} (one attempt on a base,
 * including its conflict validation); {@link #newSnapshot} builds the snapshot record consistently.
 */
public abstract class SnapshotProducer {
  /** The table's operations. */
  protected final TableOperations ops;
  /** The table's file layout. */
  protected final TableFiles files;
  /** Unique per operation; names its manifests. */
  protected final String commitId = UUID.randomUUID().toString();
  /** Unique per operation; the landed check of an unknown outcome looks for it. */
  protected final long snapshotId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
  private final List<String> writtenOnce = new ArrayList<>();
  private final List<String> attemptFiles = new ArrayList<>();
  private int attemptsMade;

  /**
   * @param ops the table's operations
   * @param files the table's file layout
   */
  protected SnapshotProducer(TableOperations ops, TableFiles files) {
    this.ops = ops;
    this.files = files;
  }

  /** @return the operation name used in messages and the summary (append, replace, delete, ...) */
  protected abstract String operation();

  /**
   * Writes what does not depend on the base (data files already written, added manifests).
   *
   * @param start the version the operation starts from
   */
  protected abstract void prepare(TableMetadata start);

  /**
   * Builds one attempt on {@code base}: validates that the change still holds (throwing a
   * {@link io.datashard.CommitConflictException} or validation error if not), writes the attempt's files
   * through {@link #attemptFile} and returns the new metadata, or {@code base} itself when there is nothing to
   * change.
   */
  protected abstract TableMetadata apply(TableMetadata base, int attempt);

  /** Files written that the committed metadata references, kept for the whole operation. */
  protected final void writtenOnce(Collection<String> locations) {
    writtenOnce.addAll(locations);
  }

  /** Registers a file written by the current attempt (released when the attempt loses). */
  protected final String attemptFile(String location) {
    attemptFiles.add(location);
    return location;
  }

  /** Registers files written by the current attempt. */
  protected final void attemptFiles(Collection<String> locations) {
    attemptFiles.addAll(locations);
  }

  /** Called when an attempt lost the race, after its files were released. */
  protected void onLost(int attempt) {
  }

  /** Called when the operation failed for certain, after all its files were deleted. */
  protected void onFailed() {
  }

  /** @return attempts the last {@link #commitSnapshot()} made (1 when it won at once) */
  public int attempts() {
    return attemptsMade;
  }

  /**
   * Builds the snapshot record of an attempt.
   *
   * @param assignedRowIds what {@link TableFiles#writeManifestList(String, long, Long, long, List, TableMetadata)}
   *     returned: the row ids the manifest list assigned (format version 3), or null
   */
  protected final Snapshot newSnapshot(TableMetadata base, Snapshot parent, long sequenceNumber,
                                       String manifestList, Map<String, String> summary, Long assignedRowIds) {
    return new Snapshot(snapshotId, parent == null ? null : parent.snapshotId(), sequenceNumber,
        Math.max(System.currentTimeMillis(), base.lastUpdatedMillis()), manifestList, summary,
        base.currentSchemaId(), assignedRowIds == null ? null : base.nextRowId(), assignedRowIds);
  }

  /**
   * A REST catalog server may commit our snapshot with a manifest list of its own (DataShard's server moves an append
   * built on an older head onto the new head; docs/concurrency.md, "Group commit in the REST server"): the list the
   * last attempt wrote is then referenced by nothing, and deleted like a lost attempt's.
   */
  private void releaseUnusedManifestList(Snapshot made) {
    String prefix = "/snap-" + snapshotId + "-"; // TableFiles.manifestListLocation's names
    List<String> unused = new ArrayList<>();
    for (String f : attemptFiles) {
      if (f.contains(prefix) && !f.equals(made.manifestListLocation())) {
        unused.add(f);
      }
    }
    files.deleteQuietly(unused);
  }

  /**
   * Runs the operation through {@link CommitLoop}.
   *
   * @param start the version to start from
   * @return the committed snapshot
   */
  protected final Snapshot commitSnapshot(TableMetadata start) {
    boolean success = false;
    boolean keepFiles = false;
    try {
      prepare(start);
      CommitLoop.Result result = CommitLoop.run(ops, start, operation(), new CommitLoop.Attempt() {
        @Override
        public TableMetadata build(TableMetadata base, int attempt) {
          attemptFiles.clear();
          return apply(base, attempt);
        }

        @Override
        public void lost(int attempt) {
          files.deleteQuietly(new ArrayList<>(attemptFiles));
          attemptFiles.clear();
          onLost(attempt);
        }

        @Override
        public boolean landed(TableMetadata latest) {
          return latest.snapshot(snapshotId) != null;
        }

        @Override
        public Collection<String> written() {
          List<String> all = new ArrayList<>(writtenOnce);
          all.addAll(attemptFiles);
          return all;
        }
      });
      attemptsMade = result.attempts();
      success = true;
      Snapshot made = result.metadata().snapshot(snapshotId); // the attempt that landed (may be an earlier one)
      if (made != null) {
        releaseUnusedManifestList(made);
      }
      return made != null ? made : result.metadata().currentSnapshot(); // apply returned the base: a no-op
    } catch (CommitOutcomeUnknownException e) {
      keepFiles = true; // an attempt may still land and reference them; orphan removal reclaims them otherwise
      throw e;
    } finally {
      if (!success && !keepFiles) {
        files.deleteQuietly(new ArrayList<>(attemptFiles));
        files.deleteQuietly(writtenOnce);
        onFailed();
      }
    }
  }
}
