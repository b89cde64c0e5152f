package io.datashard.metadata;

import java.util.List;
import java.util.Objects;

/**
 * One row of a manifest list ({@code manifest_file}): where a manifest is and what it holds. Immutable.
 *
 * @param location absolute location of the manifest
 * @param length manifest size in bytes
 * @param specId partition spec id of every file in the manifest
 * @param content 0 data, 1 deletes
 * @param sequenceNumber sequence number of the commit that added the manifest
 * @param minSequenceNumber lowest data sequence number of any live file in the manifest
 * @param addedSnapshotId the snapshot that added the manifest
 * @param addedFilesCount entries with status ADDED
 * @param existingFilesCount entries with status EXISTING
 * @param deletedFilesCount entries with status DELETED
 * @param addedRowsCount rows in ADDED files
 * @param existingRowsCount rows in EXISTING files
 * @param deletedRowsCount rows in DELETED files
 * @param partitions one summary per partition field, in spec order (empty when unpartitioned)
 * @param firstRowId (format version 3, data manifests) the row id its data files without a {@code first_row_id}
 *     inherit from, in file order; null when not assigned (format versions 1 and 2, delete manifests)
 */
public record ManifestFile(String location, long length, int specId, int content, long sequenceNumber,
                           long minSequenceNumber, long addedSnapshotId, int addedFilesCount,
                           int existingFilesCount, int deletedFilesCount, long addedRowsCount,
                           long existingRowsCount, long deletedRowsCount, List<PartitionFieldSummary> partitions,
                           Long firstRowId) {
  public static final int CONTENT_DATA = 0;
  public static final int CONTENT_DELETES = 1;

  public ManifestFile {
    Objects.requireNonNull(location, "location");
    partitions = partitions == null ? List.of() : List.copyOf(partitions);
  }

  /** A manifest without row lineage (format versions 1 and 2). */
  public ManifestFile(String location, long length, int specId, int content, long sequenceNumber,
                      long minSequenceNumber, long addedSnapshotId, int addedFilesCount, int existingFilesCount,
                      int deletedFilesCount, long addedRowsCount, long existingRowsCount, long deletedRowsCount,
                      List<PartitionFieldSummary> partitions) {
    this(location, length, specId, content, sequenceNumber, minSequenceNumber, addedSnapshotId, addedFilesCount,
        existingFilesCount, deletedFilesCount, addedRowsCount, existingRowsCount, deletedRowsCount, partitions, null);
  }

  /** @return a copy carrying the sequence numbers a committed manifest list assigned */
  public ManifestFile withSequenceNumbers(long seq, long minSeq) {
    return new ManifestFile(location, length, specId, content, seq, minSeq, addedSnapshotId, addedFilesCount,
        existingFilesCount, deletedFilesCount, addedRowsCount, existingRowsCount, deletedRowsCount, partitions,
        firstRowId);
  }

  /** @return a copy with its {@code first_row_id} assigned (format version 3) */
  public ManifestFile withFirstRowId(long id) {
    return new ManifestFile(location, length, specId, content, sequenceNumber, minSequenceNumber, addedSnapshotId,
        addedFilesCount, existingFilesCount, deletedFilesCount, addedRowsCount, existingRowsCount, deletedRowsCount,
        partitions, id);
  }

  /**
   * @return whether the manifest may have ADDED or EXISTING files (a negative count means unknown, as read
   *     from v1 manifest lists, and counts as possibly live)
   */
  public boolean hasLiveFiles() {
    return addedFilesCount != 0 || existingFilesCount != 0;
  }
}
