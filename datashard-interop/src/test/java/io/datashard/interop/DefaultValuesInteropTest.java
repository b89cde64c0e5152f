package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Warehouse;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.expressions.Literal;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Default values (format version 3): columns Iceberg added with an {@code initial-default} read as that default in
 * rows of files written before they existed, in DataShard exactly as in Iceberg's own reader, and a changed
 * {@code write-default} leaves the initial default alone.
 */
class DefaultValuesInteropTest {
  @TempDir
  Path dir;

  @Test
  void columnsAddedWithDefaultsReadTheirInitialDefaultInOlderFiles() throws Exception {
    Path warehouse = dir.resolve("wh");
    Table ice = new HadoopTables(new Configuration()).create(IcebergEvents.SCHEMA, PartitionSpec.unpartitioned(),
        Map.of("format-version", "3"), warehouse.resolve("t").toUri().toString());
    ice.newAppend().appendFile(IcebergEvents.write(ice, 1, 2)).commit();
    long before = ice.currentSnapshot().snapshotId();
    ice.updateSchema()
        .addColumn("region", Types.StringType.get(), Literal.of("eu"))
        .addRequiredColumn("level", Types.IntegerType.get(), Literal.of(7))
        .addColumn("price", Types.DecimalType.of(9, 2), Literal.of(new BigDecimal("12.50")))
        .addColumn("born", Types.DateType.get(), Literal.of("2020-01-02").to(Types.DateType.get()))
        .addColumn("seen", Types.TimestampType.withZone(),
            Literal.of("2021-03-04T05:06:07.123456+00:00").to(Types.TimestampType.withZone()))
        .addColumn("tag", Types.BinaryType.get(), Literal.of(ByteBuffer.wrap(new byte[] {1, 2, 3})))
        .commit();
    ice.updateSchema().updateColumnDefault("region", Literal.of("us")).commit();
    // a file written after the columns were added, holding its own values (and a null region)
    var writer = new GenericFileWriterFactory.Builder(ice).build().newDataWriter(IcebergEvents.newFile(ice),
        ice.spec(), null);
    try (writer) {
      GenericRecord r = GenericRecord.create(ice.schema());
      r.setField("id", 3L);
      r.setField("event", "e3");
      r.setField("level", 1);
      r.setField("price", new BigDecimal("0.99"));
      writer.write(r);
    }
    ice.newAppend().appendFile(writer.toDataFile()).commit();
    ice.refresh();
    assertThat(ice.schema().findField("region").initialDefault()).hasToString("eu");

    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.loadTable("t");
      for (org.apache.iceberg.Snapshot s : ice.snapshots()) {
        assertThat(Rows.dataShard(ds, s.snapshotId())).as("snapshot %d", s.snapshotId())
            .isEqualTo(Rows.iceberg(ice, s.snapshotId()));
      }
      io.datashard.Row old = ds.scan().toList().stream().filter(r -> r.getLong("id") == 1L).findFirst().orElseThrow();
      assertThat(old.getString("region")).as("the initial default, not the changed write default").isEqualTo("eu");
      assertThat(old.getInt("level")).isEqualTo(7);
      assertThat(old.getDecimal("price")).isEqualByComparingTo("12.50");
      assertThat(old.get("born")).isEqualTo(LocalDate.of(2020, 1, 2));
      io.datashard.Row fresh = ds.scan().toList().stream().filter(r -> r.getLong("id") == 3L).findFirst()
          .orElseThrow();
      assertThat(fresh.get("region")).as("a stored null stays null").isNull();
      assertThat(fresh.getInt("level")).isEqualTo(1);
      io.datashard.Field region = ds.schema().findField("region");
      assertThat(region.initialDefault()).isEqualTo("eu");
      assertThat(region.writeDefault()).isEqualTo("us");
      // the time-travelled snapshot before the columns existed reads with its own schema
      assertThat(ds.scan().useSnapshot(before).schema().columnNames()).containsExactly("id", "event", "value");

      // DataShard's appends write the write defaults of the fields they leave out (an explicit null stays null)
      java.util.Map<String, Object> explicitNull = new java.util.HashMap<>(Map.of("id", 5L, "event", "e5"));
      explicitNull.put("price", null);
      ds.appendRecords(java.util.List.of(Map.of("id", 4L, "event", "e4"), explicitNull));
      io.datashard.Row four = ds.refresh().scan().filter(io.datashard.expressions.Expressions.equal("id", 4L))
          .toList().get(0);
      assertThat(four.getString("region")).isEqualTo("us");
      assertThat(four.getInt("level")).isEqualTo(7);
      assertThat(four.getDecimal("price")).isEqualByComparingTo("12.50");
      io.datashard.Row five = ds.scan().filter(io.datashard.expressions.Expressions.equal("id", 5L)).toList().get(0);
      assertThat(five.get("price")).isNull();
      ice.refresh();
      assertThat(Rows.iceberg(ice, null)).isEqualTo(Rows.dataShard(ds, null));
    }
  }

  @Test
  void defaultsDataShardDefinesAreReadByIceberg() throws Exception {
    Path warehouse = dir.resolve("ds");
    try (Warehouse wh = Warehouse.local(warehouse)) {
      io.datashard.Table ds = wh.createTable("t", io.datashard.Schema.of(
              io.datashard.Field.required(1, "id", io.datashard.Types.LONG),
              io.datashard.Field.required(2, "event", io.datashard.Types.STRING)),
          io.datashard.PartitionSpec.unpartitioned(), Map.of("format-version", "3"));
      ds.appendRecords(java.util.List.of(Map.of("id", 1L, "event", "old")));
      ds.updateSchema().addColumnWithDefault("region", io.datashard.Types.STRING, "eu")
          .addRequiredColumn("level", io.datashard.Types.INT, 7)
          .addColumnWithDefault("price", io.datashard.Types.decimal(9, 2), new BigDecimal("12.50")).commit();
      ds.refresh().appendRecords(java.util.List.of(Map.of("id", 2L, "event", "new", "level", 1)));
      Table ice = new HadoopTables(new Configuration()).load(warehouse.resolve("t").toUri().toString());
      assertThat(ice.schema().findField("level").initialDefault()).isEqualTo(7);
      assertThat(ice.schema().findField("level").isRequired()).isTrue();
      assertThat(Rows.iceberg(ice, null)).isEqualTo(Rows.dataShard(ds.refresh(), null));
      io.datashard.Row old = ds.scan().filter(io.datashard.expressions.Expressions.equal("id", 1L)).toList().get(0);
      assertThat(old.getString("region")).isEqualTo("eu");
      assertThat(old.getInt("level")).isEqualTo(7);
    }
  }
}
