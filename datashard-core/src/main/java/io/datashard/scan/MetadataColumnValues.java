package io.datashard.scan;

import io.datashard.CloseableIterator;
import io.datashard.MetadataColumns;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.metadata.DataFile;
import io.datashard.parquet.DataFileReader;

/**
 * Fills the {@link MetadataColumns} of the rows read from one data file: its location, spec id and each row's
 * position, and the row lineage of format version 3 ({@code _row_id} and {@code _last_updated_sequence_number}:
 * the value the file stores for the row, else inherited from the file's first row id and data sequence number).
 * Sits right on the file's reader, so the reader's last position is the row's.
 */
final class MetadataColumnValues implements CloseableIterator<Row> {
  /** Where the metadata columns are in a read schema (-1 where not read). */
  record Positions(int file, int pos, int specId, int rowId, int lastUpdated) {
    /** @return the positions in a read schema, or null when it reads no metadata column */
    static Positions of(Schema read) {
      Positions p = new Positions(read.positionOfId(MetadataColumns.FILE_PATH.id()),
          read.positionOfId(MetadataColumns.ROW_POSITION.id()), read.positionOfId(MetadataColumns.SPEC_ID.id()),
          read.positionOfId(MetadataColumns.ROW_ID.id()),
          read.positionOfId(MetadataColumns.LAST_UPDATED_SEQUENCE_NUMBER.id()));
      return p.file < 0 && p.pos < 0 && p.specId < 0 && p.rowId < 0 && p.lastUpdated < 0 ? null : p;
    }
  }

  private final CloseableIterator<Row> rows;
  private final DataFileReader reader;
  private final DataFile file;
  private final Long dataSequenceNumber;
  private final Positions at;

  MetadataColumnValues(CloseableIterator<Row> rows, DataFileReader reader, DataFile file, Long dataSequenceNumber,
                       Positions at) {
    this.rows = rows;
    this.reader = reader;
    this.file = file;
    this.dataSequenceNumber = dataSequenceNumber;
    this.at = at;
  }

  @Override
  public boolean hasNext() {
    return rows.hasNext();
  }

  @Override
  public Row next() {
    Row row = rows.next();
    long position = reader.lastRowPosition();
    Object[] values = row.toArray();
    if (at.file >= 0) {
      values[at.file] = file.location();
    }
    if (at.pos >= 0) {
      values[at.pos] = position;
    }
    if (at.specId >= 0) {
      values[at.specId] = file.specId();
    }
    // Without a first row id the file has no lineage: both columns read as null, whatever it stores (as Iceberg).
    boolean lineage = file.firstRowId() != null;
    if (at.rowId >= 0) {
      values[at.rowId] = !lineage ? null : values[at.rowId] != null ? values[at.rowId] : file.firstRowId() + position;
    }
    if (at.lastUpdated >= 0) {
      values[at.lastUpdated] = !lineage ? null
          : values[at.lastUpdated] != null ? values[at.lastUpdated] : dataSequenceNumber;
    }
    return Row.wrap(row.schema(), values);
  }

  @Override
  public void close() {
    rows.close();
  }
}
