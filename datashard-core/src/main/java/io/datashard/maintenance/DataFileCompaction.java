package io.datashard.maintenance;

import io.datashard.CloseableIterator;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.RewriteDataFiles;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.TableProperties;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.update.ReplaceFiles;
import io.datashard.manifest.TableFiles;
import io.datashard.scan.SnapshotScan;
import io.datashard.parquet.ParquetOptions;
import io.datashard.parquet.RollingDataWriter;
import io.datashard.partition.Partitioner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** {@link RewriteDataFiles} implementation: bin-packing per partition, one replace commit. */
public final class DataFileCompaction implements RewriteDataFiles {
  private final TableOperations ops;
  private final TableFiles files;
  private io.datashard.commit.CommitGate gate = io.datashard.commit.CommitGate.NONE;
  private Long targetSize;
  private Long minSize;
  private List<String> sortColumns = List.of();
  private int minFilesPerPartition = 2;
  private int maxInputFiles = Integer.MAX_VALUE;
  private int sizeRatio;
  private double deleteRatio = 0.3;
  private int deleteFiles = Integer.MAX_VALUE;

  public DataFileCompaction(TableOperations ops, TableFiles files) {
    this.ops = ops;
    this.files = files;
  }

  @Override
  public RewriteDataFiles targetFileSizeBytes(long bytes) {
    if (bytes <= 0) {
      throw new ValidationException("target file size must be positive");
    }
    this.targetSize = bytes;
    return this;
  }

  @Override
  public RewriteDataFiles minFileSizeBytes(long bytes) {
    this.minSize = bytes;
    return this;
  }

  @Override
  public RewriteDataFiles deleteRatioThreshold(double ratio) {
    if (!(ratio > 0)) {
      throw new ValidationException("delete ratio threshold must be above 0, got " + ratio);
    }
    this.deleteRatio = ratio;
    return this;
  }

  @Override
  public RewriteDataFiles deleteFileThreshold(int count) {
    if (count < 1) {
      throw new ValidationException("delete file threshold must be 1 or more, got " + count);
    }
    this.deleteFiles = count;
    return this;
  }

  /**
   * @return the live data files whose deletes call for a rewrite whatever their size: at least the delete-ratio
   *     threshold of their rows deleted (counted from deletion vectors and single-file position deletes), or at
   *     least the delete-file threshold of delete files applying
   */
  private java.util.Set<String> deleteHeavy(List<SnapshotScan.PlannedFile> planned) {
    java.util.Set<String> heavy = new java.util.HashSet<>();
    for (SnapshotScan.PlannedFile p : planned) {
      if (p.deletes().isEmpty()) {
        continue;
      }
      long deleted = 0;
      for (DataFile d : p.deletes()) {
        if (d.content() == DataFile.CONTENT_POSITION_DELETES && p.file().location().equals(d.referencedDataFile())) {
          deleted += d.recordCount();
        }
      }
      if (p.deletes().size() >= deleteFiles
          || (p.file().recordCount() > 0 && (double) deleted / p.file().recordCount() >= deleteRatio)) {
        heavy.add(p.file().location());
      }
    }
    return heavy;
  }

  /**
   * @param gate serialises the compaction's commit (not its rewriting of data) with the JVM's group commit of the
   *     table, so that a busy appending JVM does not make its own upkeep's compaction lose every race
   * @return this
   */
  public DataFileCompaction through(io.datashard.commit.CommitGate gate) {
    this.gate = java.util.Objects.requireNonNull(gate);
    return this;
  }

  /**
   * Compacts only partitions holding at least this many small files (automatic upkeep's threshold); default 2.
   *
   * @param count the least number of small files a partition needs to be compacted
   * @return this
   */
  public DataFileCompaction minFilesPerPartition(int count) {
    this.minFilesPerPartition = Math.max(2, count);
    return this;
  }

  /**
   * Bounds one run: at most this many files are read and rewritten (whole bins; the partitions with the most small
   * files first). Default: unbounded.
   *
   * @param count the most input files of one run
   * @return this
   */
  public DataFileCompaction maxInputFiles(int count) {
    this.maxInputFiles = Math.max(2, count);
    return this;
  }

  /**
   * Leaves the larger small files alone until the smaller ones have grown enough to be worth merging with them, so
   * that automatic upkeep does not read and write a partition's whole accumulated data again for every few rows
   * appended: in a partition's small files, taken in order of rows, a file joins a bin only while it holds at most
   * {@code ratio} times the rows already in the bin. A row is then rewritten about {@code log(n)/log(1 + 1/ratio)}
   * times as its partition grows to n times the rows of one append, instead of once for every compaction; a
   * partition keeps a few files of increasing size besides the newest small ones. 0 (the default, and what
   * {@code maintain()} does) merges every small file of a partition.
   *
   * @param ratio the most rows a file may hold per row already in the bin; 0 for no limit
   * @return this
   */
  public DataFileCompaction sizeRatio(int ratio) {
    this.sizeRatio = Math.max(0, ratio);
    return this;
  }

