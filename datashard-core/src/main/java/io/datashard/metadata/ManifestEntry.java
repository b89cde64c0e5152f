package io.datashard.metadata;

import java.util.Objects;

/**
 * One row of a manifest ({@code manifest_entry}): a data file with its status and the snapshot and sequence
 * numbers that added it. Immutable.
 *
 * <p>For entries written as ADDED, the snapshot id and sequence numbers may be null in the file and are
 * inherited from the manifest's entry in the manifest list on read (Iceberg v2 inheritance); a
 * {@link ManifestEntry} returned by a reader always has them resolved.
 *
 * @param status 0 existing, 1 added, 2 deleted
 * @param snapshotId the snapshot that added (or deleted) the file; null only while writing ADDED entries
 * @param dataSequenceNumber data sequence number; null only while writing ADDED entries
 * @param fileSequenceNumber file sequence number; null only while writing ADDED entries
 * @param file the data file
 */
public record ManifestEntry(int status, Long snapshotId, Long dataSequenceNumber, Long fileSequenceNumber,
                            DataFile file) {
  public static final int EXISTING = 0;
  public static final int ADDED = 1;
  public static final int DELETED = 2;

  public ManifestEntry {
    if (status < 0 || status > 2) {
      throw new IllegalArgumentException("manifest entry status must be 0, 1 or 2, got " + status);
    }
    Objects.requireNonNull(file, "file");
  }

  /** @return an ADDED entry whose snapshot id and sequence numbers are inherited at commit */
  public static ManifestEntry added(DataFile file) {
    return new ManifestEntry(ADDED, null, null, null, file);
  }

  /** @return whether the file is live in the snapshot that reads this manifest */
  public boolean isLive() {
    return status != DELETED;
  }
}
