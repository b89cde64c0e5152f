package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Warehouse;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nanosecond timestamps (format version 3) in both directions: DataShard reads every digit Iceberg wrote, and rows
 * DataShard appends to a table Iceberg partitioned by day(timestamp_ns) and bucket(timestamptz_ns) land in the
 * partitions Iceberg computes (its partition-pruned, filtered scans find each of them).
 */
class NanosecondTimestampsInteropTest {
  private static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.optional(2, "ts", Types.TimestampNanoType.withoutZone()),
      Types.NestedField.optional(3, "at", Types.TimestampNanoType.withZone()));
  private static final LocalDateTime BASE = LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999);

  @TempDir
  Path dir;

  @Test
  void bothEnginesReadEveryNanosecondAndAgreeOnPartitions() throws Exception {
    PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).day("ts").bucket("at", 5).build();
    Table ice = new HadoopTables(new Configuration()).create(SCHEMA, spec, Map.of("format-version", "3"),
        dir.resolve("t").toUri().toString());
    var append = ice.newAppend();
    for (long i = 0; i < 6; i++) {
      GenericRecord r = GenericRecord.create(SCHEMA);
      r.setField("id", i);
      r.setField("ts", BASE.plusHours(9 * i).plusNanos(i));
      r.setField("at", BASE.plusNanos(1_000_001 * i).atOffset(ZoneOffset.UTC));
      org.apache.iceberg.PartitionKey key = new org.apache.iceberg.PartitionKey(spec, SCHEMA);
      key.partition(new org.apache.iceberg.data.InternalRecordWrapper(SCHEMA.asStruct()).wrap(r));
      var writer = new GenericFileWriterFactory.Builder(ice).build().newDataWriter(IcebergEvents.newFile(ice), spec,
          key);
      try (writer) {
        writer.write(r);
      }
      append.appendFile(writer.toDataFile());
    }
    append.commit();

    try (Warehouse wh = Warehouse.local(dir)) {
      io.datashard.Table ds = wh.loadTable("t");
      assertThat(Rows.dataShard(ds, null)).isEqualTo(Rows.iceberg(ice, null));
      List<Map<String, Object>> rows = new ArrayList<>();
      for (long i = 6; i < 40; i++) {
        Map<String, Object> r = new HashMap<>();
        r.put("id", i);
        r.put("ts", BASE.plusHours(9 * i).plusNanos(i));
        r.put("at", BASE.plusNanos(1_000_001 * i).atOffset(ZoneOffset.UTC).toInstant());
        rows.add(r);
      }
      ds.appendRecords(rows);
    }
    ice.refresh();
    try (Warehouse wh = Warehouse.local(dir)) {
      assertThat(Rows.iceberg(ice, null)).isEqualTo(Rows.dataShard(wh.loadTable("t"), null)).hasSize(40);
    }
    for (long i = 0; i < 40; i++) {
      LocalDateTime ts = BASE.plusHours(9 * i).plusNanos(i);
      OffsetDateTime at = BASE.plusNanos(1_000_001 * i).atOffset(ZoneOffset.UTC);
      assertThat(ids(ice, Expressions.equal("at", at.toString()))).as("bucket of row %d", i).containsExactly(i);
      assertThat(ids(ice, Expressions.equal("ts", ts.toString()))).as("day of row %d", i).containsExactly(i);
    }
  }

  private static List<Long> ids(Table ice, org.apache.iceberg.expressions.Expression filter) throws Exception {
    List<Long> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(ice).where(filter).build()) {
      rows.forEach(r -> out.add((Long) r.getField("id")));
    }
    return out;
  }
}
