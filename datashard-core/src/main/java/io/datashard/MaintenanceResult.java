package io.datashard;

import java.util.ArrayList;
import java.util.List;

/**
 * What one upkeep run did ({@link Table#maintain()}, or the automatic upkeep after appends).
 *
 * @param expiredSnapshotIds snapshots expired
 * @param deletedFiles data files, manifests and manifest lists deleted because only expired snapshots held them
 * @param compactedFiles small data files rewritten by compaction
 * @param compactionOutputFiles the files compaction wrote in their place
 * @param manifestsRewritten whether the current snapshot's manifests were merged
 * @param retiredVersions version files replaced by tombstones
 * @param removedTombstones old tombstones removed ({@link TableProperties#UPKEEP_REMOVE_TOMBSTONES_AFTER_MS})
 * @param metadataBytes bytes a reader loads to plan a scan of the current snapshot (-1: unknown)
 * @param dataBytes bytes of the current snapshot's data files
 * @param millis how long the run took
 * @param notes steps skipped and why
 */
public record MaintenanceResult(List<Long> expiredSnapshotIds, int deletedFiles, int compactedFiles, int compactionOutputFiles,
               boolean manifestsRewritten, int retiredVersions, int removedTombstones, long metadataBytes, long dataBytes,
               long millis, List<String> notes) {
  /** @return whether the run changed the table or its files */
  public boolean changedAnything() {
    return !expiredSnapshotIds.isEmpty() || deletedFiles > 0 || compactedFiles > 0 || manifestsRewritten
        || retiredVersions > 0 || removedTombstones > 0;
  }

  /** @return one line per step, for logs and the CLI */
  public List<String> lines() {
    List<String> l = new ArrayList<>();
    l.add("expired " + expiredSnapshotIds.size() + " snapshots, deleted " + deletedFiles + " files");
    l.add("compacted " + compactedFiles + " small data files into " + compactionOutputFiles);
    l.add(manifestsRewritten ? "rewrote the manifests" : "manifests left as they are");
    l.add("replaced " + retiredVersions + " old version files by tombstones"
        + (removedTombstones > 0 ? ", removed " + removedTombstones + " old tombstones" : ""));
    l.add("metadata " + (metadataBytes < 0 ? "unknown" : metadataBytes + " bytes") + ", data " + dataBytes
        + " bytes, " + millis + " ms");
    notes.forEach(l::add);
    return l;
  }
}
