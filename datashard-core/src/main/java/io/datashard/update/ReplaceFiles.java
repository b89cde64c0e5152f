package io.datashard.update;

import io.datashard.manifest.TableFiles;
import io.datashard.CommitConflictException;
import io.datashard.StaleReadConflictException;
import io.datashard.PartitionSpec;
import io.datashard.Snapshot;
import io.datashard.commit.TableOperations;
import io.datashard.manifest.ManifestWriter;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Commits a snapshot that removes some data files and adds others, atomically: compaction ({@code replace}),
 * copy-on-write deletes ({@code delete}) and overwrites ({@code overwrite}).
 *
 * <p>On each attempt the base's manifests that hold a removed file are rewritten (the file as DELETED, the
 * rest as EXISTING); the others are kept. The operation stays valid on a newer base as long as every file it
 * removes is still live there: files appended concurrently are simply carried along. If a concurrent commit
 * already removed one of them, the commit fails with {@link StaleReadConflictException} (not retried here: the
 * operation's rows were read from those files; the table's one-shot operations run again from the start) and deletes
 * what it wrote.
 */
public final class ReplaceFiles extends SnapshotProducer {
  private final String operation;
  private final Set<String> toRemove = new HashSet<>();
  /** Deletion vectors replaced by new ones (format version 3), by {@link #deleteKey}. */
  private final Set<String> toRemoveDeletes = new HashSet<>();
  /** Data files the added deletion vectors apply to: no other vector may appear for them. */
  private final Set<String> vectorTargets = new HashSet<>();
  private boolean removeDangling;
  private final List<DataFile> toAdd = new ArrayList<>();
  private List<ManifestFile> addedManifests = List.of();
  private Long startSnapshotId;
  private final Set<String> requiredLive = new HashSet<>();
  /** The last sequence number of the version whose rows were read; -1 until known (then the start's). */
  private long rowsReadAtSequence = -1;
  private io.datashard.expressions.Expression conflictFilter;
  private IsolationLevel isolation = IsolationLevel.SNAPSHOT;
  private java.util.function.UnaryOperator<TableMetadata> metadataChange = java.util.function.UnaryOperator.identity();

  /**
   * @param operation the snapshot summary's operation: replace, delete or overwrite
   */
  public ReplaceFiles(TableOperations ops, TableFiles files, String operation) {
    super(ops, files);
    this.operation = operation;
  }

  /**
   * Names the version the copied rows were read from (their deletes applied), when it is older than the version
   * {@link #commit()} starts from: a delete file committed after it fails the commit instead of being lost.
   *
   * @param version the version the caller read the rows of the removed files from
   * @return this
   */
  public ReplaceFiles rowsReadAt(TableMetadata version) {
    this.rowsReadAtSequence = version.lastSequenceNumber();
    return this;
  }

  /** Removes a live data file (by location). */
  public ReplaceFiles removeFile(DataFile file) {
    toRemove.add(file.location());
    return this;
  }

  /**
   * Requires data files to be live in the version the change commits on: position delete files name their rows
   * by data file, and a concurrent commit that removed one of them (compaction, a copy-on-write delete) would
   * leave the deletes pointing at nothing while the rows live on in its copy.
   *
   * @param dataFileLocations the data files the added delete files reference
   * @return this
   */
  public ReplaceFiles requireLive(Collection<String> dataFileLocations) {
    requiredLive.addAll(dataFileLocations);
    return this;
  }

  /** Adds a newly written data file, or a delete file (position or equality deletes, a deletion vector). */
  public ReplaceFiles addFile(DataFile file) {
    toAdd.add(file);
    if (file.isDeletionVector()) {
      vectorTargets.add(file.referencedDataFile());
    }
    return this;
  }

  /**
   * Removes a live deletion vector that an added one replaces (format version 3 allows one vector per data file;
   * the new one holds the old one's positions). When a concurrent commit removed or replaced it, or added another
   * vector for the same data file, the commit fails with {@link StaleReadConflictException}.
   *
   * @param vector the deletion vector to remove
   * @return this
   */
  public ReplaceFiles removeDeleteFile(DataFile vector) {
    toRemoveDeletes.add(deleteKey(vector));
    return this;
  }

