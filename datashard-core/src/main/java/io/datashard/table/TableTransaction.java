package io.datashard.table;

import io.datashard.Snapshot;
import io.datashard.Transaction;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.expressions.Expression;
import io.datashard.expressions.Binder;
import io.datashard.expressions.InclusiveMetricsEvaluator;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.update.ReplaceFiles;
import io.datashard.update.RowDeletion;
import io.datashard.manifest.TableFiles;
import io.datashard.scan.SnapshotScan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link Transaction} implementation, also behind {@link io.datashard.Table#deleteWhere} and
 * {@link io.datashard.Table#overwrite}: data changes accumulate as files to add and files to remove, relative to
 * the version the transaction started on, and commit as one {@link ReplaceFiles}.
 */
final class TableTransaction implements Transaction {
  private final TableOperations ops;
  private final TableFiles files;
  private final TableMetadata base;
  private final Map<String, DataFile> added = new LinkedHashMap<>();
  private final Map<String, DataFile> removed = new LinkedHashMap<>();
  private final Map<String, String> setProps = new HashMap<>();
  private final Set<String> removedProps = new HashSet<>();
  private Expression deleteFilter;
  private final List<DataFile> deleteFiles = new ArrayList<>();
  /** Committed deletion vectors the transaction's new ones replace (format version 3). */
  private final List<DataFile> replacedVectors = new ArrayList<>();
  private final Set<String> deletedFrom = new HashSet<>();
  private boolean done;

  TableTransaction(TableOperations ops, TableFiles files) {
    this.ops = ops;
    this.files = files;
    this.base = ops.refresh();
  }

  private void checkOpen() {
    if (done) {
      throw new ValidationException("transaction already committed or closed");
    }
  }

  @Override
  public Transaction appendRecords(List<? extends Map<String, ?>> records) {
    checkOpen();
    List<DataFile> written;
    try (TableAppender a = new TableAppender(ops, files, base, null)) {
      a.addAll(records);
      written = a.completeWithoutCommit();
    }
    written.forEach(f -> added.put(f.location(), f));
    return this;
  }

  @Override
  public Transaction deleteWhere(Expression filter) {
    checkOpen();
    delete(filter, true, io.datashard.update.WriteModes.deletesMergeOnRead(base.properties()));
    return this;
  }

  @Override
  public Transaction upsert(List<? extends Map<String, ?>> records) {
    checkOpen();
    Expression keys = io.datashard.update.UpsertKeys.filter(base.schema(), records);
    if (io.datashard.update.EqualityDeletion.applies(base)) {
      // Committed rows: an equality delete of the keys (nothing read). Rows this transaction appended share the
      // new snapshot's sequence number, which the equality delete does not reach: they are rewritten instead.
      delete(keys, false, true);
      deleteFiles.addAll(io.datashard.update.EqualityDeletion.write(files, base, records));
    } else {
      delete(keys, true, io.datashard.update.WriteModes.upsertsMergeOnRead(base.properties()));
    }
    return appendRecords(records);
  }

  /**
   * @param filter rows to delete
   * @param committedToo whether rows of the base snapshot are deleted too (else only rows this transaction wrote)
   * @param mergeOnRead whether committed rows get position delete files instead of rewritten files
   */
  private void delete(Expression filter, boolean committedToo, boolean mergeOnRead) {
    deleteFilter = deleteFilter == null ? filter : io.datashard.expressions.Expressions.or(deleteFilter, filter);
    List<DataFile> candidates = new ArrayList<>();
    if (committedToo) {
      for (DataFile f : ((SnapshotScan) SnapshotScan.of(files, base).filter(filter)).planDataFiles()) {
        if (!removed.containsKey(f.location())) {
          candidates.add(f);
        }
      }
    }
    Expression bound = Binder.bind(base.schema(), filter);
    for (DataFile f : added.values()) {
      if (InclusiveMetricsEvaluator.mightMatch(bound, SnapshotScan.statsOf(f, base.schema()))) {
        candidates.add(f);
      }
    }
    if (mergeOnRead) {
      // Files of the base snapshot get position deletes; files this transaction wrote are not committed yet and
      // are simply rewritten below.
      List<DataFile> committed = new ArrayList<>();
      List<DataFile> own = new ArrayList<>();
      for (DataFile f : candidates) {
        (added.containsKey(f.location()) ? own : committed).add(f);
      }
      io.datashard.update.PositionDeletion deletes = new io.datashard.update.PositionDeletion(files, base, filter)
          .withPending(deleteFiles).apply(committed);
      deleteFiles.removeAll(deletes.supersededPending()); // their positions are in the new vectors
      deleteFiles.addAll(deletes.deleteFiles());
      replacedVectors.addAll(deletes.replacedDeletionVectors());
      deletedFrom.addAll(deletes.referencedDataFiles());
      candidates = own;
    }
    RowDeletion deletion = new RowDeletion(files, base, filter).apply(candidates);
    for (DataFile f : deletion.removed()) {
      if (added.remove(f.location()) != null) {
        files.deleteQuietly(List.of(f.location())); // written by this transaction: simply gone
      } else {
        removed.put(f.location(), f);
      }
    }
    deletion.added().forEach(f -> added.put(f.location(), f));
  }

  @Override
  public Transaction setProperty(String key, String value) {
    checkOpen();
    removedProps.remove(key);
    setProps.put(key, value);
    return this;
  }

  @Override
  public Transaction removeProperty(String key) {
    checkOpen();
    setProps.remove(key);
    removedProps.add(key);
    return this;
  }

  @Override
  public Snapshot commit() {
    checkOpen();
    done = true;
    String operation = removed.isEmpty() && deleteFiles.isEmpty() ? "append"
        : added.isEmpty() ? "delete" : "overwrite";
    ReplaceFiles replace = new ReplaceFiles(ops, files, operation).rowsReadAt(base);
    removed.values().forEach(replace::removeFile);
    added.values().forEach(replace::addFile);
    deleteFiles.forEach(replace::addFile);
    replacedVectors.forEach(replace::removeDeleteFile);
    replace.requireLive(deletedFrom);
    if (deleteFilter != null) {
      replace.validateNoConflictingAppends(base.currentSnapshot() == null ? null : base.currentSnapshot().snapshotId(),
          deleteFilter, io.datashard.update.IsolationLevel.fromProperties(base.properties(),
              io.datashard.update.IsolationLevel.DELETE_PROPERTY));
    }
    if (!setProps.isEmpty() || !removedProps.isEmpty()) {
      Map<String, String> sets = Map.copyOf(setProps);
      Set<String> removes = Set.copyOf(removedProps);
      replace.withMetadataChange(m -> {
        boolean unchanged = removes.stream().noneMatch(m.properties()::containsKey)
            && sets.entrySet().stream().allMatch(e -> e.getValue().equals(m.properties().get(e.getKey())));
        return unchanged ? m : m.withProperties(sets, removes, Math.max(System.currentTimeMillis(), m.lastUpdatedMillis()));
      });
    }
    return replace.commit(); // deletes the added files itself when it fails
  }

  @Override
  public void close() {
    if (!done) {
      done = true;
      files.deleteQuietly(added.keySet());
      files.deleteQuietly(deleteFiles.stream().map(DataFile::location).toList());
    }
  }
}
