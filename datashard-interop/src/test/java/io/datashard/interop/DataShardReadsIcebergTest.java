package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reverse direction: a table created and appended by Iceberg's own Java library (HadoopTables, generic Parquet
 * writer) inside a DataShard warehouse is loaded, scanned and appended to by DataShard, and Iceberg still reads it.
 */
class DataShardReadsIcebergTest {
  private Path dir;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("interop-reverse");
  }

  @AfterEach
  void tearDown() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** The same columns as {@link TestSchemas#ALL_TYPES}, declared with Iceberg's API. */
  static Schema icebergAllTypes() {
    return new Schema(
        Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.optional(2, "b", Types.BooleanType.get()),
        Types.NestedField.optional(3, "i", Types.IntegerType.get()),
        Types.NestedField.optional(4, "l", Types.LongType.get()),
        Types.NestedField.optional(5, "f", Types.FloatType.get()),
        Types.NestedField.optional(6, "d", Types.DoubleType.get()),
        Types.NestedField.optional(7, "dec9", Types.DecimalType.of(9, 2)),
        Types.NestedField.optional(8, "dec18", Types.DecimalType.of(18, 6)),
        Types.NestedField.optional(9, "dec38", Types.DecimalType.of(38, 10)),
        Types.NestedField.optional(10, "date", Types.DateType.get()),
        Types.NestedField.optional(11, "time", Types.TimeType.get()),
        Types.NestedField.optional(12, "ts", Types.TimestampType.withoutZone()),
        Types.NestedField.optional(13, "tstz", Types.TimestampType.withZone()),
        Types.NestedField.optional(14, "s", Types.StringType.get()),
        Types.NestedField.optional(15, "u", Types.UUIDType.get()),
        Types.NestedField.optional(16, "fx", Types.FixedType.ofLength(4)),
        Types.NestedField.optional(17, "bin", Types.BinaryType.get()));
  }

  /** DataShard's test rows as Iceberg generic records (fixed is byte[] there, timestamptz an OffsetDateTime). */
  static List<Record> icebergRows(Schema schema, List<Map<String, Object>> rows) {
    List<Record> out = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      GenericRecord r = GenericRecord.create(schema);
      for (Map.Entry<String, Object> e : row.entrySet()) {
        Object v = e.getValue();
        if (v instanceof ByteBuffer b && e.getKey().equals("fx")) {
          byte[] bytes = new byte[b.remaining()];
          b.duplicate().get(bytes);
          v = bytes;
        }
        r.setField(e.getKey(), v);
      }
      out.add(r);
    }
    return out;
  }

  static DataFile writeWithIceberg(Table table, List<Record> rows) throws IOException {
    OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet"));
    DataWriter<Record> writer = Parquet.writeData(out)
        .schema(table.schema())
        .createWriterFunc(GenericParquetWriter::create)
        .withSpec(PartitionSpec.unpartitioned())
        .overwrite()
        .build();
    try (writer) {
      rows.forEach(writer::write);
    }
    return writer.toDataFile();
  }

  @Test
  void dataShardLoadsScansAndAppendsToAnIcebergTable() throws IOException {
    Path warehouseDir = dir.resolve("warehouse");
    String location = warehouseDir.resolve("from_iceberg").toUri().toString();
    HadoopTables tables = new HadoopTables(new Configuration());
    Schema schema = icebergAllTypes();
    Table ice = tables.create(schema, PartitionSpec.unpartitioned(), Map.of(), location);
    List<Map<String, Object>> rows = TestSchemas.allTypesRows();
    ice.newAppend().appendFile(writeWithIceberg(ice, icebergRows(schema, rows.subList(0, 2)))).commit();
    ice.newAppend().appendFile(writeWithIceberg(ice, icebergRows(schema, rows.subList(2, 4)))).commit();
    assertThat(Files.readString(warehouseDir.resolve("from_iceberg/metadata/version-hint.text")).trim()).isEqualTo("3");

    try (Warehouse wh = Warehouse.local(warehouseDir)) {
      assertThat(wh.listTables()).contains("from_iceberg");
      io.datashard.Table ds = wh.loadTable("from_iceberg");
      assertThat(ds.schema().sameFieldsAs(TestSchemas.ALL_TYPES)).as("schema %s", ds.schema()).isTrue();
      assertThat(ds.snapshots()).hasSize(2);
      assertThat(ds.currentSnapshot().snapshotId()).isEqualTo(ice.currentSnapshot().snapshotId());
      assertThat(ds.rowCount()).isEqualTo(4);
      // DataShard reads exactly what Iceberg reads, for each of Iceberg's snapshots.
      for (org.apache.iceberg.Snapshot s : ice.snapshots()) {
        assertThat(Rows.dataShard(ds, s.snapshotId())).isEqualTo(Rows.iceberg(ice, s.snapshotId()));
      }
      List<List<Object>> before = Rows.iceberg(ice, null);
      assertThat(before).hasSize(4);

      // DataShard appends (commit v4 by exclusive create); Iceberg refreshes through the hint and reads it.
      io.datashard.Snapshot added = ds.appendRecords(List.of(TestSchemas.allTypesRows().get(3), Map.of("id", 5L)));
      assertThat(added.sequenceNumber()).isEqualTo(3);
      assertThat(added.parentId()).isEqualTo(ice.currentSnapshot().snapshotId());
      assertThat(Files.exists(warehouseDir.resolve("from_iceberg/metadata/v4.metadata.json"))).isTrue();

      ice.refresh();
      assertThat(ice.currentSnapshot().snapshotId()).isEqualTo(added.snapshotId());
      assertThat(ice.snapshots()).hasSize(3);
      List<List<Object>> after = Rows.iceberg(ice, null);
      assertThat(after).hasSize(6).containsAll(before).isEqualTo(Rows.dataShard(ds.refresh(), null));
      assertThat(ice.currentSnapshot().summary()).containsEntry("total-records", "6");

      // And Iceberg can keep committing on top of DataShard's version.
      ice.newAppend().appendFile(writeWithIceberg(ice, icebergRows(schema, List.of(Map.of("id", 6L))))).commit();
      assertThat(ds.refresh().rowCount()).isEqualTo(7);
      assertThat(Rows.dataShard(ds, null)).isEqualTo(Rows.iceberg(ice, null));
    }
  }
}