  /**
   * Removes, in the same commit, the delete files that no longer apply to any data file left live (compaction
   * applied their deletes to the files it rewrote): a deletion vector or position delete file of one removed data
   * file, a position delete file with no remaining data file of its partition as old as it, an equality delete file
   * with no remaining data file older than it in its partition (in any partition when unpartitioned). Data files
   * appended concurrently are newer than every such delete file, so none would have applied to them.
   *
   * @return this
   */
  public ReplaceFiles removeDanglingDeletes() {
    this.removeDangling = true;
    return this;
  }

  /** The data files a commit leaves live, as the spec's delete rules need them: where, and how old. */
  private record Remaining(Set<String> locations, Map<List<Object>, Long> oldestByPartition, long oldest) {
    boolean positionDeleteApplies(ManifestEntry e) {
      DataFile d = e.file();
      if (d.referencedDataFile() != null) {
        return locations.contains(d.referencedDataFile());
      }
      Long oldestHere = oldestByPartition.get(partitionKey(d));
      return oldestHere != null && oldestHere <= sequence(e);
    }

    boolean equalityDeleteApplies(ManifestEntry e, boolean global) {
      Long o = global ? (locations.isEmpty() ? null : oldest) : oldestByPartition.get(partitionKey(e.file()));
      return o != null && o < sequence(e);
    }

    static long sequence(ManifestEntry e) {
      return e.dataSequenceNumber() == null ? 0 : e.dataSequenceNumber();
    }
  }

  private static List<Object> partitionKey(DataFile f) {
    List<Object> key = new ArrayList<>();
    key.add(f.specId());
    key.addAll(f.partition());
    return key;
  }

  private Remaining remaining(TableMetadata base, List<ManifestFile> manifests) {
    Set<String> locations = new HashSet<>();
    Map<List<Object>, Long> oldest = new java.util.HashMap<>();
    long oldestAll = Long.MAX_VALUE;
    for (ManifestFile m : manifests) {
      if (m.content() != ManifestFile.CONTENT_DATA || !m.hasLiveFiles()) {
        continue;
      }
      for (ManifestEntry e : files.entries(m)) {
        if (e.isLive() && !toRemove.contains(e.file().location())) {
          long seq = Remaining.sequence(e);
          locations.add(e.file().location());
          oldest.merge(partitionKey(e.file()), seq, Math::min);
          oldestAll = Math.min(oldestAll, seq);
        }
      }
    }
    return new Remaining(locations, oldest, oldestAll);
  }

  /** @return whether a live delete file still applies to a data file the commit leaves live */
  private static boolean applies(TableMetadata base, Remaining remaining, ManifestEntry e) {
    if (e.file().content() == DataFile.CONTENT_POSITION_DELETES) {
      return remaining.positionDeleteApplies(e);
    }
    PartitionSpec spec = base.specById(e.file().specId());
    return remaining.equalityDeleteApplies(e, spec == null || spec.isUnpartitioned());
  }

  /** @return what identifies a delete file: a deletion vector shares its Puffin file with others */
  private static String deleteKey(DataFile f) {
    return f.isDeletionVector() ? f.location() + "#" + f.contentOffset() : f.location();
  }

  /**
   * Validates, on every attempt, that no commit since {@code startSnapshotId} added data files that might hold
   * rows {@code filter} matches, when {@code level} is {@link IsolationLevel#SERIALIZABLE}. With
   * {@link IsolationLevel#SNAPSHOT} concurrent appends are carried along.
   *
   * @param startSnapshotId the snapshot the operation read (null for an empty table)
   * @param filter rows the operation removes or rewrites
   * @param level the isolation level
   * @return this
   */
  public ReplaceFiles validateNoConflictingAppends(Long startSnapshotId, io.datashard.expressions.Expression filter,
                                                   IsolationLevel level) {
    this.startSnapshotId = startSnapshotId;
    this.conflictFilter = filter;
    this.isolation = level;
    return this;
  }

