package io.datashard.update;

import io.datashard.CloseableIterator;
import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Types;
import io.datashard.expressions.Binder;
import io.datashard.expressions.Evaluator;
import io.datashard.expressions.Expression;
import io.datashard.manifest.TableFiles;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.parquet.DataFileReader;
import io.datashard.parquet.ParquetOptions;
import io.datashard.parquet.RollingDataWriter;
import io.datashard.partition.Partitioner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Merge-on-read deletion ({@code write.delete.mode=merge-on-read}): instead of rewriting the data files a filter
 * touches, writes Iceberg v2 position delete files that name each matching row by data file and position, one set
 * per partition, so a delete costs in proportion to the rows it removes rather than to the files that hold them.
 * Scans (of any engine) apply them; compaction later folds them into rewritten files.
 *
 * <p>Matching follows SQL, as copy-on-write does: a row whose filter evaluates to null is kept. A row already
 * deleted (by an earlier delete file) that matches again gets a second position delete, which changes nothing.
 */
public final class PositionDeletion {
  /** Iceberg's reserved field ids and names of a position delete file's columns. */
  public static final Schema POSITION_DELETE_SCHEMA = Schema.of(
      Field.required(2147483546, "file_path", Types.STRING),
      Field.required(2147483545, "pos", Types.LONG));

  private final TableFiles files;
  private final TableMetadata base;
  private final Schema schema;
  private final Evaluator matches;
  private final String writeId = UUID.randomUUID().toString();
  private final List<DataFile> deleteFiles = new ArrayList<>();
  private final Set<String> referenced = new LinkedHashSet<>();
  private final List<DataFile> replacedVectors = new ArrayList<>();
  private final List<DataFile> supersededPending = new ArrayList<>();
  private List<DataFile> pending = List.of();
  private long deletedRows;
  private int fileNumber;

  /**
   * @param files the table's files
   * @param base the version whose data the filter is evaluated on
   * @param filter rows to delete
   */
  public PositionDeletion(TableFiles files, TableMetadata base, Expression filter) {
    this.files = files;
    this.base = base;
    this.schema = base.schema();
    this.matches = new Evaluator(schema, Binder.bind(schema, filter));
  }

