package io.datashard.scan;

import io.datashard.CloseableIterator;
import io.datashard.HistoryEntry;
import io.datashard.Record;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.TableScan;
import io.datashard.ValidationException;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.ops.TableFiles;
import io.datashard.parquet.DataFileReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The {@link TableScan} implementation. Immutable: every refinement returns a new scan. Plans by reading the
 * snapshot's manifest list and manifests, then reads each live data file with only the projected columns,
 * one file open at a time.
 */
public final class BaseTableScan implements TableScan {
  private final TableFiles files;
  private final TableMetadata metadata;
  private final Snapshot snapshot;
  private final Schema projection;

  private BaseTableScan(TableFiles files, TableMetadata metadata, Snapshot snapshot, Schema projection) {
    this.files = files;
    this.metadata = metadata;
    this.snapshot = snapshot;
    this.projection = projection;
  }

  /** @return a scan of the current snapshot with every column */
  public static BaseTableScan of(TableFiles files, TableMetadata metadata) {
    return new BaseTableScan(files, metadata, metadata.currentSnapshot(), metadata.schema());
  }

  @Override
  public TableScan select(String... columns) {
    return select(Arrays.asList(columns));
  }

  @Override
  public TableScan select(List<String> columns) {
    if (columns.isEmpty()) {
      throw new ValidationException("select needs at least one column; table columns are "
          + metadata.schema().columnNames());
    }
    try {
      return new BaseTableScan(files, metadata, snapshot, metadata.schema().select(columns));
    } catch (IllegalArgumentException e) {
      throw new ValidationException(e.getMessage(), e);
    }
  }

  @Override
  public TableScan useSnapshot(long snapshotId) {
    Snapshot s = metadata.snapshot(snapshotId);
    if (s == null) {
      throw new ValidationException("table has no snapshot " + snapshotId + " (unknown or expired); "
          + "see table.snapshots()");
    }
    return new BaseTableScan(files, metadata, s, projection);
  }

  @Override
  public TableScan asOfTime(Instant instant) {
    long millis = instant.toEpochMilli();
    Long id = null;
    for (HistoryEntry h : metadata.snapshotLog()) {
      if (h.timestampMillis() <= millis) {
        id = h.snapshotId();
      }
    }
    if (id == null) {
      throw new ValidationException("table had no snapshot at " + instant);
    }
    return useSnapshot(id);
  }

  @Override
  public Schema schema() {
    return projection;
  }

  @Override
  public Snapshot snapshot() {
    return snapshot;
  }

  /** @return the live data files of the scanned snapshot */
  public List<DataFile> planFiles() {
    if (snapshot == null) {
      return List.of();
    }
    List<DataFile> out = new ArrayList<>();
    // Manifest lists hold the newest manifest first; read oldest first so rows come back in commit order.
    List<ManifestFile> manifests = new ArrayList<>(files.manifests(snapshot.manifestListLocation()));
    java.util.Collections.reverse(manifests);
    for (ManifestFile m : manifests) {
      if (m.content() != ManifestFile.CONTENT_DATA || !m.hasLiveFiles()) {
        continue;
      }
      for (ManifestEntry e : files.entries(m)) {
        if (e.isLive()) {
          out.add(e.file());
        }
      }
    }
    return out;
  }

  @Override
  public List<Record> toList() {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterator<Record> it = iterator()) {
      it.forEachRemaining(rows::add);
    }
    return rows;
  }

  @Override
  public CloseableIterator<Record> iterator() {
    return new FileChainIterator(planFiles().iterator());
  }

  @Override
  public Stream<Record> stream() {
    CloseableIterator<Record> it = iterator();
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
        false).onClose(it::close);
  }

  @Override
  public long count() {
    long n = 0;
    for (DataFile f : planFiles()) {
      n += f.recordCount();
    }
    return n;
  }

  /** Reads the planned files one after another, keeping one open. */
  private final class FileChainIterator implements CloseableIterator<Record> {
    private final Iterator<DataFile> pending;
    private CloseableIterator<Record> current;
    private boolean closed;

    FileChainIterator(Iterator<DataFile> pending) {
      this.pending = pending;
    }

    @Override
    public boolean hasNext() {
      if (closed) {
        return false;
      }
      while (current == null || !current.hasNext()) {
        if (current != null) {
          current.close();
          current = null;
        }
        if (!pending.hasNext()) {
          return false;
        }
        DataFile f = pending.next();
        current = DataFileReader.read(files.storage().newInputFile(f.location(), f.fileSizeInBytes()), projection);
      }
      return true;
    }

    @Override
    public Record next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return current.next();
    }

    @Override
    public void close() {
      closed = true;
      if (current != null) {
        current.close();
        current = null;
      }
    }
  }
}
