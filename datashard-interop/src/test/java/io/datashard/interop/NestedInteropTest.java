package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.metadata.DataFile;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nested data both ways, proven with Apache Iceberg's own library: Iceberg writes structs of lists of structs,
 * maps of lists, optional and required at every level and nulls at every level, and DataShard reads every row
 * exactly; DataShard writes the same shapes and Iceberg's generic reader reads them exactly, and Iceberg's own
 * metrics code computes the same column statistics from DataShard's files as DataShard recorded.
 */
class NestedInteropTest {
  private Path dir;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("interop-nested");
  }

  @AfterEach
  void tearDown() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** {@link TestSchemas#nestedEvents()} declared with Iceberg's API, with the same ids. */
  static Schema icebergNested() {
    return new Schema(
        Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.optional(2, "payload", Types.StructType.of(
            Types.NestedField.optional(5, "user", Types.StructType.of(
                Types.NestedField.required(7, "id", Types.LongType.get()),
                Types.NestedField.optional(8, "name", Types.StringType.get()))),
            Types.NestedField.optional(6, "tags", Types.ListType.ofOptional(9, Types.StringType.get())))),
        Types.NestedField.optional(3, "items", Types.ListType.ofOptional(10, Types.StructType.of(
            Types.NestedField.required(11, "sku", Types.StringType.get()),
            Types.NestedField.optional(12, "price", Types.DecimalType.of(9, 2)),
            Types.NestedField.optional(13, "qty", Types.IntegerType.get())))),
        Types.NestedField.optional(4, "attrs", Types.MapType.ofOptional(14, 15, Types.StringType.get(),
            Types.ListType.ofRequired(16, Types.DoubleType.get()))));
  }

  /** Converts DataShard-style input maps into Iceberg generic records of the given struct. */
  @SuppressWarnings("unchecked")
  static Object toIceberg(org.apache.iceberg.types.Type type, Object v) {
    if (v == null) {
      return null;
    }
    if (type.isStructType()) {
      GenericRecord r = GenericRecord.create(type.asStructType());
      for (Map.Entry<String, Object> e : ((Map<String, Object>) v).entrySet()) {
        r.setField(e.getKey(), toIceberg(type.asStructType().field(e.getKey()).type(), e.getValue()));
      }
      return r;
    }
    if (type.isListType()) {
      List<Object> out = new ArrayList<>();
      for (Object e : (List<Object>) v) {
        out.add(toIceberg(type.asListType().elementType(), e));
      }
      return out;
    }
    if (type.isMapType()) {
      Map<Object, Object> out = new LinkedHashMap<>();
      ((Map<Object, Object>) v).forEach((k, val) -> out.put(k, toIceberg(type.asMapType().valueType(), val)));
      return out;
    }
    return v;
  }

  static List<Record> icebergRows(Schema schema, List<Map<String, Object>> rows) {
    List<Record> out = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      out.add((Record) toIceberg(schema.asStruct(), row));
    }
    return out;
  }

  @Test
  void dataShardReadsNestedRowsIcebergWroteAndIcebergReadsWhatDataShardAppends() throws IOException {
    Path warehouseDir = dir.resolve("warehouse");
    Schema schema = icebergNested();
    Table ice = new HadoopTables(new Configuration()).create(schema, PartitionSpec.unpartitioned(), Map.of(),
        warehouseDir.resolve("nested").toUri().toString());
    List<Map<String, Object>> rows = TestSchemas.nestedEventRows();
    ice.newAppend().appendFile(DataShardReadsIcebergTest.writeWithIceberg(ice, icebergRows(schema, rows))).commit();

    try (Warehouse wh = Warehouse.local(warehouseDir)) {
      io.datashard.Table ds = wh.loadTable("nested");
      assertThat(ds.schema().sameFieldsAs(TestSchemas.nestedEvents())).as("schema %s", ds.schema()).isTrue();
      assertThat(Rows.dataShard(ds, null)).isEqualTo(Rows.iceberg(ice, null));
      assertThat(Rows.dataShard(ds, null)).hasSize(rows.size());

      // a projection of one struct leaf reads the same values Iceberg's projection reads
      List<Long> userIds = new ArrayList<>();
      ds.scan().select("payload.user.id").toList().forEach(r -> userIds.add(r.getLong("payload.user.id")));
      assertThat(userIds).containsExactlyInAnyOrder(7L, null, null, 8L);

      ds.appendRecords(many(100));
      ice.refresh();
      assertThat(Rows.iceberg(ice, null)).isEqualTo(Rows.dataShard(ds, null));
      assertThat(Rows.iceberg(ice, null)).hasSize(rows.size() + 100);
    }
  }

  @Test
  void icebergReadsNestedRowsDataShardWroteAndComputesTheSameMetrics() throws IOException {
    try (Warehouse wh = Warehouse.local(dir.resolve("warehouse"))) {
      io.datashard.Table ds = wh.createTable("nested", TestSchemas.nestedEvents());
      ds.appendRecords(TestSchemas.nestedEventRows());
      ds.appendRecords(many(500));

      HadoopFileIO io = new HadoopFileIO(new Configuration());
      Table ice = Rows.icebergTable(ds, io);
      assertThat(ice.schema().asStruct()).isEqualTo(icebergNested().asStruct());
      assertThat(Rows.iceberg(ice, null)).isEqualTo(Rows.dataShard(ds, null));
      assertThat(Rows.iceberg(ice, null)).hasSize(504);

      // Iceberg's own metrics code, run on DataShard's files, yields the statistics DataShard recorded.
      for (DataFile f : Rows.liveFiles(ds, ds.currentSnapshot())) {
        Metrics m = ParquetUtil.fileMetrics(io.newInputFile(f.location()), MetricsConfig.getDefault());
        assertThat(f.recordCount()).isEqualTo(m.recordCount());
        assertThat(f.columnSizes()).as("column sizes").isEqualTo(m.columnSizes());
        assertThat(f.valueCounts()).as("value counts of %s", f.location()).isEqualTo(m.valueCounts());
        assertThat(f.nullValueCounts()).as("null counts").isEqualTo(m.nullValueCounts());
        assertThat(f.nanValueCounts()).as("NaN counts").isEqualTo(m.nanValueCounts());
        assertThat(hex(f.lowerBounds())).as("lower bounds").isEqualTo(hex(m.lowerBounds()));
        assertThat(hex(f.upperBounds())).as("upper bounds").isEqualTo(hex(m.upperBounds()));
      }
    }
  }

  static Map<Integer, String> hex(Map<Integer, ByteBuffer> bounds) {
    Map<Integer, String> out = new HashMap<>();
    if (bounds != null) {
      bounds.forEach((k, v) -> out.put(k, String.valueOf(Rows.canonical(v))));
    }
    return out;
  }

  static List<Map<String, Object>> many(int n) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Object> items = new ArrayList<>();
      for (int k = 0; k < i % 4; k++) {
        items.add(TestSchemas.map("sku", "s" + i + "-" + k, "price", k == 2 ? null : BigDecimal.valueOf(i * 10 + k, 2),
            "qty", k));
      }
      Map<String, Object> attrs = new LinkedHashMap<>();
      attrs.put("k" + (i % 3), Arrays.asList((double) i, i % 7 == 0 ? Double.NaN : -0.5));
      rows.add(TestSchemas.nestedEvent(1000 + i, i % 5 == 0 ? null
            : TestSchemas.map("user", i % 6 == 0 ? null : TestSchemas.map("id", (long) i, "name", "u" + (i % 7)),
                "tags", i % 4 == 0 ? List.of() : Arrays.asList("t" + (i % 3), null)),
          i % 9 == 0 ? null : items, i % 11 == 0 ? null : attrs));
    }
    return rows;
  }

  /** Pages DataShard compresses itself (zstd, snappy, gzip: see ParquetCodecs) are read by Iceberg's own reader. */
  @Test
  void icebergReadsEveryCodecDataShardWrites() throws IOException {
    try (Warehouse wh = Warehouse.local(dir.resolve("codecs"))) {
      for (String codec : List.of("zstd", "snappy", "gzip")) {
        io.datashard.Table ds = wh.createTable("t_" + codec, TestSchemas.nestedEvents(),
            io.datashard.PartitionSpec.unpartitioned(), Map.of("write.parquet.compression-codec", codec));
        ds.appendRecords(many(300));
        Table ice = Rows.icebergTable(ds, new HadoopFileIO(new Configuration()));
        assertThat(Rows.iceberg(ice, null)).as(codec).isEqualTo(Rows.dataShard(ds, null)).hasSize(300);
      }
    }
  }
}
