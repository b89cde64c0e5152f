package io.datashard.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * Reads files shaped like those other Iceberg writers produce: fields in another order, field docs, fields
 * DataShard does not model (v3 {@code first_row_id}, {@code content_offset}, {@code key_metadata} set,
 * {@code spec_id}), partition values with logical types, and a v1-style manifest list without sequence
 * numbers.
 */
class IcebergShapedFilesTest {
  static final String ENTRY_SCHEMA = """
      {"type":"record","name":"manifest_entry","fields":[
       {"name":"status","type":"int","field-id":0},
       {"name":"snapshot_id","type":["null","long"],"default":null,"field-id":1},
       {"name":"sequence_number","type":["null","long"],"default":null,"field-id":3},
       {"name":"file_sequence_number","type":["null","long"],"default":null,"field-id":4},
       {"name":"data_file","type":{"type":"record","name":"r2","fields":[
         {"name":"file_path","type":"string","doc":"Location URI with FS scheme","field-id":100},
         {"name":"content","type":"int","doc":"Contents of the file","field-id":134},
         {"name":"file_format","type":"string","field-id":101},
         {"name":"spec_id","type":["null","int"],"default":null,"field-id":141},
         {"name":"partition","type":{"type":"record","name":"r102","fields":[
           {"name":"d_day","type":["null",{"type":"int","logicalType":"date"}],"default":null,"field-id":1000},
           {"name":"amt","type":["null",{"type":"fixed","name":"decimal_9_2","size":4,"logicalType":"decimal",
             "precision":9,"scale":2}],"default":null,"field-id":1001}]},"field-id":102},
         {"name":"record_count","type":"long","field-id":103},
         {"name":"file_size_in_bytes","type":"long","field-id":104},
         {"name":"value_counts","type":["null",{"type":"array","logicalType":"map","items":{"type":"record",
           "name":"k119_v120","fields":[{"name":"key","type":"int","field-id":119},
           {"name":"value","type":"long","field-id":120}]}}],"default":null,"field-id":109},
         {"name":"lower_bounds","type":["null",{"type":"array","logicalType":"map","items":{"type":"record",
           "name":"k126_v127","fields":[{"name":"key","type":"int","field-id":126},
           {"name":"value","type":"bytes","field-id":127}]}}],"default":null,"field-id":125},
         {"name":"key_metadata","type":["null","bytes"],"default":null,"field-id":131},
         {"name":"split_offsets","type":["null",{"type":"array","items":"long","element-id":133}],
           "default":null,"field-id":132},
         {"name":"sort_order_id","type":["null","int"],"default":null,"field-id":140},
         {"name":"first_row_id","type":["null","long"],"default":null,"field-id":142},
         {"name":"referenced_data_file","type":["null","string"],"default":null,"field-id":143},
         {"name":"content_offset","type":["null","long"],"default":null,"field-id":144},
         {"name":"content_size_in_bytes","type":["null","long"],"default":null,"field-id":145}]},
        "field-id":2}]}
      """;

  @Test
  void readsAnIcebergStyleManifestByFieldId() throws Exception {
    Schema entry = new Schema.Parser().parse(ENTRY_SCHEMA);
    Schema df = entry.getField("data_file").schema();
    Schema partition = df.getField("partition").schema();
    Schema kvCounts = df.getField("value_counts").schema().getTypes().get(1).getElementType();
    Schema kvBounds = df.getField("lower_bounds").schema().getTypes().get(1).getElementType();

    GenericData.Record p = new GenericData.Record(partition);
    p.put("d_day", 19000);
    Schema decimal = partition.getField("amt").schema().getTypes().get(1);
    p.put("amt", new GenericData.Fixed(decimal, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x85}));
    GenericData.Record counts = new GenericData.Record(kvCounts);
    counts.put("key", 1);
    counts.put("value", 3L);
    GenericData.Record bound = new GenericData.Record(kvBounds);
    bound.put("key", 1);
    bound.put("value", ByteBuffer.wrap(new byte[] {1, 0, 0, 0}));
    GenericData.Record d = new GenericData.Record(df);
    d.put("file_path", "s3://b/t/data/f.parquet");
    d.put("content", 0);
    d.put("file_format", "parquet");
    d.put("spec_id", 1);
    d.put("partition", p);
    d.put("record_count", 3L);
    d.put("file_size_in_bytes", 900L);
    d.put("value_counts", List.of(counts));
    d.put("lower_bounds", List.of(bound));
    d.put("key_metadata", ByteBuffer.wrap(new byte[] {9}));
    d.put("split_offsets", List.of(4L));
    d.put("first_row_id", 100L);
    GenericData.Record added = new GenericData.Record(entry);
    added.put("status", 1);
    added.put("snapshot_id", 77L); // Iceberg writes the snapshot id of added entries
    added.put("data_file", d);
    GenericData.Record existing = new GenericData.Record(entry);
    existing.put("status", 0);
    existing.put("snapshot_id", 70L);
    existing.put("sequence_number", 2L);
    existing.put("file_sequence_number", 3L);
    existing.put("data_file", d);

