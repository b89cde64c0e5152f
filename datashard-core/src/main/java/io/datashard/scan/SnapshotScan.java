package io.datashard.scan;

import io.datashard.display.TextTable;
import io.datashard.ScanReport;
import io.datashard.CloseableIterator;
import io.datashard.HistoryEntry;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.TableScan;
import io.datashard.TypedScan;
import io.datashard.ValidationException;
import io.datashard.expressions.Binder;
import io.datashard.expressions.ContentStats;
import io.datashard.expressions.Expression;
import io.datashard.expressions.Expressions;
import io.datashard.expressions.InclusiveMetricsEvaluator;
import io.datashard.records.JavaObjects;
import io.datashard.types.StructProjection;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.manifest.TableFiles;
import io.datashard.storage.FileNotFoundInStorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TableScan} implementation. Immutable apart from the report of its latest run: every refinement
 * returns a new scan.
 *
 * <p>Planning reads the snapshot's manifest list and manifests (oldest first, so rows come back in commit
 * order), skips manifests whose partition summaries exclude the filter and data files whose partition values
 * or column statistics exclude it. Reading opens the remaining files with the projected columns plus the
 * filter's columns, skips row groups whose Parquet statistics exclude the filter and filters rows exactly.
 * An unfiltered scan takes none of these detours: rows go straight from the Parquet reader to the caller.
 */