  /**
   * Applies a metadata change (such as new properties) in the same commit as the file changes.
   *
   * @param change applied to each attempt's base before the snapshot is added
   */
  public ReplaceFiles withMetadataChange(java.util.function.UnaryOperator<TableMetadata> change) {
    this.metadataChange = change;
    return this;
  }

  /**
   * @return the new snapshot, or the current one when there is nothing to remove or add
   * @throws StaleReadConflictException when a removed file is gone from the latest version
   * @throws CommitConflictException when retries ran out
   */
  public Snapshot commit() {
    TableMetadata start = ops.refresh();
    if (toRemove.isEmpty() && toAdd.isEmpty() && toRemoveDeletes.isEmpty()) {
      TableMetadata changed = metadataChange.apply(start);
      if (changed != start) {
        return CommitLoop.run(ops, start, operation, (base, attempt) -> metadataChange.apply(base))
            .metadata().currentSnapshot();
      }
      return start.currentSnapshot();
    }
    return commitSnapshot(start);
  }

  @Override
  protected String operation() {
    return operation;
  }

  @Override
  protected void prepare(TableMetadata start) {
    if (rowsReadAtSequence < 0) {
      rowsReadAtSequence = start.lastSequenceNumber();
    }
    writtenOnce(toAdd.stream().map(DataFile::location).toList());
    addedManifests = toAdd.isEmpty() ? List.of()
        : files.writeAddedManifests(commitId, start, start.schema(), snapshotId, toAdd);
    writtenOnce(addedManifests.stream().map(ManifestFile::location).toList());
  }

