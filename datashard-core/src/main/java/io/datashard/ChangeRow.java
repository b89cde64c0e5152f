package io.datashard;

import java.util.Objects;

/**
 * One row of the change feed: the row's values, its change type, the snapshot that committed the change and the
 * change ordinal (0 for the first snapshot after the start of the range, 1 for the next, ...), as Iceberg's
 * changelog view defines {@code _change_type}, {@code _commit_snapshot_id} and {@code _change_ordinal}.
 */
public final class ChangeRow {
  private final ChangeType type;
  private final long snapshotId;
  private final int ordinal;
  private final Row row;

  /** Creates a change row. */
  public ChangeRow(ChangeType type, long snapshotId, int ordinal, Row row) {
    this.type = Objects.requireNonNull(type, "type");
    this.snapshotId = snapshotId;
    this.ordinal = ordinal;
    this.row = Objects.requireNonNull(row, "row");
  }

  /** @return the change type */
  public ChangeType type() {
    return type;
  }

  /** @return the id of the snapshot that committed the change */
  public long snapshotId() {
    return snapshotId;
  }

  /** @return the change ordinal: the position of the snapshot in the range, starting at 0 */
  public int ordinal() {
    return ordinal;
  }

  /** @return the row's values */
  public Row row() {
    return row;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ChangeRow)) {
      return false;
    }
    ChangeRow c = (ChangeRow) o;
    return type == c.type && snapshotId == c.snapshotId && ordinal == c.ordinal && row.equals(c.row);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, snapshotId, ordinal, row);
  }

  @Override
  public String toString() {
    return type + "@" + snapshotId + "#" + ordinal + " " + row;
  }
}
