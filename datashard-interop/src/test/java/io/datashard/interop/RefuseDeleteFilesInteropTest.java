package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.UnsupportedTableFeatureException;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.hadoop.HadoopTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables DataShard cannot read correctly yet are refused, never misread: Apache Iceberg writes equality and
 * position deletes (merge-on-read) and a format-version 3 table; DataShard's scans, row count and rewrites refuse
 * with a clear error and change nothing, time travel to before the deletes still works, and appending stays
 * allowed and keeps Iceberg's deletes in force.
 */
class RefuseDeleteFilesInteropTest {
  @TempDir
  Path dir;

  static int version(Path table) throws IOException {
    return Integer.parseInt(Files.readString(table.resolve("metadata/version-hint.text")).trim());
  }

  @Test
  void deleteFilesAreRefusedNeverMisread() throws Exception {
    Path warehouse = dir.resolve("wh");
    Table ice = new HadoopTables(new Configuration()).create(IcebergEvents.SCHEMA,
        PartitionSpec.unpartitioned(), Map.of("format-version", "2"), warehouse.resolve("t").toUri().toString());
    DataFile data = IcebergEvents.write(ice, 1, 2, 3);
    ice.newAppend().appendFile(data).commit();
    long beforeDeletes = ice.currentSnapshot().snapshotId();

    // Iceberg deletes id 2 with an equality delete file.
    org.apache.iceberg.Schema idOnly = ice.schema().select("id");
    EqualityDeleteWriter<Record> eq = new GenericFileWriterFactory.Builder(ice).equalityFieldIds(new int[] {1})
        .equalityDeleteRowSchema(idOnly).build().newEqualityDeleteWriter(IcebergEvents.newFile(ice), ice.spec(), null);
    try (eq) {
      GenericRecord key = GenericRecord.create(idOnly);
      key.setField("id", 2L);
      eq.write(key);
    }
    DeleteFile eqDeletes = eq.toDeleteFile();
    ice.newRowDelta().addDeletes(eqDeletes).commit();
    long withDeletes = ice.currentSnapshot().snapshotId();
    assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 3L);

    Path table = warehouse.resolve("t");
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("t");
      int v = version(table);
      for (Runnable refused : List.<Runnable>of(
          () -> ds.scan().toList(),
          () -> ds.scan().filter(Expressions.equal("id", 2L)).count(),
          ds::rowCount,
          () -> ds.deleteWhere(Expressions.equal("id", 1L)),
          () -> ds.rewriteDataFiles().execute(),
          ds::rewriteManifests)) {
        assertThatThrownBy(refused::run).isInstanceOf(UnsupportedTableFeatureException.class)
            .hasMessageContaining(table.toUri().toString().replaceAll("/$", "").replace("file:///", "file:/"))
            .hasMessageContaining("snapshot " + withDeletes)
            .hasMessageContaining("1 delete file")
            .hasMessageContaining("does not apply row-level deletes");
      }
      assertThat(version(table)).as("refused operations change nothing").isEqualTo(v);

      // Time travel to before the deletes reads exactly what Iceberg reads there.
      Set<Long> then = new HashSet<>();
      ds.scan().useSnapshot(beforeDeletes).toList().forEach(r -> then.add((Long) r.get("id")));
      assertThat(then).containsExactlyInAnyOrder(1L, 2L, 3L);

      // Appending is safe: the delete manifest is carried as it is, and Iceberg still applies it.
      ds.appendRecords(List.of(Map.of("id", 4L, "event", "ds"), Map.of("id", 2L, "event", "again")));
    }
    ice.refresh();
    // Equality deletes apply to data with a lower sequence number only: the re-appended id 2 is live.
    assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);

    // A position delete (Iceberg deletes row 2 of the first file: id 3): still refused, still applied by Iceberg.
    PositionDeleteWriter<Record> pos = new GenericFileWriterFactory.Builder(ice).build()
        .newPositionDeleteWriter(IcebergEvents.newFile(ice), ice.spec(), null);
    try (pos) {
      PositionDelete<Record> d = PositionDelete.create();
      pos.write(d.set(data.location(), 2L));
    }
    ice.newRowDelta().addDeletes(pos.toDeleteFile()).commit();
    assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 2L, 4L);
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("t");
      assertThatThrownBy(() -> ds.scan().toList()).isInstanceOf(UnsupportedTableFeatureException.class)
          .hasMessageContaining("2 delete files");
    }
  }

  @Test
  void formatVersion3IsRefusedForReadsAndWrites() throws Exception {
    Path warehouse = dir.resolve("wh3");
    Table ice = new HadoopTables(new Configuration()).create(IcebergEvents.SCHEMA,
        PartitionSpec.unpartitioned(), Map.of("format-version", "3"), warehouse.resolve("v3").toUri().toString());
    ice.newAppend().appendFile(IcebergEvents.write(ice, 1, 2)).commit();
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("v3"); // loads: the metadata is carried, never misread
      int v = version(warehouse.resolve("v3"));
      assertThatThrownBy(() -> ds.scan().toList()).isInstanceOf(UnsupportedTableFeatureException.class)
          .hasMessageContaining("format-version 3");
      assertThatThrownBy(ds::rowCount).isInstanceOf(UnsupportedTableFeatureException.class);
      assertThatThrownBy(() -> ds.appendRecords(List.of(Map.of("id", 3L, "event", "x"))))
          .isInstanceOf(UnsupportedTableFeatureException.class).hasMessageContaining("format-version 3");
      assertThat(version(warehouse.resolve("v3"))).isEqualTo(v);
    }
    assertThat(IcebergEvents.ids(ice)).containsExactlyInAnyOrder(1L, 2L);
  }
}