    byte[] bytes = ManifestCorruptionTest.avro(entry, List.<GenericRecord>of(added, existing));
    ManifestFile m = new ManifestFile("s3://b/t/metadata/x-m0.avro", bytes.length, 1, 0, 5L, 2L, 77L, 1, 1, 0, 3, 3, 0,
        List.of());
    List<ManifestEntry> entries;
    try (ManifestReader r = ManifestReader.open(bytes, m)) {
      entries = List.of(r.next(), r.next());
      assertThat(r.hasNext()).isFalse();
    }
    ManifestEntry a = entries.get(0);
    assertThat(a.status()).isEqualTo(ManifestEntry.ADDED);
    assertThat(a.snapshotId()).isEqualTo(77L);
    assertThat(a.dataSequenceNumber()).isEqualTo(5L);
    assertThat(a.fileSequenceNumber()).isEqualTo(5L);
    assertThat(a.file().location()).isEqualTo("s3://b/t/data/f.parquet");
    assertThat(a.file().fileFormat()).isEqualTo("PARQUET");
    assertThat(a.file().specId()).isEqualTo(1);
    assertThat(a.file().partition()).containsExactly(LocalDate.ofEpochDay(19000), new BigDecimal("-1.23"));
    assertThat(a.file().valueCounts()).isEqualTo(Map.of(1, 3L));
    assertThat(a.file().lowerBounds()).isEqualTo(Map.of(1, ByteBuffer.wrap(new byte[] {1, 0, 0, 0})));
    assertThat(a.file().nullValueCounts()).isNull();
    assertThat(a.file().splitOffsets()).containsExactly(4L);
    ManifestEntry e = entries.get(1);
    assertThat(List.of(e.snapshotId(), e.dataSequenceNumber(), e.fileSequenceNumber())).containsExactly(70L, 2L, 3L);
  }

  @Test
  void readsAListWithExtraFieldsAndAV1ListWithoutSequenceNumbers() throws Exception {
    Schema v3 = new Schema.Parser().parse(ManifestSchemas.manifestListSchema().toString().replace(
        "{\"name\":\"key_metadata\"", "{\"name\":\"first_row_id\",\"type\":[\"null\",\"long\"],\"default\":null,"
            + "\"field-id\":520},{\"name\":\"key_metadata\""));
    GenericData.Record r = new GenericData.Record(v3);
    r.put("manifest_path", "file:/m.avro");
    r.put("manifest_length", 10L);
    r.put("partition_spec_id", 0);
    r.put("content", 0);
    r.put("sequence_number", 3L);
    r.put("min_sequence_number", 1L);
    r.put("added_snapshot_id", 9L);
    r.put("added_files_count", 1);
    r.put("existing_files_count", 2);
    r.put("deleted_files_count", 0);
    r.put("added_rows_count", 10L);
    r.put("existing_rows_count", 20L);
    r.put("deleted_rows_count", 0L);
    r.put("first_row_id", 1000L);
    List<ManifestFile> read = ManifestListReader.read("file:/l", ManifestCorruptionTest.avro(v3, List.of(r)));
    assertThat(read).as("first_row_id (v3) is read").containsExactly(new ManifestFile("file:/m.avro", 10, 0, 0, 3, 1,
        9, 1, 2, 0, 10, 20, 0, List.of(), 1000L));

    Schema v1 = new Schema.Parser().parse("""
        {"type":"record","name":"manifest_file","fields":[
         {"name":"manifest_path","type":"string","field-id":500},
         {"name":"manifest_length","type":"long","field-id":501},
         {"name":"partition_spec_id","type":"int","field-id":502},
         {"name":"added_snapshot_id","type":["null","long"],"default":null,"field-id":503},
         {"name":"added_data_files_count","type":["null","int"],"default":null,"field-id":504}]}
        """);
    GenericData.Record old = new GenericData.Record(v1);
    old.put("manifest_path", "file:/v1.avro");
    old.put("manifest_length", 5L);
    old.put("partition_spec_id", 0);
    old.put("added_snapshot_id", 1L);
    List<ManifestFile> v1read = ManifestListReader.read("file:/l1", ManifestCorruptionTest.avro(v1, List.of(old)));
    assertThat(v1read).singleElement().satisfies(mf -> {
      assertThat(mf.sequenceNumber()).isZero();
      assertThat(mf.minSequenceNumber()).isZero();
      assertThat(mf.addedFilesCount()).isEqualTo(-1);
      assertThat(mf.hasLiveFiles()).isTrue();
    });
  }
}
