package io.datashard;

import java.time.Instant;

/**
 * One step of a table's history: the snapshot that became current at a moment.
 *
 * @param timestampMillis when the snapshot became current
 * @param snapshotId the snapshot that became current
 */
public record HistoryEntry(long timestampMillis, long snapshotId) {
  /** @return the moment as an instant */
  public Instant timestamp() {
    return Instant.ofEpochMilli(timestampMillis);
  }
}