  /**
   * Finds the matching rows of the candidate data files (live files of the base snapshot; files the filter cannot
   * match may be omitted) and writes their position delete files.
   *
   * @return this
   */
  public PositionDeletion apply(Collection<DataFile> candidates) {
    // Per partition (spec and values), the data files in path order: each delete file is sorted by
    // (file_path, pos), as the spec requires.
    Map<List<Object>, List<DataFile>> byPartition = new LinkedHashMap<>();
    List<DataFile> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.comparing(DataFile::location));
    for (DataFile f : sorted) {
      List<Object> key = new ArrayList<>();
      key.add(f.specId());
      key.addAll(f.partition());
      byPartition.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
    }
    try {
      if (base.formatVersion() >= 3) {
        writeDeletionVectors(sorted);
        return this;
      }
      for (List<DataFile> group : byPartition.values()) {
        writeDeletes(group);
      }
    } catch (RuntimeException e) {
      abort();
      throw e;
    }
    return this;
  }

  private void writeDeletes(List<DataFile> group) {
    java.util.TreeMap<String, long[]> positions = new java.util.TreeMap<>();
    for (DataFile f : group) {
      long[] matched = matchingPositions(f);
      if (matched.length > 0) {
        positions.put(f.location(), matched);
      }
    }
    if (positions.isEmpty()) {
      return; // nothing matched: no delete file
    }
    DataFile first = group.get(0);
    deleteFiles.addAll(writePositionDeletes(files, base, first.specId(), first.partition(),
        partitionPath -> files.deleteFileLocation(partitionPath, writeId, fileNumber++), positions));
    referenced.addAll(positions.keySet());
    positions.values().forEach(p -> deletedRows += p.length);
  }

  /**
   * Writes version 2 position delete files for one partition, sorted by data file and position as the spec requires.
   * Plaintext even on an encrypted table: they hold data-file paths and row positions, no column values, and readers
   * load them without keys (docs/encryption.md).
   *
   * @param specId the spec of the partition
   * @param partition its values
   * @param location the location of the next file, given the partition's folder (null when unpartitioned)
   * @param positions the sorted positions to delete, by data file location
   * @return the delete files written (named with {@code referenced_data_file} when they delete from one file)
   */
  public static List<DataFile> writePositionDeletes(TableFiles files, TableMetadata base, int specId,
                                                    List<Object> partition,
                                                    java.util.function.Function<String, String> location,
                                                    java.util.SortedMap<String, long[]> positions) {
    PartitionSpec spec = base.specById(specId);
    String path = spec == null || spec.isUnpartitioned() ? null
        : new Partitioner(spec, base.schema()).path(partition);
    RollingDataWriter w = new RollingDataWriter(files.storage(), POSITION_DELETE_SCHEMA,
        ParquetOptions.fromProperties(base.properties()), () -> location.apply(path), null);
    List<DataFile> out = new ArrayList<>();
    try {
      positions.forEach((dataFile, pos) -> {
        for (long p : pos) {
          w.write(Row.wrap(POSITION_DELETE_SCHEMA, new Object[] {dataFile, p}));
        }
      });
      String single = positions.size() == 1 ? positions.firstKey() : null;
      for (DataFile d : w.complete()) {
        out.add(d.toBuilder().content(DataFile.CONTENT_POSITION_DELETES).specId(specId).partition(partition)
            .referencedDataFile(single).build());
      }
    } finally {
      w.close();
    }
    return out;
  }

  /**
   * Format version 3: one deletion vector per data file with matching rows, holding those positions and every
   * position already deleted from the file (its current vector, which the commit removes, and any version 2
   * position deletes), all in one Puffin file. The spec allows one vector per data file, so a concurrent commit
   * that adds another fails the commit (see {@link ReplaceFiles#removeDeleteFile}).
   */
  private void writeDeletionVectors(List<DataFile> candidates) {
    if (candidates.isEmpty()) {
      return;
    }
    Map<String, List<DataFile>> existing = new LinkedHashMap<>();
    java.util.Set<String> locations = new java.util.HashSet<>();
    candidates.forEach(f -> locations.add(f.location()));
    for (io.datashard.scan.SnapshotScan.PlannedFile p : ((io.datashard.scan.SnapshotScan)
        io.datashard.scan.SnapshotScan.of(files, base)).onlyDataFiles(locations).planFilesWithDeletes()) {
      existing.put(p.file().location(), p.deletes());
    }
    io.datashard.puffin.DeletionVectorFileWriter w = null;
    try {
      for (DataFile f : candidates) {
        long[] matched = matchingPositions(f);
        if (matched.length == 0) {
          continue;
        }
        List<DataFile> applying = existing.getOrDefault(f.location(), List.of());
        List<DataFile> mine = pending.stream()
            .filter(d -> d.isDeletionVector() && f.location().equals(d.referencedDataFile())).toList();
        List<DataFile> sources = new ArrayList<>(applying);
        sources.addAll(mine);
        long[] already = io.datashard.scan.DeletedPositions.of(files.storage(), f.location(), sources);
        long[] all = java.util.stream.LongStream.concat(java.util.Arrays.stream(already),
            java.util.Arrays.stream(matched)).sorted().distinct().toArray();
        if (all.length == already.length) {
          continue; // every matching row was deleted already
        }
        applying.stream().filter(DataFile::isDeletionVector).forEach(replacedVectors::add);
        supersededPending.addAll(mine);
        if (w == null) {
          w = new io.datashard.puffin.DeletionVectorFileWriter(
              files.storage().newOutputFile(files.deletionVectorFileLocation(writeId)));
        }
        w.add(f, all);
        referenced.add(f.location());
        deletedRows += all.length - already.length;
      }
    } finally {
      if (w != null) {
        w.close();
      }
    }
    if (w != null) {
      deleteFiles.addAll(w.deleteFiles());
    }
  }

  /** @return the positions of a data file's rows the filter matches, ascending */
  private long[] matchingPositions(DataFile f) {
    long[] out = new long[16];
    int n = 0;
    long pos = 0;
    try (CloseableIterator<Row> it = DataFileReader.read(
        files.storage().newInputFile(f.location(), f.fileSizeInBytes()), schema, files.keys().decryption(f))) {
      while (it.hasNext()) {
        if (matches.test(it.next())) {
          if (n == out.length) {
            out = java.util.Arrays.copyOf(out, n * 2);
          }
          out[n++] = pos;
        }
        pos++;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /**
   * (Format version 3) Deletion vectors written earlier in the same transaction, not committed yet: a new vector for
   * one of their data files holds their positions too, and supersedes them ({@link #supersededPending()}).
   *
   * @return this
   */
  public PositionDeletion withPending(List<DataFile> pendingVectors) {
    this.pending = List.copyOf(pendingVectors);
    return this;
  }

  /** @return the pending vectors the new ones supersede: the transaction drops them */
  public List<DataFile> supersededPending() {
    return supersededPending;
  }

  /** @return (format version 3) the deletion vectors the new ones replace: the commit removes them */
  public List<DataFile> replacedDeletionVectors() {
    return replacedVectors;
  }

  /** @return the position delete files written */
  public List<DataFile> deleteFiles() {
    return deleteFiles;
  }

  /** @return the data files the delete files name: they must still be live when the deletes commit */
  public Set<String> referencedDataFiles() {
    return referenced;
  }

  /** @return rows deleted (positions written) */
  public long deletedRows() {
    return deletedRows;
  }

  /** Deletes the delete files written (when the change is abandoned). */
  public void abort() {
    files.deleteQuietly(deleteFiles.stream().map(DataFile::location).distinct().toList());
  }
}
