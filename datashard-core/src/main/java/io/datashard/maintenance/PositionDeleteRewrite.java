package io.datashard.maintenance;

import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Snapshot;
import io.datashard.commit.TableOperations;
import io.datashard.manifest.TableFiles;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.parquet.ParquetOptions;
import io.datashard.parquet.RollingDataWriter;
import io.datashard.partition.Partitioner;
import io.datashard.puffin.DeletionVectorFileWriter;
import io.datashard.scan.DeletedPositions;
import io.datashard.scan.SnapshotScan;
import io.datashard.update.PositionDeletion;
import io.datashard.update.ReplaceFiles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Rewrites the position deletes of the current snapshot into fewer files, without touching data files: in format
 * version 2 the position delete files of each partition become one (positions of data files no longer live are
 * dropped); in format version 3 every data file's version 2 position deletes are folded, with its deletion vector,
 * into one new deletion vector (what a table upgraded from version 2 needs). One {@code replace} commit; a
 * concurrent commit that removed a delete file being rewritten, or added a vector for the same data file, fails it
 * with {@link io.datashard.StaleReadConflictException} and deletes what it wrote.
 */
public final class PositionDeleteRewrite {
  private final TableOperations ops;
  private final TableFiles files;
  private final String writeId = UUID.randomUUID().toString();

  public PositionDeleteRewrite(TableOperations ops, TableFiles files) {
    this.ops = ops;
    this.files = files;
  }

  /** @return the new snapshot, or the current one when there is nothing to rewrite */
  public Snapshot execute() {
    TableMetadata base = ops.refresh();
    if (base.currentSnapshot() == null) {
      return null;
    }
    List<SnapshotScan.PlannedFile> planned = ((SnapshotScan) SnapshotScan.of(files, base)).planFilesWithDeletes();
    List<DataFile> written = new ArrayList<>();
    ReplaceFiles replace = new ReplaceFiles(ops, files, "replace").rowsReadAt(base);
    try {
      boolean changed = base.formatVersion() >= 3 ? toVectors(base, planned, replace, written)
          : merged(base, planned, replace, written);
      if (!changed) {
        return base.currentSnapshot();
      }
    } catch (RuntimeException e) {
      files.deleteQuietly(written.stream().map(DataFile::location).distinct().toList());
      throw e;
    }
    return replace.commit(); // deletes what it wrote itself when it fails
  }

  private static boolean isPositionDeleteFile(DataFile d) {
    return d.content() == DataFile.CONTENT_POSITION_DELETES && !d.isDeletionVector();
  }

  /** Version 3: one deletion vector per data file that version 2 position deletes apply to. */
  private boolean toVectors(TableMetadata base, List<SnapshotScan.PlannedFile> planned, ReplaceFiles replace,
                            List<DataFile> written) {
    Map<String, DataFile> oldFiles = new LinkedHashMap<>();
    DeletionVectorFileWriter w = null;
    Map<String, DataFile> dataFiles = new LinkedHashMap<>();
    try {
      for (SnapshotScan.PlannedFile p : planned) {
        if (p.deletes().stream().noneMatch(PositionDeleteRewrite::isPositionDeleteFile)) {
          continue;
        }
        long[] positions = DeletedPositions.of(files.storage(), p.file().location(), p.deletes());
        for (DataFile d : p.deletes()) {
          if (isPositionDeleteFile(d)) {
            oldFiles.put(d.location(), d);
          } else if (d.isDeletionVector()) {
            replace.removeDeleteFile(d);
          }
        }
        if (positions.length == 0) {
          continue;
        }
        if (w == null) {
          w = new DeletionVectorFileWriter(files.storage().newOutputFile(files.deletionVectorFileLocation(writeId)));
        }
        w.add(p.file().location(), positions);
        dataFiles.put(p.file().location(), p.file());
      }
    } finally {
      if (w != null) {
        w.close();
      }
    }
    if (oldFiles.isEmpty()) {
      return false;
    }
    oldFiles.values().forEach(replace::removeDeleteFile);
    if (w != null) {
      for (DeletionVectorFileWriter.Written v : w.written()) {
        DataFile data = dataFiles.get(v.referencedDataFile());
        DataFile dv = DataFile.builder().content(DataFile.CONTENT_POSITION_DELETES).location(w.location())
            .fileFormat("PUFFIN").specId(data.specId()).partition(data.partition()).recordCount(v.cardinality())
            .fileSizeInBytes(w.fileSize()).referencedDataFile(v.referencedDataFile()).contentOffset(v.offset())
            .contentSizeInBytes(v.length()).build();
        written.add(dv);
        replace.addFile(dv);
      }
    }
    return true;
  }

  /** Version 2: the position delete files of each partition merged into one, sorted by data file and position. */
  private boolean merged(TableMetadata base, List<SnapshotScan.PlannedFile> planned, ReplaceFiles replace,
                         List<DataFile> written) {
    Set<String> live = new HashSet<>();
    Map<List<Object>, Map<String, DataFile>> byPartition = new LinkedHashMap<>();
    for (SnapshotScan.PlannedFile p : planned) {
      live.add(p.file().location());
      for (DataFile d : p.deletes()) {
        if (isPositionDeleteFile(d)) {
          List<Object> key = new ArrayList<>();
          key.add(d.specId());
          key.addAll(d.partition());
          byPartition.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(d.location(), d);
        }
      }
    }
    boolean changed = false;
    for (Map<String, DataFile> group : byPartition.values()) {
      if (group.size() < 2) {
        continue;
      }
      TreeMap<String, java.util.TreeSet<Long>> positions = new TreeMap<>();
      for (DataFile d : group.values()) {
        DeletedPositions.ofPositionDeleteFile(files.storage(), d).forEach((path, pos) -> {
          if (live.contains(path)) {
            java.util.TreeSet<Long> set = positions.computeIfAbsent(path, k -> new java.util.TreeSet<>());
            for (long x : pos) {
              set.add(x);
            }
          }
        });
      }
      DataFile first = group.values().iterator().next();
      group.values().forEach(replace::removeDeleteFile);
      changed = true;
      if (!positions.isEmpty()) {
        for (DataFile d : write(base, first, positions)) {
          written.add(d);
          replace.addFile(d);
        }
      }
    }
    return changed;
  }

  private List<DataFile> write(TableMetadata base, DataFile like, TreeMap<String, java.util.TreeSet<Long>> positions) {
    PartitionSpec spec = base.specById(like.specId());
    String path = spec == null || spec.isUnpartitioned() ? null
        : new Partitioner(spec, base.schema()).path(like.partition());
    int[] n = {0};
    RollingDataWriter w = new RollingDataWriter(files.storage(), PositionDeletion.POSITION_DELETE_SCHEMA,
        ParquetOptions.fromProperties(base.properties()), () -> files.deleteFileLocation(path, writeId, n[0]++), null);
    List<DataFile> out = new ArrayList<>();
    try {
      positions.forEach((dataFile, pos) -> pos.forEach(p -> w.write(Row.wrap(PositionDeletion.POSITION_DELETE_SCHEMA,
          new Object[] {dataFile, p}))));
      String single = positions.size() == 1 ? positions.firstKey() : null;
      for (DataFile d : w.complete()) {
        out.add(d.toBuilder().content(DataFile.CONTENT_POSITION_DELETES).specId(like.specId())
            .partition(like.partition()).referencedDataFile(single).build());
      }
    } finally {
      w.close();
    }
    return out;
  }
}