  @Override
  public RewriteDataFiles sortBy(String... columns) {
    this.sortColumns = List.of(columns);
    return this;
  }

  @Override
  public Result execute() {
    TableMetadata base = ops.refresh();
    Schema schema = base.schema();
    for (String c : sortColumns) {
      if (schema.findField(c) == null) {
        throw new ValidationException("cannot sort by unknown column '" + c + "'; columns are " + schema.columnNames());
      }
    }
    long target = targetSize != null ? targetSize : base.longProperty(TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    long min = minSize != null ? minSize : target * 3 / 4;
    List<SortKey> sort = sortKeys(base);
    // one planning pass: the live data files, each with the delete files that apply to it
    List<SnapshotScan.PlannedFile> planned = base.currentSnapshot() == null ? List.of()
        : ((SnapshotScan) SnapshotScan.of(files, base)).planFilesWithDeletes();
    List<List<DataFile>> bins = plan(planned.stream().map(SnapshotScan.PlannedFile::file).toList(), target, min,
        minFilesPerPartition, maxInputFiles, deleteHeavy(planned), sizeRatio);
    if (bins.isEmpty()) {
      return new Result(0, 0, 0, null);
    }
    ParquetOptions options = ParquetOptions.fromProperties(base.properties()).withTargetFileSizeBytes(target);
    io.datashard.encryption.FileEncryptor encryptor = files.keys().encryptor(base);
    String writeId = UUID.randomUUID().toString();
    ReplaceFiles replace = new ReplaceFiles(ops, files, "replace").rowsReadAt(base).removeDanglingDeletes();
    List<DataFile> written = new ArrayList<>();
    int removed = 0;
    long rows = 0;
    int[] fileNumber = {0};
    try {
      for (List<DataFile> bin : bins) {
        DataFile first = bin.get(0);
        PartitionSpec spec = base.specById(first.specId());
        String path = spec == null || spec.isUnpartitioned() ? null : new Partitioner(spec, schema).path(first.partition());
        RollingDataWriter writer = new RollingDataWriter(files.storage(), writeSchema(base), options,
            () -> files.dataFileLocation(path, writeId, fileNumber[0]++), encryptor);
        try {
          rows += copyRows(base, bin, writer, sort);
          for (DataFile f : writer.complete()) {
            DataFile withPartition = f.toBuilder().specId(first.specId()).partition(first.partition()).build();
            written.add(withPartition);
            replace.addFile(withPartition);
          }
        } finally {
          writer.close(); // aborts only if complete() was not reached
        }
        for (DataFile f : bin) {
          replace.removeFile(f);
          removed++;
        }
      }
    } catch (RuntimeException e) {
      files.deleteQuietly(written.stream().map(DataFile::location).toList());
      throw e;
    }
    Snapshot s = gate.exclusively(replace::commit); // deletes the written files itself if it fails
    return new Result(removed, written.size(), rows, s);
  }

  /** @return the schema compacted files are written with: in format version 3, with each row's lineage */
  private static Schema writeSchema(TableMetadata base) {
    return base.formatVersion() >= 3 ? io.datashard.MetadataColumns.withRowLineage(base.schema()) : base.schema();
  }

  /** One key of the order rows are written in. */
  private record SortKey(int position, io.datashard.SortOrder.Direction direction,
                         io.datashard.SortOrder.NullOrder nullOrder) {
  }

  /**
   * The explicit {@link #sortBy} columns (ascending, nulls first), or else the table's default sort order (each
   * key sorts by its source column: the order-preserving transforms, identity, truncate and the time ones, order
   * rows as their source does; a bucket key orders nothing and is skipped).
   */
  private List<SortKey> sortKeys(TableMetadata base) {
    Schema schema = base.schema();
    List<SortKey> keys = new ArrayList<>();
    if (!sortColumns.isEmpty()) {
      for (String c : sortColumns) {
        keys.add(new SortKey(schema.positionOf(c), io.datashard.SortOrder.Direction.ASC,
            io.datashard.SortOrder.NullOrder.NULLS_FIRST));
      }
      return keys;
    }
    for (io.datashard.SortOrder.SortField f : base.sortOrder().fields()) {
      if (f.transform().startsWith("bucket") || schema.findField(f.sourceId()) == null) {
        continue;
      }
      keys.add(new SortKey(schema.positionOfId(f.sourceId()), f.direction(), f.nullOrder()));
    }
    return keys;
  }

  private long copyRows(TableMetadata base, List<DataFile> bin, RollingDataWriter writer, List<SortKey> sort) {
    if (sort.isEmpty()) {
      long n = 0;
      try (CloseableIterator<Row> it = SnapshotScan.liveRowsWithLineage(files, base, bin)) {
        while (it.hasNext()) {
          writer.write(it.next());
          n++;
        }
      }
      return n;
    }
    List<Row> all = new ArrayList<>();
    try (CloseableIterator<Row> it = SnapshotScan.liveRowsWithLineage(files, base, bin)) {
      it.forEachRemaining(all::add);
    }
    all.sort(comparator(sort));
    all.forEach(writer::write);
    return all.size();
  }

  private static Comparator<Row> comparator(List<SortKey> sort) {
    Comparator<Row> c = null;
    for (SortKey k : sort) {
      Comparator<Object> values = Comparator.comparing(v -> comparable(v));
      if (k.direction() == io.datashard.SortOrder.Direction.DESC) {
        values = values.reversed();
      }
      Comparator<Object> withNulls = k.nullOrder() == io.datashard.SortOrder.NullOrder.NULLS_FIRST
          ? Comparator.nullsFirst(values) : Comparator.nullsLast(values);
      int pos = k.position();
      Comparator<Row> next = Comparator.comparing(r -> r.get(pos), withNulls);
      c = c == null ? next : c.thenComparing(next);
    }
    return c;
  }

  @SuppressWarnings("unchecked")
  private static Comparable<Object> comparable(Object v) {
    return (Comparable<Object>) v; // every DataShard value type except ByteBuffer-backed ones is Comparable; ByteBuffer is too
  }

  /** Groups small files by partition and packs each group into bins of about the target size. */
  static List<List<DataFile>> plan(Iterable<DataFile> live, long target, long min) {
    return plan(live, target, min, 2, Integer.MAX_VALUE, java.util.Set.of(), 0);
  }

  /**
   * As {@link #plan(Iterable, long, long)}, only for partitions with at least {@code minFiles} small files, the
   * fullest first, with at most {@code maxFiles} files over all bins, and with the larger files of a partition left
   * out by {@code sizeRatio} (see {@link #sizeRatio(int)}; 0 for none).
   */
  static List<List<DataFile>> plan(Iterable<DataFile> live, long target, long min, int minFiles, int maxFiles,
                                   java.util.Set<String> deleteHeavy, int sizeRatio) {
    List<List<DataFile>> all = planAll(live, target, min, minFiles, maxFiles < Integer.MAX_VALUE, deleteHeavy,
        sizeRatio);
    List<List<DataFile>> bounded = new ArrayList<>();
    int n = 0;
    for (List<DataFile> bin : all) {
      if (n + bin.size() > maxFiles) {
        if (n == 0) {
          bounded.add(bin.subList(0, Math.max(2, maxFiles))); // one bin cut to the bound
        }
        break;
      }
      bounded.add(bin);
      n += bin.size();
    }
    return bounded;
  }

  private static List<List<DataFile>> planAll(Iterable<DataFile> live, long target, long min, int minFiles,
      boolean fullestFirstOrder, java.util.Set<String> deleteHeavy, int sizeRatio) {
    Map<List<Object>, List<DataFile>> groups = new LinkedHashMap<>();
    for (DataFile f : live) {
      if (f.fileSizeInBytes() < min || deleteHeavy.contains(f.location())) {
        List<Object> key = new ArrayList<>();
        key.add(f.specId());
        key.addAll(f.partition());
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
      }
    }
    List<List<DataFile>> fullestFirst = new ArrayList<>(groups.values());
    // a partition with a delete-heavy file is worth rewriting even when it has fewer small files
    fullestFirst.removeIf(g -> g.size() < minFiles && g.stream().noneMatch(f -> deleteHeavy.contains(f.location())));
    if (fullestFirstOrder) {
      fullestFirst.sort(Comparator.comparingInt(g -> -g.size()));
    }
    List<List<DataFile>> bins = new ArrayList<>();
    for (List<DataFile> group : fullestFirst) {
      group.sort(sizeRatio > 0 ? Comparator.comparingLong(DataFile::recordCount)
          : Comparator.comparingLong(DataFile::fileSizeInBytes));
      List<DataFile> bin = new ArrayList<>();
      long size = 0;
      long rows = 0;
      for (DataFile f : group) {
        boolean heavy = deleteHeavy.contains(f.location());
        if (sizeRatio > 0 && !heavy && !bin.isEmpty() && f.recordCount() > sizeRatio * rows) {
          continue; // larger than the bin is worth merging with: left until the smaller files have grown
        }
        if (!bin.isEmpty() && size + f.fileSizeInBytes() > target) {
          addIfWorthIt(bins, bin, deleteHeavy);
          bin = new ArrayList<>();
          size = 0;
          rows = 0;
        }
        bin.add(f);
        size += f.fileSizeInBytes();
        rows += f.recordCount();
      }
      addIfWorthIt(bins, bin, deleteHeavy);
    }
    return bins;
  }

  /** A bin is worth rewriting when it merges files, or when it applies the deletes of a delete-heavy one. */
  private static void addIfWorthIt(List<List<DataFile>> bins, List<DataFile> bin, java.util.Set<String> deleteHeavy) {
    if (bin.size() >= 2 || (bin.size() == 1 && deleteHeavy.contains(bin.get(0).location()))) {
      bins.add(bin);
    }
  }

  @Override
  public String toString() {
    return "RewriteDataFiles{" + ops.tableName() + ", sortBy=" + sortColumns + ", target=" + Objects.toString(targetSize)
        + "}";
  }
}
