package io.datashard.table;

import io.datashard.Appender;
import io.datashard.HistoryEntry;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.TableScan;
import io.datashard.commit.TableOperations;
import io.datashard.RemoveOrphanFiles;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.manifest.TableFiles;
import io.datashard.scan.SnapshotScan;
import java.util.List;
import java.util.Map;

/** The {@link Table} implementation: a name, the commit protocol's operations and the file layout. */
public final class TableHandle implements Table, io.datashard.update.TableInternals {
  private final String name;
  private final TableOperations ops;
  private final TableFiles files;
  private final GroupCommit groupCommit;
  private final io.datashard.maintenance.Upkeep upkeep;

  public TableHandle(String name, TableOperations ops) {
    this(name, ops, new GroupCommit());
  }

  /**
   * @param name the table's name
   * @param ops the handle's table operations
   * @param groupCommit the table's group commit, shared by the handles of one warehouse
   */
  public TableHandle(String name, TableOperations ops, GroupCommit groupCommit) {
    this(name, ops, groupCommit, new io.datashard.maintenance.Upkeep(null), null);
  }

  /**
   * @param name the table's name
   * @param ops the handle's table operations
   * @param groupCommit the table's group commit, shared by the handles of one warehouse
   * @param upkeep the table's automatic upkeep, shared by the handles of one warehouse
   * @param keyManagement the warehouse's key-management client for encrypted tables, or null
   */
  public TableHandle(String name, TableOperations ops, GroupCommit groupCommit,
      io.datashard.maintenance.Upkeep upkeep, io.datashard.encryption.KeyManagementClient keyManagement) {
    this.upkeep = upkeep;
    this.name = name;
    this.ops = ops;
    this.files = new TableFiles(ops.storage(), ops.tableLocation(),
        new io.datashard.encryption.TableKeys(name, keyManagement));
    this.groupCommit = groupCommit;
  }

  @Override
  public TableOperations operations() {
    return ops;
  }

  /** @return the table's automatic upkeep (shared by the handles of one warehouse) */
  public io.datashard.maintenance.Upkeep upkeep() {
    return upkeep;
  }

  @Override
  public TableFiles files() {
    return files;
  }

