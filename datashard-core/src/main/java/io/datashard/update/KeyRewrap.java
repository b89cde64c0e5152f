package io.datashard.update;

import io.datashard.manifest.TableFiles;
import io.datashard.PartitionSpec;
import io.datashard.Snapshot;
import io.datashard.commit.TableOperations;
import io.datashard.encryption.KeyMetadata;
import io.datashard.manifest.ManifestWriter;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.storage.CommitOutcomeUnknownException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Master-key rotation without rewriting data: re-wraps the data key of every live data file of the current
 * snapshot whose key is wrapped by another master key, rewriting only the manifests that list such files, as one
 * {@code replace} snapshot that changes no data. Data files, their bytes and their data keys stay as they are.
 * Idempotent: files already wrapped by the target key are left alone, and a run that finds none commits nothing.
 * See docs/encryption.md, "Rotating the master key".
 */
public final class KeyRewrap {
  private final TableOperations ops;
  private final TableFiles files;
  private final String masterKeyId;
  private int rewrapped;

  /**
   * @param ops the table's operations
   * @param files the table's files (with its key management)
   * @param masterKeyId the master key every data key should be wrapped with afterwards
   */
  public KeyRewrap(TableOperations ops, TableFiles files, String masterKeyId) {
    this.ops = ops;
    this.files = files;
    this.masterKeyId = masterKeyId;
  }

  /** @return how many data keys the last successful attempt re-wrapped */
  public int rewrappedFiles() {
    return rewrapped;
  }

  /** @return the replace snapshot, or the current snapshot (null for an empty table) when nothing needed it */
  public Snapshot commit() {
    TableMetadata start = ops.refresh();
    if (start.currentSnapshot() == null) {
      return null;
    }
    long snapshotId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    String commitId = UUID.randomUUID().toString();
    List<String> written = new ArrayList<>();
    String[] list = new String[1];
    int[] count = new int[1];
    boolean success = false;
    boolean keep = false;
    try {
      CommitLoop.Result r = CommitLoop.run(ops, start, "master key rotation", new CommitLoop.Attempt() {
        @Override
        public TableMetadata build(TableMetadata base, int attempt) {
          files.deleteQuietly(written);
          written.clear();
          count[0] = 0;
          Snapshot parent = base.currentSnapshot();
          List<ManifestFile> result = new ArrayList<>();
          int n = 0;
          for (ManifestFile m : files.manifests(parent.manifestListLocation())) {
            if (m.content() != ManifestFile.CONTENT_DATA || !m.hasLiveFiles() || !needsRewrap(m)) {
              result.add(m);
              continue;
            }
            String location = files.manifestLocation(commitId + "-a" + attempt, ++n);
            written.add(location);
            result.add(rewrite(base, m, location, snapshotId, count));
          }
          if (written.isEmpty()) {
            return base;
          }
          long seq = base.lastSequenceNumber() + 1;
          list[0] = files.manifestListLocation(snapshotId, attempt);
          Long rowIds = files.writeManifestList(list[0], snapshotId, parent.snapshotId(), seq, result, base);
          Map<String, String> summary = SnapshotSummary.of("replace", commitId, List.of(), result, parent);
          summary.put("manifests-replaced", Integer.toString(written.size()));
          summary.put("manifests-created", Integer.toString(written.size()));
          summary.put("datashard.keys-rewrapped", Integer.toString(count[0]));
          summary.put("datashard.master-key-id", masterKeyId);
          SnapshotSummary.carryTotalSize(summary, parent, 0);
          Snapshot s = new Snapshot(snapshotId, parent.snapshotId(), seq,
              Math.max(System.currentTimeMillis(), base.lastUpdatedMillis()), list[0], summary, base.currentSchemaId(),
              rowIds == null ? null : base.nextRowId(), rowIds);
          return base.withNewCurrentSnapshot(s);
        }

        @Override
        public void lost(int attempt) {
          files.deleteQuietly(written);
          written.clear();
          if (list[0] != null) {
            files.deleteQuietly(List.of(list[0]));
          }
        }

        @Override
        public boolean landed(TableMetadata latest) {
          return latest.snapshot(snapshotId) != null;
        }

        @Override
        public java.util.Collection<String> written() {
          List<String> all = new ArrayList<>(written);
          if (list[0] != null) {
            all.add(list[0]);
          }
          return all;
        }
      });
      success = true;
      rewrapped = count[0];
      Snapshot made = r.metadata().snapshot(snapshotId);
      return made != null ? made : r.metadata().currentSnapshot();
    } catch (CommitOutcomeUnknownException e) {
      keep = true;
      throw e;
    } finally {
      if (!success && !keep) {
        files.deleteQuietly(written);
        if (list[0] != null) {
          files.deleteQuietly(List.of(list[0]));
        }
      }
    }
  }

  private boolean needsRewrap(ManifestFile m) {
    for (ManifestEntry e : files.entries(m)) {
      if (e.isLive() && needsRewrap(e.file())) {
        return true;
      }
    }
    return false;
  }

  private boolean needsRewrap(DataFile f) {
    ByteBuffer km = f.keyMetadata();
    return KeyMetadata.isDataShard(km) && !KeyMetadata.parse(km).masterKeyId().equals(masterKeyId);
  }

  private ManifestFile rewrite(TableMetadata base, ManifestFile m, String location, long snapshotId, int[] count) {
    PartitionSpec spec = base.specById(m.specId());
    try (ManifestWriter w = ManifestWriter.create(files.storage().newOutputFile(location), spec, base.schema(),
        snapshotId, m.content() != ManifestFile.CONTENT_DATA, base.formatVersion())) {
      for (ManifestEntry e : files.entries(m)) {
        if (!e.isLive()) {
          continue; // deletes recorded by older snapshots are not carried forward
        }
        DataFile f = e.file();
        if (needsRewrap(f)) {
          f = f.toBuilder().keyMetadata(files.keys().rewrap(f, masterKeyId)).build();
          count[0]++;
        }
        w.existing(f, e.snapshotId(), e.dataSequenceNumber(), e.fileSequenceNumber());
      }
      w.close();
      return w.toManifestFile();
    }
  }
}