public final class SnapshotScan implements TableScan {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotScan.class);

  private final TableFiles files;
  private final TableMetadata metadata;
  private final Snapshot snapshot;
  private final Schema projection;
  private final Expression filter;     // as given by the user; alwaysTrue when none
  private final Expression bound;      // bound to the table schema
  private final int parallelism;
  private final long limit;           // Long.MAX_VALUE when none
  private final Set<String> onlyDataFiles; // null: every data file of the snapshot
  private volatile ScanMetrics lastRun;

  private SnapshotScan(TableFiles files, TableMetadata metadata, Snapshot snapshot, Schema projection,
                        Expression filter, Expression bound, int parallelism) {
    this(files, metadata, snapshot, projection, filter, bound, parallelism, Long.MAX_VALUE, null);
  }

  private SnapshotScan(TableFiles files, TableMetadata metadata, Snapshot snapshot, Schema projection,
                        Expression filter, Expression bound, int parallelism, long limit, Set<String> onlyDataFiles) {
    this.onlyDataFiles = onlyDataFiles;
    this.limit = limit;
    this.files = files;
    this.metadata = metadata;
    this.snapshot = snapshot;
    this.projection = projection;
    this.filter = filter;
    this.bound = bound;
    this.parallelism = parallelism;
  }

  /** @return a scan of the current snapshot with every column */
  public static SnapshotScan of(TableFiles files, TableMetadata metadata) {
    return new SnapshotScan(files, metadata, metadata.currentSnapshot(), metadata.schema(),
        Expressions.alwaysTrue(), Expressions.alwaysTrue(), 1);
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
      return new SnapshotScan(files, metadata, snapshot, projectionOf(metadata.schema(), columns), filter, bound,
          parallelism, limit, onlyDataFiles);
    } catch (IllegalArgumentException e) {
      throw new ValidationException(e.getMessage(), e);
    }
  }

  /**
   * @return the table's columns (or struct paths) and {@link io.datashard.MetadataColumns metadata columns} by
   *     name, in the order named (paths into one struct merged where the struct first appears)
   */
  static Schema projectionOf(Schema table, List<String> columns) {
    boolean anyMetadata = false;
    for (String c : columns) {
      anyMetadata |= table.findField(c) == null && io.datashard.MetadataColumns.named(c) != null;
    }
    if (!anyMetadata) {
      return table.select(columns);
    }
    java.util.LinkedHashMap<Integer, io.datashard.Field> fields = new java.util.LinkedHashMap<>();
    for (String c : columns) {
      io.datashard.Field meta = table.findField(c) == null ? io.datashard.MetadataColumns.named(c) : null;
      if (meta != null) {
        fields.put(meta.id(), meta);
        continue;
      }
      for (io.datashard.Field f : table.select(List.of(c)).fields()) {
        fields.merge(f.id(), f, StructProjection::merge);
      }
    }
    return Schema.of(new ArrayList<>(fields.values())).withSchemaId(table.schemaId());
  }

  @Override
  public TableScan filter(Expression expr) {
    if (expr == null) {
      throw new ValidationException("filter must not be null; use Expressions.alwaysTrue() for no filter");
    }
    Expression combined = Expressions.and(filter, expr);
    return new SnapshotScan(files, metadata, snapshot, projection, combined,
        Binder.bind(metadata.schema(), combined), parallelism, limit, onlyDataFiles);
  }

  @Override
  public Expression filter() {
    return filter;
  }

  /**
   * The live rows of some data files of a version's current snapshot, every delete file that applies to them
   * applied (what compaction and copy-on-write rewrites copy), in the version's schema.
   *
   * @param files the table's files
   * @param metadata the version whose current snapshot holds the files
   * @param dataFiles the data files to read, all live in the version's current snapshot (others are not read)
   * @return their live rows, file by file in commit order; close it
   */
  public static CloseableIterator<Row> liveRows(TableFiles files, TableMetadata metadata,
                                                Collection<DataFile> dataFiles) {
    Set<String> locations = new HashSet<>();
    dataFiles.forEach(f -> locations.add(f.location()));
    return of(files, metadata).onlyDataFiles(locations).iterator();
  }

  /**
   * The live rows of some data files, as {@link #liveRows}, each with its row lineage ({@code _row_id} and
   * {@code _last_updated_sequence_number}, appended after the table's columns) when the table has format version
   * 3: a rewrite writes them into its new files, so the rows it copies keep their ids.
   *
   * @return rows of {@link io.datashard.MetadataColumns#withRowLineage} for version 3, else of the table schema
   */
  public static CloseableIterator<Row> liveRowsWithLineage(TableFiles files, TableMetadata metadata,
                                                           Collection<DataFile> dataFiles) {
    SnapshotScan all = of(files, metadata);
    SnapshotScan scan = metadata.formatVersion() < 3 ? all : new SnapshotScan(files, metadata, all.snapshot,
        io.datashard.MetadataColumns.withRowLineage(metadata.schema()), all.filter, all.bound, 1);
    Set<String> locations = new HashSet<>();
    dataFiles.forEach(f -> locations.add(f.location()));
    return scan.onlyDataFiles(locations).iterator();
  }

  /**
   * Internal (the change feed): the same scan restricted to some data files of its snapshot, with the snapshot's
   * delete files still applied to them.
   *
   * @param dataFileLocations the data files to read; others are skipped
   * @return the restricted scan
   */
  public SnapshotScan onlyDataFiles(Set<String> dataFileLocations) {
    return new SnapshotScan(files, metadata, snapshot, projection, filter, bound, parallelism, limit,
        Set.copyOf(dataFileLocations));
  }

  @Override
  public TableScan parallelism(int threads) {
    if (threads < 1) {
      throw new ValidationException("parallelism must be at least 1, got " + threads);
    }
    return new SnapshotScan(files, metadata, snapshot, projection, filter, bound, threads, limit, onlyDataFiles);
  }

  @Override
  public TableScan limit(long rows) {
    if (rows < 0) {
      throw new ValidationException("limit must be 0 or more, got " + rows);
    }
    return new SnapshotScan(files, metadata, snapshot, projection, filter, bound, parallelism, rows, onlyDataFiles);
  }

  @Override
  public TableScan useSnapshot(long snapshotId) {
    Snapshot s = metadata.snapshot(snapshotId);
    if (s == null) {
      throw new ValidationException("table has no snapshot " + snapshotId + " (unknown or expired); "
          + "Table.snapshots() lists the snapshots there are");
    }
    // As in Iceberg, time travel reads with the schema the snapshot was written under, unless columns were
    // selected explicitly (by their current names).
    Schema p = projection;
    if (projection.sameFieldsAs(metadata.schema()) && s.schemaId() != null && metadata.schemaById(s.schemaId()) != null) {
      p = metadata.schemaById(s.schemaId());
    }
    return new SnapshotScan(files, metadata, s, p, filter, bound, parallelism, limit, onlyDataFiles);
  }

  @Override
  public TableScan useRef(String name) {
    io.datashard.SnapshotRef ref = metadata.ref(name);
    if (ref == null) {
      throw new ValidationException("table has no branch or tag '" + name + "'; known: " + metadata.refs().keySet());
    }
    return useSnapshot(ref.snapshotId());
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
      // Expiry removes the history of the snapshots it removes; the oldest one kept still names its parent, so the
      // table is known to have had data before it.
      HistoryEntry oldest = metadata.snapshotLog().isEmpty() ? null : metadata.snapshotLog().get(0);
      Snapshot kept = oldest == null ? null : metadata.snapshot(oldest.snapshotId());
      if (kept != null && kept.parentId() != null && metadata.snapshot(kept.parentId()) == null) {
        throw new ValidationException("the snapshot current at " + instant + " has expired: the oldest snapshot "
            + "kept is " + kept.snapshotId() + " from " + Instant.ofEpochMilli(oldest.timestampMillis()));
      }
      throw new ValidationException("table had no snapshot at " + instant + " (its first snapshot is from "
          + (oldest == null ? "later: it has none yet" : Instant.ofEpochMilli(oldest.timestampMillis())) + ")");
    }
    if (metadata.snapshot(id) == null) {
      throw new ValidationException("the snapshot current at " + instant + " (" + id + ") has expired");
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

  @Override
  public ScanReport report() {
    ScanMetrics m = lastRun;
    return m == null ? null : m.report();
  }

  /** @return a data file's column statistics as the metrics evaluator reads them */
  public static io.datashard.expressions.ContentStats statsOf(DataFile file, Schema schema) {
    return new DataFileStats(file, schema);
  }

  /** @return the live data files of the scanned snapshot that the filter does not exclude */
  public List<DataFile> planDataFiles() {
    return plan(newRun()).files();
  }

  /**
   * A data file a scan reads and the delete files that apply to it.
   *
   * @param file the data file
   * @param deletes its position and equality delete files (empty when none apply)
   */
  public record PlannedFile(DataFile file, List<DataFile> deletes) {
    /** Copies the list. */
    public PlannedFile {
      deletes = List.copyOf(deletes);
    }
  }

  @Override
  public List<io.datashard.FileScanTask> planFiles() {
    List<io.datashard.FileScanTask> out = new ArrayList<>();
    for (PlannedFile p : planFilesWithDeletes()) {
      out.add(new io.datashard.FileScanTask(p.file(), List.copyOf(p.deletes())));
    }
    return out;
  }

  /** @return the data files the scan reads, as {@link #planDataFiles()}, each with the delete files it needs */
  public List<PlannedFile> planFilesWithDeletes() {
    Plan plan = plan(newRun());
    List<PlannedFile> out = new ArrayList<>(plan.files().size());
    for (DataFile f : plan.files()) {
      RowDeletes.Applicable a = plan.deletes().get(f.location());
      List<DataFile> d = new ArrayList<>();
      if (a != null) {
        d.addAll(a.positionDeletes());
        d.addAll(a.equalityDeletes());
      }
      out.add(new PlannedFile(f, d));
    }
    return out;
  }

  /** A planned run: the data files to read and the deletes that apply to each (empty without delete files). */
  private record Plan(List<DataFile> files, Map<String, RowDeletes.Applicable> deletes, Set<Integer> equalityIds,
                      Map<String, Long> dataSequenceNumbers) {
    boolean hasDeletes() {
      return !deletes.isEmpty();
    }
  }

  private ScanMetrics newRun() {
    ScanMetrics m = new ScanMetrics(snapshot == null ? -1 : snapshot.snapshotId(), bound.toString());
    lastRun = m;
    return m;
  }

  private Plan plan(ScanMetrics m) {
    try {
      return planSnapshot(m);
    } catch (FileNotFoundInStorageException e) {
      throw new ValidationException("snapshot " + snapshot.snapshotId() + " cannot be read: a file it references is "
          + "gone (the snapshot was expired while the scan was planned); scan again to read the current snapshot: "
          + e.getMessage(), e);
    }
  }

  private Plan planSnapshot(ScanMetrics m) {
    if (snapshot == null) {
      m.planned();
      return new Plan(List.of(), Map.of(), Set.of(), Map.of());
    }
    boolean filtered = bound.op() != Expression.Operation.TRUE;
    Schema schema = metadata.schema();
    List<ManifestFile> manifests;
    try {
      manifests = new ArrayList<>(files.manifestsToRead(metadata, snapshot, "scan"));
    } catch (FileNotFoundInStorageException e) {
      throw new ValidationException("snapshot " + snapshot.snapshotId() + " cannot be read: its manifest list "
          + snapshot.manifestListLocation() + " is gone (the snapshot was expired)", e);
    }
    // Manifest lists hold the newest manifest first; read oldest first so rows come back in commit order.
    Collections.reverse(manifests);
    RowDeletes deletes = new RowDeletes();
    for (ManifestFile manifest : manifests) {
      if (manifest.content() != ManifestFile.CONTENT_DATA && manifest.hasLiveFiles()) {
        PartitionSpec spec = metadata.specById(manifest.specId());
        for (ManifestEntry e : files.entries(manifest)) {
          if (e.isLive()) {
            deletes.add(e, spec);
          }
        }
      }
    }
    m.deleteFiles.set(deletes.size());
    Map<String, RowDeletes.Applicable> applicable = new HashMap<>();
    Map<String, Long> sequenceNumbers = new HashMap<>();
    List<DataFile> out = new ArrayList<>();
    for (ManifestFile manifest : manifests) {
      if (manifest.content() != ManifestFile.CONTENT_DATA || !manifest.hasLiveFiles()) {
        continue;
      }
      m.manifestsConsidered.incrementAndGet();
      PartitionSpec spec = metadata.specById(manifest.specId());
      if (filtered && bound.op() == Expression.Operation.FALSE) {
        m.manifestsSkipped.incrementAndGet();
        continue;
      }
      if (filtered) {
        ContentStats summary = PartitionStats.ofManifest(manifest, spec, schema);
        if (summary != null && !InclusiveMetricsEvaluator.mightMatch(bound, summary)) {
          m.manifestsSkipped.incrementAndGet();
          continue;
        }
      }
      for (ManifestEntry e : files.entries(manifest)) {
        if (!e.isLive()) {
          continue;
        }
        DataFile f = e.file();
        if (onlyDataFiles != null && !onlyDataFiles.contains(f.location())) {
          continue;
        }
        m.filesConsidered.incrementAndGet();
        if (filtered && !fileMightMatch(f, spec, schema)) {
          m.filesPruned.incrementAndGet();
          continue;
        }
        out.add(f);
        sequenceNumbers.put(f.location(), e.dataSequenceNumber());
        if (!deletes.isEmpty()) {
          RowDeletes.Applicable a = deletes.forDataFile(f, e.dataSequenceNumber() == null ? 0
              : e.dataSequenceNumber());
          if (a != null) {
            applicable.put(f.location(), a);
          }
        }
      }
    }
    m.planned();
    return new Plan(out, applicable, applicable.isEmpty() ? Set.of() : deletes.equalityIds(), sequenceNumbers);
  }

  private boolean fileMightMatch(DataFile f, PartitionSpec spec, Schema schema) {
    ContentStats partition = PartitionStats.ofFile(f, spec, schema);
    if (partition != null && !InclusiveMetricsEvaluator.mightMatch(bound, partition)) {
      return false;
    }
    return InclusiveMetricsEvaluator.mightMatch(bound, statsOf(f, schema));
  }

  /** @return the projection plus the filter's columns that are not projected (appended) */
  private Schema readSchema(Schema wanted, Plan plan) {
    Set<Integer> ids = new java.util.TreeSet<>(Binder.referencedFieldIds(bound));
    ids.addAll(plan.equalityIds());
    return StructProjection.widen(metadata.schema(), wanted, ids);
  }

  @Override
  public List<Row> toList() {
    List<Row> rows = new ArrayList<>();
    try (CloseableIterator<Row> it = iterator()) {
      it.forEachRemaining(rows::add);
    }
    return rows;
  }

  @Override
  public CloseableIterator<Row> iterator() {
    ScanMetrics m = newRun();
    Plan plan = plan(m);
    List<DataFile> planned = plan.files();
    FileReads reads = new FileReads(files.storage(), files.keys(), metadata.schema(), readSchema(projection, plan), projection,
        bound, m, plan.deletes(), RowDeletes.KeyBudget.of(metadata)).withDataSequenceNumbers(plan.dataSequenceNumbers());
    CloseableIterator<Row> rows = parallelism > 1 && planned.size() > 1
        ? new ParallelFileIterator(planned, reads, parallelism) : new FileChainIterator(planned.iterator(), reads);
    return new Finishing(limit == Long.MAX_VALUE ? rows : new Limited(rows, limit), m);
  }

  /** Stops after {@code limit} rows and closes what it reads from right then (no file is read further). */
  private static final class Limited implements CloseableIterator<Row> {
    private final CloseableIterator<Row> rows;
    private long left;

    Limited(CloseableIterator<Row> rows, long limit) {
      this.rows = rows;
      this.left = limit;
    }

    @Override
    public boolean hasNext() {
      if (left <= 0) {
        rows.close();
        return false;
      }
      return rows.hasNext();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      left--;
      return rows.next();
    }

    @Override
    public void close() {
      rows.close();
    }
  }

  @Override
  public Stream<Row> stream() {
    CloseableIterator<Row> it = iterator();
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
        false).onClose(it::close);
  }

  @Override
  public <T> TypedScan<T> as(Class<T> type) {
    JavaObjects.checkReadable(type, projection);
    TableScan rows = select(JavaObjects.propertyNames(type));
    return new TypedScan<>() {
      @Override
      public List<T> toList() {
        List<T> out = new ArrayList<>();
        try (CloseableIterator<T> it = iterator()) {
          it.forEachRemaining(out::add);
        }
        return out;
      }

      @Override
      public CloseableIterator<T> iterator() {
        CloseableIterator<Row> it = rows.iterator();
        return new CloseableIterator<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public T next() {
            return JavaObjects.fromRow(it.next(), type);
          }

          @Override
          public void close() {
            it.close();
          }
        };
      }

      @Override
      public Stream<T> stream() {
        CloseableIterator<T> it = iterator();
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
            false).onClose(it::close);
      }
    };
  }

  @Override
  public CloseableIterator<List<Row>> batches(int size) {
    if (size < 1) {
      throw new ValidationException("batch size must be at least 1, got " + size);
    }
    CloseableIterator<Row> rows = iterator();
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public List<Row> next() {
        if (!rows.hasNext()) {
          throw new NoSuchElementException();
        }
        List<Row> batch = new ArrayList<>(Math.min(size, 4096));
        while (batch.size() < size && rows.hasNext()) {
          batch.add(rows.next());
        }
        return batch;
      }

      @Override
      public void close() {
        rows.close();
      }
    };
  }

  @Override
  public long count() {
    ScanMetrics m = newRun();
    Plan plan = plan(m);
    List<DataFile> planned = plan.files();
    long n = 0;
    if (bound.op() == Expression.Operation.TRUE && !plan.hasDeletes()) {
      for (DataFile f : planned) {
        n += f.recordCount();
      }
      m.countedFromMetadata.set(n);
      m.rowsReturned.set(n);
    } else if (bound.op() != Expression.Operation.FALSE) {
      // with a filter, or with delete files (the file's record count includes deleted rows): read
      // read only the filter's (and equality deletes') columns; the rows themselves are not needed
      Schema filterColumns = filterOnlySchema(plan);
      FileReads reads = new FileReads(files.storage(), files.keys(), metadata.schema(), filterColumns, filterColumns, bound, m,
          plan.deletes(), RowDeletes.KeyBudget.of(metadata));
      try (CloseableIterator<Row> rows = parallelism > 1 && planned.size() > 1
          ? new ParallelFileIterator(planned, reads, parallelism)
          : new FileChainIterator(planned.iterator(), reads)) {
        while (n < limit && rows.hasNext()) {
          rows.next();
          n++;
        }
      }
    }
    n = Math.min(n, limit);
    m.rowsReturned.set(n);
    finish(m);
    return n;
  }

  private Schema filterOnlySchema(Plan plan) {
    Set<Integer> ids = new java.util.TreeSet<>(Binder.referencedFieldIds(bound));
    ids.addAll(plan.equalityIds());
    if (ids.isEmpty()) {
      ids.add(metadata.schema().field(0).id()); // some column must be read to see the rows
    }
    return StructProjection.columnsOf(metadata.schema(), ids);
  }

  private void finish(ScanMetrics m) {
    m.finished();
    if (LOG.isDebugEnabled()) {
      LOG.debug("scan of {}: {}", files.tableLocation(), m.report());
    }
  }

  /** Marks the run finished (and logs its report) when the rows run out or the iterator is closed. */
  private final class Finishing implements CloseableIterator<Row> {
    private final CloseableIterator<Row> rows;
    private final ScanMetrics m;
    private boolean done;

    Finishing(CloseableIterator<Row> rows, ScanMetrics m) {
      this.rows = rows;
      this.m = m;
    }

    @Override
    public boolean hasNext() {
      boolean more = rows.hasNext();
      if (!more && !done) {
        done = true;
        rows.close();
        finish(m);
      }
      return more;
    }

    @Override
    public Row next() {
      return rows.next();
    }

    @Override
    public void close() {
      rows.close();
      if (!done) {
        done = true;
        finish(m);
      }
    }
  }

  /** Reads the planned files one after another on the caller's thread, keeping one open. */
  private static final class FileChainIterator implements CloseableIterator<Row> {
    private final Iterator<DataFile> pending;
    private final FileReads reads;
    private CloseableIterator<Row> current;
    private boolean closed;

    FileChainIterator(Iterator<DataFile> pending, FileReads reads) {
      this.pending = pending;
      this.reads = reads;
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
        current = reads.open(pending.next());
      }
      return true;
    }

    @Override
    public Row next() {
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

  @Override
  public String showString(int maxRows) {
    if (maxRows < 0) {
      throw new io.datashard.ValidationException("maxRows must be 0 or more, got " + maxRows);
    }
    java.util.List<Row> rows = new java.util.ArrayList<>();
    boolean more = false;
    try (CloseableIterator<Row> it = iterator()) {
      while (it.hasNext()) {
        Row r = it.next();
        if (rows.size() == maxRows) {
          more = true;
          break;
        }
        rows.add(r);
      }
    }
    String table = TextTable.render(schema(), rows, TextTable.DEFAULT_MAX_WIDTH);
    String footer = more ? "(first " + rows.size() + " rows)" : "(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)");
    return table + footer + "\n";
  }
}
