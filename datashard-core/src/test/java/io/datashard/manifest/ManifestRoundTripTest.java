package io.datashard.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Field;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Type;
import io.datashard.Types;
import io.datashard.metadata.Conversions;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.PartitionFieldSummary;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestRoundTripTest {
  /** One column of every type, with a sample value, a smaller value and a larger value. */
  static final Type[] TYPES = {Types.BOOLEAN, Types.INT, Types.LONG, Types.FLOAT, Types.DOUBLE,
      Types.decimal(9, 2), Types.decimal(38, 10), Types.DATE, Types.TIME, Types.TIMESTAMP, Types.TIMESTAMP_TZ,
      Types.STRING, Types.UUID, Types.fixed(3), Types.BINARY};
  static final Object[] LOW = {false, -5, -50L, -1.5f, -2.5, new BigDecimal("-1.25"),
      new BigDecimal("-12345678901234567890.0123456789"), LocalDate.of(1969, 12, 31), LocalTime.of(0, 0, 1),
      LocalDateTime.of(2020, 1, 1, 0, 0), OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 1000, ZoneOffset.UTC), "apple",
      new UUID(-1L, 5L), ByteBuffer.wrap(new byte[] {0, 1, 2}), ByteBuffer.wrap(new byte[] {})};
  static final Object[] HIGH = {true, 7, 1L << 40, 3.5f, 1e300, new BigDecimal("99.99"),
      new BigDecimal("12345678901234567890.0123456789"), LocalDate.of(2024, 2, 29), LocalTime.of(23, 59, 59, 999_999_000),
      LocalDateTime.of(2030, 6, 1, 12, 0, 0, 123_456_000), OffsetDateTime.of(2031, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
      "zebra\u00e9", new UUID(5L, 5L), ByteBuffer.wrap(new byte[] {(byte) 0xFF, 0, 0}),
      ByteBuffer.wrap(new byte[] {(byte) 0x80})};

  static final io.datashard.Schema WIDE = wideSchema();

  static io.datashard.Schema wideSchema() {
    List<Field> fields = new ArrayList<>();
    for (int i = 0; i < TYPES.length; i++) {
      fields.add(Field.optional(i + 1, "c" + i, TYPES[i]));
    }
    return io.datashard.Schema.of(fields);
  }

  @TempDir
  Path dir;
  NioTestStorage storage;

  @BeforeEach
  void setUp() {
    storage = new NioTestStorage(dir);
  }

  static DataFile fileWithAllStats(String location, int specId, List<Object> partition) {
    Map<Integer, Long> sizes = new HashMap<>();
    Map<Integer, Long> values = new HashMap<>();
    Map<Integer, Long> nulls = new HashMap<>();
    Map<Integer, Long> nans = new HashMap<>();
    Map<Integer, ByteBuffer> lower = new HashMap<>();
    Map<Integer, ByteBuffer> upper = new HashMap<>();
    for (int i = 0; i < TYPES.length; i++) {
      int id = i + 1;
      sizes.put(id, 100L + i);
      values.put(id, 10L);
      nulls.put(id, (long) i % 3);
      if (TYPES[i].isFloatingPoint()) {
        nans.put(id, 1L);
      }
      lower.put(id, Conversions.toByteBuffer(TYPES[i], LOW[i]));
      upper.put(id, Conversions.toByteBuffer(TYPES[i], HIGH[i]));
    }
    return DataFile.builder().location(location).fileFormat("PARQUET").specId(specId).partition(partition)
        .recordCount(10).fileSizeInBytes(4096).columnSizes(sizes).valueCounts(values).nullValueCounts(nulls)
        .nanValueCounts(nans).lowerBounds(lower).upperBounds(upper).splitOffsets(List.of(4L, 2048L))
        .sortOrderId(0).build();
  }

  @Test
  void unpartitionedRoundTripWithAllStatsAndInheritance() throws Exception {
    DataFile added = fileWithAllStats("file:/t/data/a.parquet", 0, List.of());
    DataFile addedOld = DataFile.builder().location("file:/t/data/b.parquet").recordCount(5).fileSizeInBytes(10)
        .build();
    DataFile existing = fileWithAllStats("file:/t/data/c.parquet", 0, List.of());
    DataFile deleted = DataFile.builder().location("file:/t/data/d.parquet").recordCount(7).fileSizeInBytes(11)
        .build();

    ManifestFile m;
    try (ManifestWriter w = ManifestWriter.create(storage.newOutputFile(storage.location("metadata/m1.avro")),
        PartitionSpec.unpartitioned(), WIDE, 42L)) {
      w.add(added);
      w.add(addedOld, 3L);
      w.existing(existing, 7L, 2L, 2L);
      w.delete(deleted, 1L, 1L);
      w.close();
      m = w.toManifestFile();
    }
    assertThat(m.location()).isEqualTo(storage.location("metadata/m1.avro"));
    assertThat(m.length()).isEqualTo(java.nio.file.Files.size(dir.resolve("metadata/m1.avro")));
    assertThat(m.sequenceNumber()).isEqualTo(ManifestWriter.UNASSIGNED_SEQ);
    assertThat(m.minSequenceNumber()).isEqualTo(2L); // lowest explicit data seq of a live entry
    assertThat(m.addedSnapshotId()).isEqualTo(42L);
    assertThat(m.specId()).isZero();
    assertThat(m.content()).isEqualTo(ManifestFile.CONTENT_DATA);
    assertThat(List.of(m.addedFilesCount(), m.existingFilesCount(), m.deletedFilesCount())).containsExactly(2, 1, 1);
    assertThat(List.of(m.addedRowsCount(), m.existingRowsCount(), m.deletedRowsCount()))
        .containsExactly(15L, 10L, 7L);
    assertThat(m.partitions()).isEmpty();

    ManifestListFile list = ManifestListWriter.write(
        storage.newOutputFile(storage.location("metadata/snap-42-1-x.avro")), 42L, 41L, 9L, List.of(m));
    assertThat(list.length()).isEqualTo(java.nio.file.Files.size(dir.resolve("metadata/snap-42-1-x.avro")));
    List<ManifestFile> read = ManifestListReader.read(storage.newInputFile(list.location()));
    assertThat(read).containsExactlyElementsOf(list.manifests());
    ManifestFile committed = read.get(0);
    assertThat(committed.sequenceNumber()).isEqualTo(9L);
    assertThat(committed.minSequenceNumber()).isEqualTo(2L);
    assertThat(committed).isEqualTo(m.withSequenceNumbers(9L, 2L));

    List<ManifestEntry> entries = ManifestReader.readAll(storage.newInputFile(m.location()), committed);
    assertThat(entries).containsExactly(
        new ManifestEntry(ManifestEntry.ADDED, 42L, 9L, 9L, added),
        new ManifestEntry(ManifestEntry.ADDED, 42L, 3L, 9L, addedOld),
        new ManifestEntry(ManifestEntry.EXISTING, 7L, 2L, 2L, existing),
        new ManifestEntry(ManifestEntry.DELETED, 42L, 1L, 1L, deleted));
    // every bound decodes to the original value
    DataFile back = entries.get(0).file();
    for (int i = 0; i < TYPES.length; i++) {
      assertThat(Conversions.fromByteBuffer(TYPES[i], back.lowerBounds().get(i + 1))).as("lower %s", TYPES[i])
          .isEqualTo(Conversions.fromByteBuffer(TYPES[i], Conversions.toByteBuffer(TYPES[i], LOW[i])));
      assertThat(Conversions.fromByteBuffer(TYPES[i], back.upperBounds().get(i + 1))).as("upper %s", TYPES[i])
          .isEqualTo(Conversions.fromByteBuffer(TYPES[i], Conversions.toByteBuffer(TYPES[i], HIGH[i])));
    }
    assertThat(ManifestReader.readAll(storage, committed)).isEqualTo(entries);

    // the null snapshot id and sequence numbers really are null in the file (inherited, not written)
    List<GenericRecord> raw = rawRecords(storage.readAll(m.location()));
    assertThat(raw.get(0).get("snapshot_id")).isNull();
    assertThat(raw.get(0).get("sequence_number")).isNull();
    assertThat(raw.get(0).get("file_sequence_number")).isNull();
    assertThat(raw.get(1).get("sequence_number")).isEqualTo(3L);
    assertThat(raw.get(2).get("snapshot_id")).isEqualTo(7L);
    assertThat(raw.get(3).get("snapshot_id")).isNull();
    assertThat(((GenericRecord) raw.get(0).get("data_file")).get("file_format").toString()).isEqualTo("PARQUET");
  }

  @Test
  void readerBeforeCommitLeavesSequenceNumbersNull() {
    ManifestFile m = writeManifest("m.avro", PartitionSpec.unpartitioned(), WIDE, 5L,
        List.of(DataFile.builder().location("file:/x.parquet").recordCount(1).fileSizeInBytes(1).build()));
    List<ManifestEntry> entries = ManifestReader.readAll(storage, m);
    assertThat(entries).singleElement().satisfies(e -> {
      assertThat(e.snapshotId()).isEqualTo(5L);
      assertThat(e.dataSequenceNumber()).isNull();
      assertThat(e.fileSequenceNumber()).isNull();
    });
  }

  ManifestFile writeManifest(String name, PartitionSpec spec, io.datashard.Schema schema, long snapshotId,
                             List<DataFile> files) {
    try (ManifestWriter w = ManifestWriter.create(storage.newOutputFile(storage.location("metadata/" + name)), spec,
        schema, snapshotId)) {
      files.forEach(w::add);
      w.close();
      return w.toManifestFile();
    }
  }

  static List<GenericRecord> rawRecords(byte[] avro) throws Exception {
    List<GenericRecord> out = new ArrayList<>();
    try (DataFileStream<GenericRecord> s = new DataFileStream<>(new ByteArrayInputStream(avro),
        new GenericDatumReader<>())) {
      s.forEach(out::add);
    }
    return out;
  }

  @Test
  void partitionValuesOfEveryTypeRoundTripWithSummaries() throws Exception {
    List<PartitionField> pfs = new ArrayList<>();
    for (int i = 0; i < TYPES.length; i++) {
      pfs.add(new PartitionField(i + 1, 1000 + i, "p" + i, "identity"));
    }
    pfs.add(new PartitionField(11, 1000 + TYPES.length, "ts_day", "day"));
    PartitionSpec spec = PartitionSpec.of(3, pfs);

    List<Object> low = new ArrayList<>(List.of(LOW));
    low.add(LocalDate.of(2020, 1, 1));
    List<Object> high = new ArrayList<>(List.of(HIGH));
    high.add(LocalDate.of(2031, 1, 1));
    List<Object> nulls = new ArrayList<>();
    for (int i = 0; i < pfs.size(); i++) {
      nulls.add(null);
    }
    List<Object> nan = new ArrayList<>(low);
    nan.set(3, Float.NaN);
    nan.set(4, Double.NaN);

    List<DataFile> files = List.of(
        fileWithAllStats("file:/t/data/hi.parquet", 3, high),
        fileWithAllStats("file:/t/data/lo.parquet", 3, low),
        fileWithAllStats("file:/t/data/null.parquet", 3, nulls),
        fileWithAllStats("file:/t/data/nan.parquet", 3, nan));
    ManifestFile m = writeManifest("p.avro", spec, WIDE, 1L, files);

    List<Type> ptypes = ManifestSchemas.partitionTypes(spec, WIDE);
    assertThat(m.partitions()).hasSize(pfs.size());
    for (int i = 0; i < pfs.size(); i++) {
      PartitionFieldSummary s = m.partitions().get(i);
      Type t = ptypes.get(i);
      assertThat(s.containsNull()).isTrue();
      assertThat(s.containsNan()).as("nan %s", t).isEqualTo(i == 3 || i == 4);
      assertThat(Conversions.fromByteBuffer(t, s.lowerBound())).as("lower %s", t)
          .isEqualTo(Conversions.fromByteBuffer(t, Conversions.toByteBuffer(t, low.get(i))));
      assertThat(Conversions.fromByteBuffer(t, s.upperBound())).as("upper %s", t)
          .isEqualTo(Conversions.fromByteBuffer(t, Conversions.toByteBuffer(t, high.get(i))));
    }

    ManifestListFile list = ManifestListWriter.write(storage.newOutputFile(storage.location("metadata/l.avro")),
        1L, null, 1L, List.of(m));
    ManifestFile committed = ManifestListReader.read(storage, list.location()).get(0);
    assertThat(committed.partitions()).isEqualTo(m.partitions());

    List<ManifestEntry> entries = ManifestReader.readAll(storage, committed);
    assertThat(entries).extracting(e -> e.file().location())
        .containsExactly("file:/t/data/hi.parquet", "file:/t/data/lo.parquet", "file:/t/data/null.parquet",
            "file:/t/data/nan.parquet");
    assertPartition(entries.get(0).file().partition(), high);
    assertPartition(entries.get(1).file().partition(), low);
    assertThat(entries.get(2).file().partition()).containsOnlyNulls().hasSize(pfs.size());
    assertThat((Float) entries.get(3).file().partition().get(3)).isNaN();
    assertThat(entries.get(0).file().specId()).isEqualTo(3);
    assertThat(entries.get(0).file()).isEqualTo(files.get(0).toBuilder().partition(
        entries.get(0).file().partition()).build());
  }

  static void assertPartition(List<Object> actual, List<Object> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      Object e = expected.get(i);
      if (e instanceof ByteBuffer) {
        assertThat((ByteBuffer) actual.get(i)).as("partition %d", i).isEqualTo(e);
      } else {
        assertThat(actual.get(i)).as("partition %d", i).isEqualTo(e);
      }
    }
  }

  @Test
  void writtenManifestCarriesIdsAndMetadata() throws Exception {
    PartitionSpec spec = PartitionSpec.of(2, List.of(new PartitionField(2, 1000, "c1_bucket", "bucket[4]")));
    io.datashard.Schema schema = WIDE.withSchemaId(7);
    ManifestFile m = writeManifest("meta.avro", spec, schema, 1L,
        List.of(DataFile.builder().location("file:/a").specId(2).partition(List.of(3)).recordCount(1)
            .fileSizeInBytes(1).build()));
    try (DataFileStream<GenericRecord> s = new DataFileStream<>(
        new ByteArrayInputStream(storage.readAll(m.location())), new GenericDatumReader<>())) {
      ManifestSchemasTest.assertAllIds(s.getSchema(), new ArrayList<>());
      assertThat(s.getSchema().getName()).isEqualTo("manifest_entry");
      assertThat(s.getMetaString("format-version")).isEqualTo("2");
      assertThat(s.getMetaString("content")).isEqualTo("data");
      assertThat(s.getMetaString("partition-spec-id")).isEqualTo("2");
      assertThat(s.getMetaString("schema-id")).isEqualTo("7");
      assertThat(s.getMetaString("avro.codec")).isEqualTo("deflate");
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      assertThat(json.readTree(s.getMetaString("partition-spec"))).isEqualTo(json.readTree(
          "[{\"name\":\"c1_bucket\",\"transform\":\"bucket[4]\",\"source-id\":2,\"field-id\":1000}]"));
      com.fasterxml.jackson.databind.JsonNode sj = json.readTree(s.getMetaString("schema"));
      assertThat(sj.get("type").asText()).isEqualTo("struct");
      assertThat(sj.get("schema-id").asInt()).isEqualTo(7);
      assertThat(sj.get("fields")).hasSize(TYPES.length);
      assertThat(sj.get("fields").get(5).toString())
          .isEqualTo("{\"id\":6,\"name\":\"c5\",\"required\":false,\"type\":\"decimal(9,2)\"}");
    }

    ManifestListFile list = ManifestListWriter.write(storage.newOutputFile(storage.location("metadata/ml.avro")),
        1L, null, 4L, List.of(m));
    try (DataFileStream<GenericRecord> s = new DataFileStream<>(
        new ByteArrayInputStream(storage.readAll(list.location())), new GenericDatumReader<>())) {
      ManifestSchemasTest.assertAllIds(s.getSchema(), new ArrayList<>());
      assertThat(s.getSchema().getName()).isEqualTo("manifest_file");
      assertThat(s.getMetaString("snapshot-id")).isEqualTo("1");
      assertThat(s.getMetaString("parent-snapshot-id")).isEqualTo("null");
      assertThat(s.getMetaString("sequence-number")).isEqualTo("4");
      assertThat(s.getMetaString("format-version")).isEqualTo("2");
      GenericRecord r = s.next();
      assertThat(r.get("sequence_number")).isEqualTo(4L);
      assertThat(r.get("min_sequence_number")).isEqualTo(4L);
      assertThat(((List<?>) r.get("partitions"))).hasSize(1);
    }
  }

  @Test
  void manifestListKeepsAssignedSequenceNumbersAndAssignsNewOnes() {
    ManifestFile old = new ManifestFile("file:/old.avro", 100, 0, 0, 3L, 1L, 11L, 0, 5, 0, 0, 50, 0, List.of());
    ManifestFile fresh = writeManifest("fresh.avro", PartitionSpec.unpartitioned(), WIDE, 99L,
        List.of(DataFile.builder().location("file:/n").recordCount(2).fileSizeInBytes(3).build()));
    ManifestListFile list = ManifestListWriter.write(storage.newOutputFile(storage.location("metadata/l2.avro")),
        12L, 11L, 4L, List.of(fresh, old));
    List<ManifestFile> read = ManifestListReader.read(storage, list.location());
    assertThat(read.get(1)).isEqualTo(old);
    // a manifest new in this snapshot is listed as added by it, so a retry may pick a new snapshot id
    assertThat(read.get(0).addedSnapshotId()).isEqualTo(12L);
    assertThat(read.get(0).sequenceNumber()).isEqualTo(4L);
    assertThat(read.get(0).minSequenceNumber()).isEqualTo(4L);
    assertThat(ManifestReader.readAll(storage, read.get(0))).singleElement()
        .satisfies(e -> assertThat(e.snapshotId()).isEqualTo(12L));
  }

  @Test
  void writerRejectsEntriesThatBreakTheSpec() {
    try (ManifestWriter w = ManifestWriter.create(storage.newOutputFile(storage.location("metadata/bad.avro")),
        PartitionSpec.unpartitioned(), WIDE, 1L)) {
      DataFile f = DataFile.builder().location("file:/f").recordCount(1).fileSizeInBytes(1).build();
      assertThatThrownBy(() -> w.write(new ManifestEntry(ManifestEntry.EXISTING, 1L, null, null, f)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> w.write(new ManifestEntry(ManifestEntry.EXISTING, null, 1L, 1L, f)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> w.add(f.toBuilder().specId(4).build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spec id");
      assertThatThrownBy(() -> w.add(f.toBuilder().partition(List.of(1)).build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partition values");
      assertThatThrownBy(w::toManifestFile).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void emptyManifestIsValid() {
    ManifestFile m = writeManifest("empty.avro", PartitionSpec.unpartitioned(), WIDE, 1L, List.of());
    assertThat(m.minSequenceNumber()).isEqualTo(ManifestWriter.UNASSIGNED_SEQ);
    assertThat(ManifestReader.readAll(storage, m.withSequenceNumbers(1, 1))).isEmpty();
  }
}
