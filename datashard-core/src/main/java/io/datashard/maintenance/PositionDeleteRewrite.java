package io.datashard.maintenance;

import io.datashard.Snapshot;
import io.datashard.commit.TableOperations;
import io.datashard.manifest.TableFiles;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.TableMetadata;
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
        w.add(p.file(), positions);
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
      for (DataFile dv : w.deleteFiles()) {
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
      TreeMap<String, long[]> positions = new TreeMap<>();
      for (DataFile d : group.values()) {
        DeletedPositions.ofPositionDeleteFile(files.storage(), d).forEach((path, pos) -> {
          if (live.contains(path)) {
            positions.merge(path, pos, (a, b) -> java.util.stream.LongStream.concat(java.util.Arrays.stream(a),
                java.util.Arrays.stream(b)).sorted().distinct().toArray());
          }
        });
      }
      DataFile first = group.values().iterator().next();
      group.values().forEach(replace::removeDeleteFile);
      changed = true;
      if (!positions.isEmpty()) {
        int[] n = {0};
        for (DataFile d : PositionDeletion.writePositionDeletes(files, base, first.specId(), first.partition(),
            partitionPath -> files.deleteFileLocation(partitionPath, writeId, n[0]++), positions)) {
          written.add(d);
          replace.addFile(d);
        }
      }
    }
    return changed;
  }
}
