package io.datashard.ops;

import io.datashard.Snapshot;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.storage.CommitOutcomeUnknownException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Rewrites the current snapshot's data manifests into as few manifests of about
 * {@code commit.manifest.target-size-bytes} as possible, per partition spec, as one {@code replace} snapshot
 * that changes no data. Useful after many appends with merging disabled, or to drop deleted entries.
 */
public final class ManifestRewrite {
  private final TableOperations ops;
  private final TableFiles files;

  public ManifestRewrite(TableOperations ops, TableFiles files) {
    this.ops = ops;
    this.files = files;
  }

  /** @return the replace snapshot, or the current snapshot when there was nothing to rewrite */
  public Snapshot commit() {
    TableMetadata start = ops.refresh();
    if (start.currentSnapshot() == null) {
      return null;
    }
    long snapshotId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    String commitId = UUID.randomUUID().toString();
    ManifestMerger merger = new ManifestMerger(files);
    String[] list = new String[1];
    boolean success = false;
    boolean keep = false;
    try {
      CommitLoop.Result r = CommitLoop.run(ops, start, "manifest rewrite", new CommitLoop.Attempt() {
        @Override
        public TableMetadata build(TableMetadata base, int attempt) {
          Snapshot parent = base.currentSnapshot();
          List<ManifestFile> current = new ArrayList<>();
          for (ManifestFile m : files.manifestsToRead(base, parent, "manifest rewrite")) {
            if (m.hasLiveFiles()) {
              current.add(m);
            }
          }
          List<ManifestFile> merged = merger.merge(base, current, snapshotId, commitId + "-a" + attempt, true);
          if (merger.written().isEmpty()) {
            return base; // already compact
          }
          long seq = base.lastSequenceNumber() + 1;
          list[0] = files.manifestListLocation(snapshotId, attempt);
          files.writeManifestList(list[0], snapshotId, parent.snapshotId(), seq, merged);
          Map<String, String> summary = SnapshotSummary.of("replace", commitId, List.of(), merged);
          summary.put("manifests-replaced", Integer.toString(current.size() - (merged.size() - merger.written().size())));
          summary.put("manifests-created", Integer.toString(merger.written().size()));
          SnapshotSummary.carryTotalSize(summary, parent, 0);
          Snapshot s = new Snapshot(snapshotId, parent.snapshotId(), seq,
              Math.max(System.currentTimeMillis(), base.lastUpdatedMillis()), list[0], summary, base.currentSchemaId());
          return base.withNewCurrentSnapshot(s);
        }

        @Override
        public void lost(int attempt) {
          files.deleteQuietly(merger.written());
          files.deleteQuietly(List.of(list[0]));
        }

        @Override
        public boolean landed(TableMetadata latest) {
          return latest.snapshot(snapshotId) != null;
        }

        @Override
        public java.util.Collection<String> written() {
          List<String> all = new ArrayList<>(merger.written());
          all.add(list[0]);
          return all;
        }
      });
      success = true;
      Snapshot made = r.metadata().snapshot(snapshotId);
      return made != null ? made : r.metadata().currentSnapshot();
    } catch (CommitOutcomeUnknownException e) {
      keep = true;
      throw e;
    } finally {
      if (!success && !keep) {
        files.deleteQuietly(merger.written());
        if (list[0] != null) {
          files.deleteQuietly(List.of(list[0]));
        }
      }
    }
  }
}