  @Override
  protected TableMetadata apply(TableMetadata base, int attempt) {
    Snapshot parent = base.currentSnapshot();
    validateIsolation(base, parent, attempt);
    long seq = base.lastSequenceNumber() + 1;
    List<ManifestFile> manifests = new ArrayList<>();
    manifests.addAll(addedManifests);
    Set<String> found = new HashSet<>();
    Set<String> foundDeletes = new HashSet<>();
    Set<String> liveRequired = new HashSet<>();
    List<DataFile> removed = new ArrayList<>();
    List<ManifestFile> parentManifests = parent == null ? List.of() : files.manifestsToRead(base, parent, operation);
    Remaining remaining = removeDangling && !toRemove.isEmpty() ? remaining(base, parentManifests) : null;
    Set<String> dangling = new HashSet<>();
    int n = 0;
    for (ManifestFile m : parentManifests) {
      if (m.content() != ManifestFile.CONTENT_DATA) {
        validateNoNewDeletes(base, m, attempt);
        if (!m.hasLiveFiles()) {
          continue;
        }
        if (toRemoveDeletes.isEmpty() && vectorTargets.isEmpty() && remaining == null) {
          manifests.add(m); // delete files are carried as they are
          continue;
        }
        List<ManifestEntry> deletes = files.entries(m);
        boolean replaces = false;
        for (ManifestEntry e : deletes) {
          if (!e.isLive()) {
            continue;
          }
          String key = deleteKey(e.file());
          if (toRemoveDeletes.contains(key)) {
            replaces = true;
          } else if (remaining != null && !applies(base, remaining, e)) {
            dangling.add(key);
            replaces = true;
          } else if (e.file().isDeletionVector() && vectorTargets.contains(e.file().referencedDataFile())) {
            throw new StaleReadConflictException("table " + ops.tableName() + ": " + operation + " conflicts with "
                + "a concurrent commit that added a deletion vector for " + e.file().referencedDataFile()
                + " (a data file has one vector at most); nothing was committed (run it again)", attempt);
          }
        }
        if (!replaces) {
          manifests.add(m);
          continue;
        }
        if (deletes.stream().filter(ManifestEntry::isLive).allMatch(e -> dangling.contains(deleteKey(e.file()))
            || toRemoveDeletes.contains(deleteKey(e.file())))) {
          deletes.stream().filter(ManifestEntry::isLive).forEach(e -> foundDeletes.add(deleteKey(e.file())));
          continue; // every delete file in it is removed: the manifest is not carried forward
        }
        String location = attemptFile(files.manifestLocation(commitId + "-a" + attempt, ++n));
        // without the deletion vectors being replaced and the dangling delete files
        manifests.add(rewrite(base, m, deletes, location,
            f -> toRemoveDeletes.contains(deleteKey(f)) || dangling.contains(deleteKey(f)),
            f -> foundDeletes.add(deleteKey(f))));
        continue;
      }
      List<ManifestEntry> entries = files.entries(m);
      if (!requiredLive.isEmpty()) {
        for (ManifestEntry e : entries) {
          if (e.isLive()) {
            liveRequired.add(e.file().location());
          }
        }
      }
      boolean touches = entries.stream().anyMatch(e -> e.isLive() && toRemove.contains(e.file().location()));
      if (!touches) {
        if (m.hasLiveFiles()) { // manifests left holding only deletes are not carried forward
          manifests.add(m);
        }
        continue;
      }
      String location = attemptFile(files.manifestLocation(commitId + "-a" + attempt, ++n));
      manifests.add(rewrite(base, m, entries, location, f -> toRemove.contains(f.location()), f -> {
        found.add(f.location());
        removed.add(f);
      }));
    }
    if (!requiredLive.isEmpty() && !liveRequired.containsAll(requiredLive)) {
      Set<String> gone = new HashSet<>(requiredLive);
      gone.removeAll(liveRequired);
      throw new StaleReadConflictException("table " + ops.tableName() + ": " + operation + " conflicts with a "
          + "concurrent commit that removed " + gone.size() + " data file(s) its position deletes name (e.g. "
          + gone.iterator().next() + ", rewritten by compaction or a copy-on-write delete); nothing was committed "
          + "(run it again)", attempt);
    }
    if (!foundDeletes.containsAll(toRemoveDeletes)) {
      throw new StaleReadConflictException("table " + ops.tableName() + ": " + operation + " conflicts with a "
          + "concurrent commit that replaced or removed a deletion vector it merged; nothing was committed (run it "
          + "again)", attempt);
    }
    if (!found.containsAll(toRemove)) {
      Set<String> missing = new HashSet<>(toRemove);
      missing.removeAll(found);
      throw new StaleReadConflictException("table " + ops.tableName() + ": " + operation + " conflicts with a "
          + "concurrent commit that already removed " + missing.size() + " of its files (e.g. "
          + missing.iterator().next() + "); nothing was committed", attempt);
    }
    String list = attemptFile(files.manifestListLocation(snapshotId, attempt));
    Long rowIds = files.writeManifestList(list, snapshotId, parent == null ? null : parent.snapshotId(), seq, manifests,
        base);
    Map<String, String> summary = SnapshotSummary.of(operation, commitId, toAdd, manifests, parent);
    long addedBytes = toAdd.stream().mapToLong(DataFile::fileSizeInBytes).sum();
    long removedBytes = removed.stream().mapToLong(DataFile::fileSizeInBytes).sum();
    summary.put("deleted-data-files", Integer.toString(removed.size()));
    if (!dangling.isEmpty()) {
      summary.put("removed-delete-files", Integer.toString(dangling.size()));
    }
    summary.put("deleted-records", Long.toString(removed.stream().mapToLong(DataFile::recordCount).sum()));
    summary.put("removed-files-size", Long.toString(removedBytes));
    SnapshotSummary.carryTotalSize(summary, parent, addedBytes - removedBytes);
    return metadataChange.apply(base).withNewCurrentSnapshot(newSnapshot(base, parent, seq, list, summary, rowIds));
  }

