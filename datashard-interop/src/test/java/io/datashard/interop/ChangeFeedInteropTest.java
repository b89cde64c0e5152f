package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.CloseableIterator;
import io.datashard.Warehouse;
import io.datashard.ChangeRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AddedRowsScanTask;
import org.apache.iceberg.ChangelogScanTask;
import org.apache.iceberg.ContentScanTask;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeletedDataFileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DataShard's change feed equals Iceberg's own IncrementalChangelogScan on appends and whole-file deletes. */
class ChangeFeedInteropTest {
  @TempDir
  Path dir;

  @Test
  void sameChangesAsIcebergsChangelogScan() throws Exception {
    Path warehouse = dir.resolve("wh");
    Table ice = new HadoopTables(new Configuration()).create(IcebergEvents.SCHEMA,
        PartitionSpec.unpartitioned(), Map.of("format-version", "2"), warehouse.resolve("t").toUri().toString());
    DataFile a = IcebergEvents.write(ice, 1, 2);
    ice.newAppend().appendFile(a).commit();
    long first = ice.currentSnapshot().snapshotId();
    ice.newAppend().appendFile(IcebergEvents.write(ice, 3)).commit();
    ice.newAppend().appendFile(IcebergEvents.write(ice, 4, 5)).commit();
    ice.newDelete().deleteFile(a).commit(); // copy-on-write delete of a whole file: no carry-over rows
    long last = ice.currentSnapshot().snapshotId();

    List<String> expected = new ArrayList<>();
    try (CloseableIterable<ChangelogScanTask> tasks = ice.newIncrementalChangelogScan()
        .fromSnapshotExclusive(first).toSnapshot(last).planFiles()) {
      for (ChangelogScanTask task : tasks) {
        String type = task instanceof AddedRowsScanTask ? "INSERT"
            : task instanceof DeletedDataFileScanTask ? "DELETE" : "other " + task;
        DataFile file = (DataFile) ((ContentScanTask<?>) task).file();
        try (CloseableIterable<Record> rows = Parquet.read(ice.io().newInputFile(file.location()))
            .project(IcebergEvents.SCHEMA)
            .createReaderFunc(s -> GenericParquetReaders.buildReader(IcebergEvents.SCHEMA, s)).build()) {
          for (Record r : rows) {
            expected.add(type + " " + task.commitSnapshotId() + " " + task.changeOrdinal() + " " + r.getField("id"));
          }
        }
      }
    }
    List<String> actual = new ArrayList<>();
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("t");
      try (CloseableIterator<ChangeRow> it = ds.changes(first, last)) {
        it.forEachRemaining(c -> actual.add(c.type().name().replace("UPDATE_AFTER", "INSERT")
            .replace("UPDATE_BEFORE", "DELETE") + " " + c.snapshotId() + " " + c.ordinal() + " " + c.row().get("id")));
      }
    }
    assertThat(expected).hasSize(5); // 1 + 2 inserted, 2 deleted
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static java.util.Set<Long> iceIds(Table ice, long snapshot) throws Exception {
    java.util.Set<Long> ids = new java.util.HashSet<>();
    try (CloseableIterable<Record> rows = org.apache.iceberg.data.IcebergGenerics.read(ice).useSnapshot(snapshot)
        .build()) {
      rows.forEach(r -> ids.add((Long) r.getField("id")));
    }
    return ids;
  }

  @Test
  void deleteFilesWrittenByIcebergShowAsTheRowsIcebergNoLongerReturns() throws Exception {
    Path warehouse = dir.resolve("wh");
    Table ice = new HadoopTables(new Configuration()).create(IcebergEvents.SCHEMA,
        PartitionSpec.unpartitioned(), Map.of("format-version", "2"), warehouse.resolve("t").toUri().toString());
    DataFile a = IcebergEvents.write(ice, 1, 2, 3);
    ice.newAppend().appendFile(a).commit();
    ice.newAppend().appendFile(IcebergEvents.write(ice, 4, 5)).commit();
    ice.newRowDelta().addDeletes(DeleteFilesInteropTest.equalityDeletes(ice, 2, 5)).commit();
    ice.newRowDelta().addDeletes(DeleteFilesInteropTest.positionDeletes(ice, Map.of(a, new long[] {0, 1}))).commit();
    ice.refresh();
    List<Long> chain = new ArrayList<>();
    for (org.apache.iceberg.Snapshot s = ice.currentSnapshot(); s != null;
        s = s.parentId() == null ? null : ice.snapshot(s.parentId())) {
      chain.add(0, s.snapshotId());
    }
    List<String> expected = new ArrayList<>();
    for (int i = 1; i < chain.size(); i++) {
      java.util.Set<Long> before = iceIds(ice, chain.get(i - 1));
      java.util.Set<Long> after = iceIds(ice, chain.get(i));
      for (long id : before) {
        if (!after.contains(id)) {
          expected.add("DELETE " + chain.get(i) + " " + (i - 1) + " " + id);
        }
      }
      for (long id : after) {
        if (!before.contains(id)) {
          expected.add("INSERT " + chain.get(i) + " " + (i - 1) + " " + id);
        }
      }
    }
    assertThat(expected).contains("DELETE " + chain.get(2) + " 1 2", "DELETE " + chain.get(3) + " 2 1");
    List<String> actual = new ArrayList<>();
    try (Warehouse wh = Warehouse.local(warehouse)) {
      try (CloseableIterator<ChangeRow> it = wh.loadTable("t").changes(chain.get(0), null)) {
        it.forEachRemaining(c -> actual.add(c.type() + " " + c.snapshotId() + " " + c.ordinal() + " "
            + c.row().get("id")));
      }
    }
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
  }
}
