package io.datashard.update;

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
   * @param added the files this snapshot adds (data files, and position or equality delete files)
   * @param manifests every manifest of the new snapshot (totals are computed from their counts)
   * @param parent the snapshot it follows (its delete totals are carried), or null
   * @return the summary
   */
  static Map<String, String> of(String operation, String commitId, List<DataFile> added, List<ManifestFile> manifests,
                                Snapshot parent) {
    long addedRecords = 0;
    long addedBytes = 0;
    long addedDataFiles = 0;
    long addedDeleteFiles = 0;
    long addedPositionDeletes = 0;
    long addedEqualityDeletes = 0;
    for (DataFile f : added) {
      addedBytes += f.fileSizeInBytes();
      if (f.content() == DataFile.CONTENT_DATA) {
        addedDataFiles++;
        addedRecords += f.recordCount();
      } else {
        addedDeleteFiles++;
        if (f.content() == DataFile.CONTENT_POSITION_DELETES) {
          addedPositionDeletes += f.recordCount();
        } else {
          addedEqualityDeletes += f.recordCount();
        }
      }
    }
    long totalRecords = 0;
    long totalFiles = 0;
    long totalDeleteFiles = 0;
    for (ManifestFile m : manifests) {
      if (m.content() == ManifestFile.CONTENT_DATA) {
        totalRecords += m.addedRowsCount() + m.existingRowsCount();
        totalFiles += m.addedFilesCount() + m.existingFilesCount();
      } else {
        totalDeleteFiles += m.addedFilesCount() + m.existingFilesCount();
      }
    }
    Map<String, String> s = new LinkedHashMap<>();
    s.put("operation", operation);
    s.put("added-data-files", Long.toString(addedDataFiles));
    s.put("added-records", Long.toString(addedRecords));
    s.put("added-files-size", Long.toString(addedBytes));
    if (addedDeleteFiles > 0) {
      s.put("added-delete-files", Long.toString(addedDeleteFiles));
      s.put("added-position-deletes", Long.toString(addedPositionDeletes));
      s.put("added-equality-deletes", Long.toString(addedEqualityDeletes));
    }
    s.put("changed-partition-count", Long.toString(added.stream().map(DataFile::partition).distinct().count()));
    s.put("total-records", Long.toString(totalRecords));
    s.put("total-data-files", Long.toString(totalFiles));
    s.put("total-delete-files", Long.toString(totalDeleteFiles));
    // Delete manifests count deletes without telling position from equality ones: carried from the parent.
    s.put("total-position-deletes", Long.toString(totalDeleteFiles == 0 ? 0
        : (parent == null ? 0 : parent.summaryLong("total-position-deletes")) + addedPositionDeletes));
    s.put("total-equality-deletes", Long.toString(totalDeleteFiles == 0 ? 0
        : (parent == null ? 0 : parent.summaryLong("total-equality-deletes")) + addedEqualityDeletes));
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