  /**
   * The rows this operation copies out of the files it removes were read with the deletes of its starting snapshot
   * applied. A delete file committed concurrently (a merge-on-read delete by any engine) may delete rows of those
   * files: committing would resurrect them in the copies, so the operation fails instead (as Apache Iceberg's
   * rewrites validate that no new deletes apply to the files they replace).
   */
  private void validateNoNewDeletes(TableMetadata base, ManifestFile deleteManifest, int attempt) {
    if (toRemove.isEmpty() || rowsReadAtSequence < 0 || deleteManifest.sequenceNumber() <= rowsReadAtSequence) {
      return;
    }
    for (ManifestEntry e : files.entries(deleteManifest)) {
      if (e.isLive() && e.dataSequenceNumber() != null && e.dataSequenceNumber() > rowsReadAtSequence) {
        throw new StaleReadConflictException("table " + ops.tableName() + ": " + operation + " conflicts with a "
            + "concurrent commit that added the delete file " + e.file().location() + ", which may delete rows of "
            + "the files it rewrites; nothing was committed (run it again)", attempt);
      }
    }
  }

  private void validateIsolation(TableMetadata base, Snapshot parent, int attempt) {
    if (isolation != IsolationLevel.SERIALIZABLE || conflictFilter == null || parent == null) {
      return;
    }
    Set<Long> since = new HashSet<>();
    for (Snapshot s = parent; s != null && !java.util.Objects.equals(s.snapshotId(), startSnapshotId);
         s = s.parentId() == null ? null : base.snapshot(s.parentId())) {
      since.add(s.snapshotId());
    }
    if (since.isEmpty()) {
      return;
    }
    io.datashard.expressions.Expression bound = io.datashard.expressions.Binder.bind(base.schema(), conflictFilter);
    for (ManifestFile m : files.manifestsToRead(base, parent, operation)) {
      if (!since.contains(m.addedSnapshotId()) || m.content() != ManifestFile.CONTENT_DATA) {
        continue;
      }
      for (ManifestEntry e : files.entries(m)) {
        if (e.status() == ManifestEntry.ADDED && (e.snapshotId() == null || since.contains(e.snapshotId()))
            && io.datashard.expressions.InclusiveMetricsEvaluator.mightMatch(bound,
                io.datashard.scan.SnapshotScan.statsOf(e.file(), base.schema()))) {
          throw new io.datashard.IsolationConflictException("table " + ops.tableName() + ": " + operation
              + " conflicts with snapshot " + e.snapshotId() + ", committed concurrently, which added " + e.file().location()
              + " that may hold rows matching " + conflictFilter + " (serializable isolation; set "
              + IsolationLevel.DELETE_PROPERTY + "=snapshot to allow); nothing was committed", attempt);
        }
      }
    }
  }

  /**
   * Rewrites a manifest of the base: its live entries that {@code drop} names become DELETED (each handed to
   * {@code dropped}), the rest EXISTING; entries already deleted are not carried forward.
   */
  private ManifestFile rewrite(TableMetadata base, ManifestFile m, List<ManifestEntry> entries, String location,
                               java.util.function.Predicate<DataFile> drop,
                               java.util.function.Consumer<DataFile> dropped) {
    ManifestWriter w = ManifestWriter.create(files.storage().newOutputFile(location), base.specById(m.specId()),
        base.schema(), snapshotId, m.content() != ManifestFile.CONTENT_DATA, base.formatVersion());
    try {
      for (ManifestEntry e : entries) {
        if (!e.isLive()) {
          continue;
        }
        if (drop.test(e.file())) {
          dropped.accept(e.file());
          w.delete(e.file(), e.dataSequenceNumber(), e.fileSequenceNumber());
        } else {
          w.existing(e.file(), e.snapshotId(), e.dataSequenceNumber(), e.fileSequenceNumber());
        }
      }
    } finally {
      w.close();
    }
    return w.toManifestFile();
  }

  /** @return the live data files of the table's current snapshot, keyed by location */
  public static Map<String, DataFile> liveFiles(TableFiles files, TableMetadata metadata) {
    Map<String, DataFile> live = new LinkedHashMap<>();
    Snapshot s = metadata.currentSnapshot();
    if (s == null) {
      return live;
    }
    for (ManifestFile m : files.manifestsToRead(metadata, s, "rewrite")) {
      if (m.content() != ManifestFile.CONTENT_DATA) {
        continue;
      }
      for (ManifestEntry e : files.entries(m)) {
        if (e.isLive()) {
          live.put(e.file().location(), e.file());
        }
      }
    }
    return live;
  }
}
