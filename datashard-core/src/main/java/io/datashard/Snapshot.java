package io.datashard;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The state of a table after one commit: which data files it holds, reached through a manifest list.
 * Immutable; read from table metadata.
 */
public final class Snapshot {
  /** Summary key holding the unique id of the commit that made this snapshot. */
  public static final String COMMIT_ID_PROP = "datashard.commit-id";

  private final long snapshotId;
  private final Long parentId;
  private final long sequenceNumber;
  private final long timestampMillis;
  private final String manifestListLocation;
  private final Map<String, String> summary;
  private final Integer schemaId;
  private final Long firstRowId;
  private final Long addedRows;

  public Snapshot(long snapshotId, Long parentId, long sequenceNumber, long timestampMillis,
                  String manifestListLocation, Map<String, String> summary, Integer schemaId) {
    this(snapshotId, parentId, sequenceNumber, timestampMillis, manifestListLocation, summary, schemaId, null, null);
  }

  /**
   * @param firstRowId (format version 3) the table's next row id when the snapshot was committed: the first row id
   *     its manifest list assigned; null before version 3
   * @param addedRows (format version 3) how many row ids the snapshot assigned; null before version 3
   */
  public Snapshot(long snapshotId, Long parentId, long sequenceNumber, long timestampMillis,
                  String manifestListLocation, Map<String, String> summary, Integer schemaId, Long firstRowId,
                  Long addedRows) {
    if ((firstRowId == null) != (addedRows == null)) {
      throw new IllegalArgumentException("a snapshot has both first-row-id and added-rows or neither");
    }
    this.firstRowId = firstRowId;
    this.addedRows = addedRows;
    this.snapshotId = snapshotId;
    this.parentId = parentId;
    this.sequenceNumber = sequenceNumber;
    this.timestampMillis = timestampMillis;
    this.manifestListLocation = Objects.requireNonNull(manifestListLocation, "manifest list");
    this.summary = Map.copyOf(summary);
    this.schemaId = schemaId;
  }

  /** @return (format version 3 row lineage) the first row id the snapshot assigned, or null */
  public Long firstRowId() {
    return firstRowId;
  }

  /** @return (format version 3 row lineage) how many row ids the snapshot assigned, or null */
  public Long addedRows() {
    return addedRows;
  }

  public long snapshotId() {
    return snapshotId;
  }

  /** @return the id of the previous snapshot, or null for the first one */
  public Long parentId() {
    return parentId;
  }

  /** @return the data sequence number: strictly increasing with each commit */
  public long sequenceNumber() {
    return sequenceNumber;
  }

  public long timestampMillis() {
    return timestampMillis;
  }

  public Instant timestamp() {
    return Instant.ofEpochMilli(timestampMillis);
  }

  /** @return location of the Avro manifest list */
  public String manifestListLocation() {
    return manifestListLocation;
  }

  /** @return the snapshot summary (operation, added and total counts, commit id) */
  public Map<String, String> summary() {
    return summary;
  }

  /** @return the operation: {@code append}, {@code overwrite}, {@code delete} or {@code replace} */
  public String operation() {
    return summary.get("operation");
  }

  /** @return id of the schema current when the snapshot was made, or null if unknown */
  public Integer schemaId() {
    return schemaId;
  }

  /** @return the unique commit id DataShard stored in the summary, or null for foreign snapshots */
  public String commitId() {
    return summary.get(COMMIT_ID_PROP);
  }

  /** @return a summary count such as {@code added-records} or {@code total-records}; 0 when absent */
  public long summaryLong(String key) {
    String v = summary.get(key);
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Snapshot)) {
      return false;
    }
    Snapshot s = (Snapshot) o;
    return snapshotId == s.snapshotId && sequenceNumber == s.sequenceNumber && timestampMillis == s.timestampMillis
        && Objects.equals(parentId, s.parentId) && manifestListLocation.equals(s.manifestListLocation)
        && summary.equals(s.summary) && Objects.equals(schemaId, s.schemaId)
        && Objects.equals(firstRowId, s.firstRowId) && Objects.equals(addedRows, s.addedRows);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(snapshotId);
  }

  @Override
  public String toString() {
    return "Snapshot{id=" + snapshotId + ", parent=" + parentId + ", seq=" + sequenceNumber + ", time="
        + timestamp() + ", operation=" + operation() + ", added-records=" + summary.get("added-records")
        + ", total-records=" + summary.get("total-records") + "}";
  }
}