  @Override
  public TableMetadata metadata() {
    return ops.current();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String location() {
    return ops.tableLocation();
  }

  @Override
  public Schema schema() {
    return ops.current().schema();
  }

  @Override
  public PartitionSpec spec() {
    return ops.current().spec();
  }

  @Override
  public Map<String, String> properties() {
    return ops.current().properties();
  }

  @Override
  public Snapshot appendRecords(List<? extends Map<String, ?>> records) {
    try (Appender appender = newAppend()) {
      appender.addAll(records);
      return appender.commit();
    }
  }

  @Override
  public io.datashard.AsyncAppender newAsyncAppender(int writerThreads, long maxPendingRows) {
    return new PooledAsyncAppender(this, writerThreads, maxPendingRows);
  }

  @Override
  public Snapshot appendObjects(List<?> objects) {
    try (Appender appender = newAppend()) {
      for (Object o : objects) {
        appender.addObject(o);
      }
      return appender.commit();
    }
  }

  @Override
  public Appender newAppend() {
    return new TableAppender(ops, files, ops.current(), groupCommit, upkeep);
  }

  @Override
  public TableScan scan() {
    return SnapshotScan.of(files, ops.refresh());
  }

  @Override
  public List<Snapshot> snapshots() {
    return ops.current().snapshots();
  }

  @Override
  public Snapshot currentSnapshot() {
    return ops.current().currentSnapshot();
  }

  @Override
  public Snapshot snapshot(long snapshotId) {
    return ops.current().snapshot(snapshotId);
  }

  @Override
  public List<HistoryEntry> history() {
    return ops.current().snapshotLog();
  }

  @Override
  public Table refresh() {
    ops.refresh();
    return this;
  }

  @Override
  public long rowCount() {
    Snapshot s = ops.current().currentSnapshot();
    if (s == null) {
      return 0;
    }
    TableMetadata current = ops.current();
    java.util.List<ManifestFile> manifests = files.manifestsToRead(current, s, "row count");
    for (ManifestFile m : manifests) {
      if (m.content() != ManifestFile.CONTENT_DATA && m.hasLiveFiles()) {
        // record counts include rows that delete files delete: count by reading (only the needed columns)
        return scan().count();
      }
    }
    String total = s.summary().get("total-records");
    if (total != null) {
      return s.summaryLong("total-records");
    }
    long rows = 0;
    for (ManifestFile m : manifests) {
      rows += m.addedRowsCount() + m.existingRowsCount();
    }
    return rows;
  }

  @Override
  public io.datashard.UpdateSchema updateSchema() {
    return new io.datashard.update.SchemaUpdate(ops);
  }

  @Override
  public io.datashard.UpdatePartitionSpec updateSpec() {
    return new io.datashard.update.SpecUpdate(ops);
  }

  @Override
  public io.datashard.UpdateProperties updateProperties() {
    return new io.datashard.update.PropertiesUpdate(ops);
  }

  @Override
  public Snapshot deleteWhere(io.datashard.expressions.Expression filter) {
    return redoOnConcurrentChange(() -> {
      try (io.datashard.Transaction tx = newTransaction()) {
        return tx.deleteWhere(filter).commit();
      }
    });
  }

  /**
   * Runs a one-shot delete, upsert or overwrite again on the latest version when a concurrent commit made it
   * conflict: an append under serializable isolation, or a commit that rewrote or added deletes to files it had
   * read (a compaction, automatic upkeep's included). The operation re-reads the table, so the result equals running
   * it after that commit. Bounded by the table's commit retry count.
   */
  private Snapshot redoOnConcurrentChange(java.util.function.Supplier<Snapshot> op) {
    int limit = io.datashard.commit.RetryPolicy.of(ops.refresh()).numRetries();
    for (int n = 0; ; n++) {
      try {
        return op.get();
      } catch (io.datashard.IsolationConflictException | io.datashard.StaleReadConflictException e) {
        if (n >= limit) {
          throw e;
        }
      }
    }
  }

  @Override
  public Snapshot upsert(List<? extends Map<String, ?>> records) {
    io.datashard.update.UpsertKeys.filter(ops.refresh().schema(), records); // bad input fails before any write
    return redoOnConcurrentChange(() -> {
      try (io.datashard.Transaction tx = newTransaction()) {
        return tx.upsert(records).commit();
      }
    });
  }

  @Override
  public Snapshot overwrite(io.datashard.expressions.Expression filter, List<? extends Map<String, ?>> records) {
    return redoOnConcurrentChange(() -> {
      try (io.datashard.Transaction tx = newTransaction()) {
        return tx.deleteWhere(filter).appendRecords(records).commit();
      }
    });
  }

  @Override
  public io.datashard.Transaction newTransaction() {
    return new TableTransaction(ops, files);
  }

  @Override
  public Snapshot rewriteManifests() {
    return new io.datashard.update.ManifestRewrite(ops, files).commit();
  }

  @Override
  public Snapshot rewritePositionDeletes() {
    return new io.datashard.maintenance.PositionDeleteRewrite(ops, files).execute();
  }

  @Override
  public io.datashard.RewriteDataFiles rewriteDataFiles() {
    return new io.datashard.maintenance.DataFileCompaction(ops, files);
  }

  @Override
  public io.datashard.ExpireSnapshots expireSnapshots() {
    return new io.datashard.maintenance.SnapshotExpiry(ops, files);
  }

  @Override
  public io.datashard.MaintenanceResult maintain() {
    return upkeep.run(ops, files, true);
  }

  @Override
  public RemoveOrphanFiles removeOrphanFiles() {
    return new io.datashard.maintenance.OrphanFileRemoval(ops, files);
  }

  @Override
  public io.datashard.KeyRotation rotateMasterKey(String newMasterKeyId) {
    return io.datashard.maintenance.MasterKeyRotation.rotate(this, newMasterKeyId);
  }

  @Override
  public Map<String, Long> masterKeysInUse() {
    return io.datashard.maintenance.MasterKeyRotation.masterKeysInUse(this);
  }

  @Override
  public io.datashard.CloseableIterator<io.datashard.ChangeRow> changes(Long fromSnapshotExclusive, Long toSnapshotInclusive) {
    return io.datashard.changes.ChangeFeed.open(this, fromSnapshotExclusive, toSnapshotInclusive);
  }

  @Override
  public String toString() {
    return "Table{" + name + " at " + location() + "}";
  }

  @Override
  public java.util.Map<String, io.datashard.SnapshotRef> refs() {
    return ops.current().refs();
  }

  @Override
  public io.datashard.ManageSnapshots manageSnapshots() {
    return new io.datashard.update.RefUpdate(ops);
  }

  @Override
  public io.datashard.SortOrder sortOrder() {
    return ops.current().sortOrder();
  }

  @Override
  public io.datashard.ReplaceSortOrder replaceSortOrder() {
    return new io.datashard.update.SortOrderUpdate(ops);
  }

  @Override
  public java.util.List<io.datashard.PresignedFile> presignedFiles(TableScan scan, java.time.Duration ttl) {
    return Presigning.presign(this, scan, ttl);
  }
}
