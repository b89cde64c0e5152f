package io.datashard.update;

import io.datashard.manifest.TableFiles;
import io.datashard.Snapshot;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rewrites the current snapshot's data manifests into as few manifests of about
 * {@code commit.manifest.target-size-bytes} as possible, per partition spec, as one {@code replace} snapshot
 * that changes no data. Useful after many appends with merging disabled, or to drop deleted entries: manifests
 * left holding only deleted entries (what a compaction or delete removed) are dropped even when nothing needs
 * merging. Delete manifests (merge-on-read deletes) are carried as they are.
 */
public final class ManifestRewrite extends SnapshotProducer {
  private final ManifestMerger merger;

  /**
   * @param ops the table's operations
   * @param files the table's file layout
   */
  public ManifestRewrite(TableOperations ops, TableFiles files) {
    super(ops, files);
    this.merger = new ManifestMerger(files);
  }

  /** @return the replace snapshot, or the current snapshot when there was nothing to rewrite */
  public Snapshot commit() {
    TableMetadata start = ops.refresh();
    if (start.currentSnapshot() == null) {
      return null;
    }
    return commitSnapshot(start);
  }

  @Override
  protected String operation() {
    return "manifest rewrite";
  }

  @Override
  protected void prepare(TableMetadata start) {
  }

  @Override
  protected TableMetadata apply(TableMetadata base, int attempt) {
    Snapshot parent = base.currentSnapshot();
    List<ManifestFile> current = new ArrayList<>();
    List<ManifestFile> deleteManifests = new ArrayList<>();
    int dropped = 0;
    for (ManifestFile m : files.manifestsToRead(base, parent, "manifest rewrite")) {
      if (m.hasLiveFiles()) {
        (m.content() == ManifestFile.CONTENT_DATA ? current : deleteManifests).add(m);
      } else {
        dropped++; // only deleted entries (a compaction's record of what it removed): not carried forward
      }
    }
    List<ManifestFile> merged;
    try {
      merged = merger.merge(base, current, snapshotId, commitId + "-a" + attempt, true);
    } finally {
      attemptFiles(merger.written());
    }
    if (merger.written().isEmpty() && dropped == 0) {
      return base; // already compact
    }
    int mergedDataManifests = merged.size();
    merged = new ArrayList<>(merged);
    merged.addAll(deleteManifests); // delete manifests are carried as they are
    long seq = base.lastSequenceNumber() + 1;
    String list = attemptFile(files.manifestListLocation(snapshotId, attempt));
    Long rowIds = files.writeManifestList(list, snapshotId, parent.snapshotId(), seq, merged, base);
    Map<String, String> summary = SnapshotSummary.of("replace", commitId, List.of(), merged, parent);
    summary.put("manifests-replaced",
        Integer.toString(current.size() - (mergedDataManifests - merger.written().size()) + dropped));
    summary.put("manifests-created", Integer.toString(merger.written().size()));
    SnapshotSummary.carryTotalSize(summary, parent, 0);
    return base.withNewCurrentSnapshot(newSnapshot(base, parent, seq, list, summary, rowIds));
  }
}
