package io.datashard.ops;

import io.datashard.Snapshot;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds snapshot summaries with the keys Iceberg writes (operation, added-*, total-*). */
final class SnapshotSummary {
  private SnapshotSummary() {
  }

  /**
   * @param operation {@code append}, {@code overwrite}, {@code delete} or {@code replace}
   * @param commitId the unique id of this commit
   * @param added the files this snapshot adds
   * @param manifests every manifest of the new snapshot (totals are computed from their counts)
   * @return the summary
   */
  static Map<String, String> of(String operation, String commitId, List<DataFile> added, List<ManifestFile> manifests) {
    long addedRecords = 0;
    long addedBytes = 0;
    for (DataFile f : added) {
      addedRecords += f.recordCount();
      addedBytes += f.fileSizeInBytes();
    }
    long totalRecords = 0;
    long totalFiles = 0;
    for (ManifestFile m : manifests) {
      totalRecords += m.addedRowsCount() + m.existingRowsCount();
      totalFiles += m.addedFilesCount() + m.existingFilesCount();
    }
    Map<String, String> s = new LinkedHashMap<>();
    s.put("operation", operation);
    s.put("added-data-files", Long.toString(added.size()));
    s.put("added-records", Long.toString(addedRecords));
    s.put("added-files-size", Long.toString(addedBytes));
    s.put("changed-partition-count", Long.toString(added.stream().map(DataFile::partition).distinct().count()));
    s.put("total-records", Long.toString(totalRecords));
    s.put("total-data-files", Long.toString(totalFiles));
    s.put("total-delete-files", "0");
    s.put("total-position-deletes", "0");
    s.put("total-equality-deletes", "0");
    s.put(Snapshot.COMMIT_ID_PROP, commitId);
    s.put("engine-name", "datashard");
    return s;
  }

  /** Sets total-files-size: manifest lists do not record file sizes, so it is carried forward from the parent. */
  static void carryTotalSize(Map<String, String> summary, Snapshot parent, long addedBytes) {
    long parentSize = parent == null ? 0 : parent.summaryLong("total-files-size");
    summary.put("total-files-size", Long.toString(parentSize + addedBytes));
  }
}
