package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row lineage (format version 3) and the other metadata columns, as Iceberg's own reader returns them: every row's
 * {@code _row_id} and {@code _last_updated_sequence_number} (stored in the file, or inherited from its first row id
 * and data sequence number), {@code _file} and {@code _pos}, snapshot by snapshot, on tables Iceberg wrote: plain
 * appends, several files in one manifest, a rewrite that stored the row ids it carried, and a v2 table upgraded to v3.
 */
class RowLineageInteropTest {
  private static final List<String> COLUMNS = List.of("id", "_row_id", "_last_updated_sequence_number", "_file",
      "_pos");

  @TempDir
  Path dir;

  @Test
  void rowIdsAndSequenceNumbersReadAsIcebergReadsThem() throws Exception {
    Path warehouse = dir.resolve("wh");
    Table ice = new HadoopTables(new Configuration()).create(IcebergEvents.SCHEMA, PartitionSpec.unpartitioned(),
        Map.of("format-version", "3"), warehouse.resolve("t").toUri().toString());
    DataFile a = IcebergEvents.write(ice, 0, 1, 2, 3, 4);
    ice.newAppend().appendFile(a).commit();
    ice.newAppend().appendFile(IcebergEvents.write(ice, 5, 6, 7)).commit();
    // two files in one manifest: the second inherits its first row id after the first's rows
    ice.newAppend().appendFile(IcebergEvents.write(ice, 8, 9)).appendFile(IcebergEvents.write(ice, 10, 11, 12))
        .commit();
    // a rewrite of the first file that keeps its rows' ids and sequence numbers, stored in the new file
    DataFile rewritten = writeWithLineage(ice, List.of(new long[] {0, 0, 1}, new long[] {2, 2, 1},
        new long[] {4, 4, 1}));
    ice.newRewrite().deleteFile(a).addFile(rewritten).commit();
    ice.newAppend().appendFile(IcebergEvents.write(ice, 13)).commit();
    ice.refresh();
    assertThat(ice.currentSnapshot().firstRowId()).as("Iceberg assigned row ids").isNotNull();

    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("t");
      for (org.apache.iceberg.Snapshot s : ice.snapshots()) {
        assertThat(dataShard(ds, s.snapshotId())).as("snapshot %d", s.snapshotId())
            .isEqualTo(iceberg(ice, s.snapshotId()));
      }
      List<List<Object>> current = dataShard(ds, null);
      assertThat(current).allSatisfy(row -> assertThat(row.get(1)).as("_row_id of %s", row).isNotNull());
      assertThat(current.stream().map(row -> row.get(1)).distinct().count()).as("row ids are unique")
          .isEqualTo(current.size());
      // the rewritten rows kept the ids they had before the rewrite
      assertThat(current.subList(0, 3)).extracting(row -> row.get(0), row -> row.get(1))
          .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 0L), org.assertj.core.groups.Tuple.tuple(2L, 2L),
              org.assertj.core.groups.Tuple.tuple(4L, 4L));
    }
  }

  @Test
  void aTableUpgradedToVersion3HasNoLineageBeforeTheUpgradeAndFullLineageAfter() throws Exception {
    Path warehouse = dir.resolve("up");
    Table ice = new HadoopTables(new Configuration()).create(IcebergEvents.SCHEMA, PartitionSpec.unpartitioned(),
        Map.of("format-version", "2"), warehouse.resolve("t").toUri().toString());
    ice.newAppend().appendFile(IcebergEvents.write(ice, 1, 2)).commit();
    long beforeUpgrade = ice.currentSnapshot().snapshotId();
    ice.updateProperties().set("format-version", "3").commit();
    ice.newAppend().appendFile(IcebergEvents.write(ice, 3)).commit();
    ice.refresh();
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("t");
      for (org.apache.iceberg.Snapshot s : ice.snapshots()) {
        assertThat(dataShard(ds, s.snapshotId())).as("snapshot %d", s.snapshotId())
            .isEqualTo(iceberg(ice, s.snapshotId()));
      }
      assertThat(dataShard(ds, beforeUpgrade)).allSatisfy(row -> assertThat(row.get(1)).isNull());
    }
  }

  @Test
  void icebergReadsTheRowLineageOfVersion3TablesDataShardWritesAndBothAppendToThem() throws Exception {
    Path warehouse = dir.resolve("ds");
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.createTable("t", IcebergEvents.DATASHARD_SCHEMA,
          io.datashard.PartitionSpec.unpartitioned(), Map.of("format-version", "3",
              "commit.manifest.min-count-to-merge", "3"));
      for (long i = 0; i < 6; i++) {
        ds.appendRecords(List.of(Map.of("id", 2 * i, "event", "ds"), Map.of("id", 2 * i + 1, "event", "ds")));
      }
      Table ice = Rows.icebergTable(ds, new org.apache.iceberg.hadoop.HadoopFileIO(new Configuration()));
      assertThat(((org.apache.iceberg.HasTableOperations) ice).operations().current().formatVersion()).isEqualTo(3);
      assertThat(ice.currentSnapshot().firstRowId()).isNotNull();
      for (org.apache.iceberg.Snapshot s : ice.snapshots()) {
        assertThat(iceberg(ice, s.snapshotId())).as("snapshot %d", s.snapshotId())
            .isEqualTo(dataShard(ds, s.snapshotId()));
      }
      // Iceberg appends to the table DataShard made (through its file-system tables), then DataShard again
      Table byPath = new HadoopTables(new Configuration()).load(warehouse.resolve("t").toUri().toString());
      byPath.newAppend().appendFile(IcebergEvents.write(byPath, 100, 101)).commit();
      ds.refresh().appendRecords(List.of(Map.of("id", 200L, "event", "ds")));
      byPath.refresh();
      for (org.apache.iceberg.Snapshot s : byPath.snapshots()) {
        assertThat(dataShard(ds, s.snapshotId())).as("snapshot %d", s.snapshotId())
            .isEqualTo(iceberg(byPath, s.snapshotId()));
      }
      List<List<Object>> rows = dataShard(ds, null);
      assertThat(rows).hasSize(15);
      assertThat(rows.stream().map(r -> r.get(1)).distinct().count()).as("unique row ids across both engines")
          .isEqualTo(15);
      assertThat(rows).allSatisfy(r -> assertThat(r.get(1)).isNotNull());

      // DataShard's copy-on-write delete and compaction store each copied row's id and sequence number in the
      // files they write: Iceberg reads the same lineage from them
      ds.deleteWhere(io.datashard.expressions.Expressions.in("id", 3L, 100L));
      ds.refresh().rewriteDataFiles().minFileSizeBytes(Long.MAX_VALUE).execute();
      byPath.refresh();
      for (org.apache.iceberg.Snapshot s : byPath.snapshots()) {
        assertThat(dataShard(ds, s.snapshotId())).as("snapshot %d", s.snapshotId())
            .isEqualTo(iceberg(byPath, s.snapshotId()));
      }
      List<List<Object>> compacted = dataShard(ds.refresh(), null);
      List<List<Object>> expected = new ArrayList<>(rows);
      expected.removeIf(r -> List.of(3L, 100L).contains((Long) r.get(0)));
      assertThat(compacted).extracting(r -> r.subList(0, 3)).as("id, _row_id, _last_updated_sequence_number kept")
          .isEqualTo(expected.stream().map(r -> r.subList(0, 3)).toList());
      assertThat(compacted.stream().map(r -> r.get(3)).distinct().count()).as("one file after compaction")
          .isEqualTo(1);
    }
  }

  /** Writes a data file with stored row lineage: each row is {id, _row_id, _last_updated_sequence_number}. */
  private static DataFile writeWithLineage(Table ice, List<long[]> rows) throws Exception {
    Schema withLineage = MetadataColumns.schemaWithRowLineage(ice.schema());
    var writer = new GenericFileWriterFactory.Builder(ice).dataSchema(withLineage).build()
        .newDataWriter(IcebergEvents.newFile(ice), ice.spec(), null);
    try (writer) {
      for (long[] r : rows) {
        GenericRecord rec = GenericRecord.create(withLineage);
        rec.setField("id", r[0]);
        rec.setField("event", "e" + r[0]);
        rec.setField(MetadataColumns.ROW_ID.name(), r[1]);
        rec.setField(MetadataColumns.LAST_UPDATED_SEQUENCE_NUMBER.name(), r[2]);
        writer.write(rec);
      }
    }
    return writer.toDataFile();
  }

  /** @return rows of (id, _row_id, _last_updated_sequence_number, _file, _pos), ordered by id */
  static List<List<Object>> dataShard(io.datashard.Table ds, Long snapshotId) {
    io.datashard.TableScan scan = ds.scan().select(COLUMNS);
    if (snapshotId != null) {
      scan = scan.useSnapshot(snapshotId);
    }
    assertThat(scan.schema().columnNames()).isEqualTo(COLUMNS);
    List<List<Object>> out = new ArrayList<>();
    for (io.datashard.Row r : scan.toList()) {
      out.add(java.util.Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)));
    }
    out.sort(java.util.Comparator.comparing(row -> (Long) row.get(0)));
    return out;
  }

  static List<List<Object>> iceberg(Table ice, Long snapshotId) throws Exception {
    Schema projection = new Schema(ice.schema().findField("id"), MetadataColumns.ROW_ID,
        MetadataColumns.LAST_UPDATED_SEQUENCE_NUMBER, MetadataColumns.FILE_PATH, MetadataColumns.ROW_POSITION);
    IcebergGenerics.ScanBuilder b = IcebergGenerics.read(ice).project(projection);
    if (snapshotId != null) {
      b = b.useSnapshot(snapshotId);
    }
    List<List<Object>> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = b.build()) {
      for (Record r : rows) {
        out.add(java.util.Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3).toString(), r.get(4)));
      }
    }
    out.sort(java.util.Comparator.comparing(row -> (Long) row.get(0)));
    return out;
  }
}
