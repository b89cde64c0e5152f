package io.datashard.scan;

import io.datashard.CloseableIterator;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.expressions.Evaluator;
import io.datashard.expressions.Expression;
import io.datashard.expressions.InclusiveMetricsEvaluator;
import io.datashard.types.StructProjection;
import io.datashard.metadata.DataFile;
import io.datashard.parquet.DataFileReader;
import io.datashard.storage.CountingInputFile;
import io.datashard.storage.StorageBackend;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Predicate;
import org.apache.parquet.hadoop.metadata.BlockMetaData;

/**
 * Opens one planned data file of a scan run: skips its row groups by statistics, filters rows exactly and
 * drops the filter-only columns. Without a filter, rows pass through untouched. Thread-safe (each
 * {@link #open} returns an independent iterator); counts into the run's {@link ScanMetrics}.
 */
final class FileReads {
  private final StorageBackend storage;
  private final Schema tableSchema;
  private final Schema readSchema;
  private final Schema projection;
  private final Expression bound;
  private final Evaluator evaluator;   // null: no filter
  private final ScanMetrics metrics;
  private final Map<String, RowDeletes.Applicable> deletes;
  private final RowDeletes.Loader deleteLoader;
  private final boolean project;
  private final io.datashard.encryption.TableKeys keys;
  /** Positions of metadata columns in the read schema, or null when none is read. */
  private final MetadataColumnValues.Positions metadataColumns;
  private Map<String, Long> dataSequenceNumbers = Map.of();

  FileReads(StorageBackend storage, io.datashard.encryption.TableKeys keys, Schema tableSchema, Schema readSchema,
            Schema projection, Expression bound, ScanMetrics metrics, Map<String, RowDeletes.Applicable> deletes,
            RowDeletes.KeyBudget keyBudget) {
    this.storage = storage;
    this.keys = keys;
    this.tableSchema = tableSchema;
    this.readSchema = readSchema;
    this.projection = projection;
    boolean filtered = bound.op() != Expression.Operation.TRUE;
    this.bound = filtered ? bound : null;
    this.evaluator = filtered ? new Evaluator(readSchema, bound) : null;
    this.metrics = metrics;
    this.deletes = deletes;
    this.deleteLoader = deletes.isEmpty() ? null : new RowDeletes.Loader(storage, tableSchema, metrics, keyBudget);
    this.project = !readSchema.sameFieldsAs(projection);
    this.metadataColumns = MetadataColumnValues.Positions.of(readSchema);
  }

  /** @return these reads, with the data sequence number of each data file (for row lineage columns) */
  FileReads withDataSequenceNumbers(Map<String, Long> sequenceNumbers) {
    this.dataSequenceNumbers = sequenceNumbers;
    return this;
  }

  CloseableIterator<Row> open(DataFile file) {
    metrics.filesRead.incrementAndGet();
    DataFileReader reader;
    try {
      reader = DataFileReader.open(
          new CountingInputFile(storage.newInputFile(file.location(), file.fileSizeInBytes()), metrics.bytesRead),
          readSchema, keys.decryption(file));
    } catch (io.datashard.storage.FileNotFoundInStorageException e) {
      // Expiry (automatic upkeep or expireSnapshots) deleted it after the scan was planned: fail, never skip rows.
      throw new io.datashard.DataShardException("data file " + file.location() + " of the snapshot being read is "
          + "gone: the snapshot was expired while it was read (rows already returned are not the whole snapshot); "
          + "scan again to read the current snapshot", e);
    }
    try {
      Predicate<BlockMetaData> keep;
      if (bound == null) {
        keep = block -> {
          metrics.rowGroupsConsidered.incrementAndGet();
          return true;
        };
      } else {
        Map<String, Integer> ids = RowGroupStats.fieldIdsByColumn(reader.fileSchema(), tableSchema);
        keep = block -> {
          metrics.rowGroupsConsidered.incrementAndGet();
          boolean k = InclusiveMetricsEvaluator.mightMatch(bound, RowGroupStats.of(block, ids, tableSchema));
          if (!k) {
            metrics.rowGroupsSkipped.incrementAndGet();
          }
          return k;
        };
      }
      RowDeletes.Applicable d = deletes.get(file.location());
      // Position deletes are applied by the reader, which passes over those rows without decoding them; equality
      // deletes need the row's values, so they filter what it returns.
      CloseableIterator<Row> rows = d == null ? reader.iterator(keep)
          : reader.iterator(keep, deleteLoader.deletedPositions(d, file.location()));
      if (metadataColumns != null) {
        rows = new MetadataColumnValues(rows, reader, file, dataSequenceNumbers.get(file.location()), metadataColumns);
      }
      if (d != null && !d.equalityDeletes().isEmpty()) {
        rows = new RowDeletes.Filtered(rows, readSchema, d.equalityDeletes(), deleteLoader, metrics);
      }
      return evaluator == null && !project ? new Plain(reader, rows) : new Filtered(reader, rows);
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** Rows straight from the reader; counts them in a plain field, published on close. */
  private final class Plain implements CloseableIterator<Row> {
    private final DataFileReader reader;
    private final CloseableIterator<Row> rows;
    private long count;
    private boolean closed;

    Plain(DataFileReader reader, CloseableIterator<Row> rows) {
      this.reader = reader;
      this.rows = rows;
    }

    @Override
    public boolean hasNext() {
      return !closed && rows.hasNext();
    }

    @Override
    public Row next() {
      Row r = rows.next();
      count++;
      return r;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        metrics.rowsRead.addAndGet(count);
        metrics.rowsReturned.addAndGet(count);
        metrics.rowsDeleted.addAndGet(reader.deletedRowsPassedOver());
        rows.close();
        reader.close();
      }
    }
  }

  /** Rows matching the filter, with only the projected columns. */
  private final class Filtered implements CloseableIterator<Row> {
    private final DataFileReader reader;
    private final CloseableIterator<Row> rows;
    private final int width = projection.size();
    private final boolean dropColumns = project;
    private Row next;
    private long read;
    private long returned;
    private boolean closed;

    Filtered(DataFileReader reader, CloseableIterator<Row> rows) {
      this.reader = reader;
      this.rows = rows;
    }

    @Override
    public boolean hasNext() {
      if (closed) {
        return false;
      }
      while (next == null) {
        if (!rows.hasNext()) {
          return false;
        }
        Row r = rows.next();
        read++;
        if (evaluator == null || evaluator.test(r)) {
          next = dropColumns ? project(r) : r;
        }
      }
      return true;
    }

    private Row project(Row r) {
      return StructProjection.project(r, projection);
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = next;
      next = null;
      returned++;
      return r;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        metrics.rowsRead.addAndGet(read);
        metrics.rowsReturned.addAndGet(returned);
        metrics.rowsDeleted.addAndGet(reader.deletedRowsPassedOver());
        rows.close();
        reader.close();
      }
    }
  }
}
