package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datashard.Field;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.TableMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Apache Iceberg's own Java library (iceberg-core, iceberg-data, iceberg-parquet, iceberg-aws) reads every table
 * shape DataShard writes, on local disk and on S3, snapshot by snapshot, and agrees with DataShard row for row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IcebergReadsDataShardTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path dir;
  private final Map<String, Store> stores = new LinkedHashMap<>();
  private final Map<String, Table> tables = new HashMap<>();

  @BeforeAll
  void start() throws IOException {
    dir = Files.createTempDirectory("interop-iceberg");
    stores.put("local", Store.local(dir.resolve("warehouse")));
    stores.put("s3", Store.s3());
  }

  @AfterAll
  void stop() throws IOException {
    for (Store s : stores.values()) {
      s.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  Stream<Arguments> cases() {
    return stores.keySet().stream().flatMap(s -> TableShape.all().stream().map(shape -> Arguments.of(s, shape)));
  }

  private Table table(String store, TableShape shape) {
    return tables.computeIfAbsent(store + "/" + shape.name(), k -> shape.build(stores.get(store).warehouse()));
  }

  private Store store(String name) {
    return stores.get(name);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void everyMetadataVersionParsesWithEveryRequiredField(String store, TableShape shape) throws IOException {
    Table table = table(store, shape);
    TableMetadata ds = TableInternals.of(table).metadata();
    // one version per commit, plus one per schema change made inside a commit
    assertThat(ds.version()).isGreaterThanOrEqualTo(shape.commitCount() + 1);
    for (int v = 1; v <= ds.version(); v++) {
      String location = table.location() + "/metadata/v" + v + ".metadata.json";
      JsonNode json;
      try (var in = store(store).icebergIO().newInputFile(location).newStream()) {
        json = JSON.readTree(in);
      }
      for (String required : List.of("format-version", "table-uuid", "location", "last-sequence-number",
          "last-updated-ms", "last-column-id", "schemas", "current-schema-id", "partition-specs", "default-spec-id",
          "last-partition-id", "sort-orders", "default-sort-order-id")) {
        assertThat(json.has(required)).as("%s has %s", location, required).isTrue();
      }
      assertThat(json.get("format-version").asInt()).isEqualTo(2);
      if (json.has("current-snapshot-id") && !json.get("current-snapshot-id").isNull()
          && json.get("current-snapshot-id").asLong() != -1) {
        assertThat(json.path("refs").path("main").path("snapshot-id").asLong())
            .as("main branch ref of %s", location).isEqualTo(json.get("current-snapshot-id").asLong());
        assertThat(json.path("refs").path("main").path("type").asText()).isEqualTo("branch");
      }
      for (JsonNode s : json.path("snapshots")) {
        for (String required : List.of("snapshot-id", "sequence-number", "timestamp-ms", "manifest-list",
            "summary", "schema-id")) {
          assertThat(s.has(required)).as("snapshot in %s has %s", location, required).isTrue();
        }
        assertThat(s.path("summary").path("operation").asText()).isIn("append", "overwrite", "delete", "replace");
      }
      TableMetadata dsV = ((io.datashard.commit.FileTableOperations) TableInternals.of(table).operations()).load(v);

      // Iceberg's own parser: rejects any missing or mistyped field.
      org.apache.iceberg.TableMetadata ice = TableMetadataParser.read(store(store).icebergIO(), location);
      assertThat(ice.formatVersion()).isEqualTo(2);
      assertThat(ice.uuid()).isEqualTo(ds.tableUuid());
      assertThat(ice.location()).isEqualTo(table.location());
      assertThat(ice.snapshots()).extracting(org.apache.iceberg.Snapshot::snapshotId)
          .containsExactlyElementsOf(dsV.snapshots().stream().map(Snapshot::snapshotId).toList());
      assertThat(ice.lastSequenceNumber()).isEqualTo(dsV.lastSequenceNumber());
      assertThat(ice.schemas()).hasSize(dsV.schemas().size());
      assertThat(ice.schema().schemaId()).isEqualTo(dsV.currentSchemaId());
      assertThat(ice.spec().specId()).isEqualTo(dsV.defaultSpecId());
      assertThat(ice.spec().fields()).hasSize(dsV.spec().fields().size());
      for (int i = 0; i < dsV.spec().fields().size(); i++) {
        io.datashard.PartitionField mine = dsV.spec().fields().get(i);
        org.apache.iceberg.PartitionField theirs = ice.spec().fields().get(i);
        assertThat(theirs.name()).isEqualTo(mine.name());
        assertThat(theirs.transform().toString()).isEqualTo(mine.transform());
        assertThat(theirs.sourceId()).isEqualTo(mine.sourceId());
        assertThat(theirs.fieldId()).isEqualTo(mine.fieldId());
      }
      assertThat(ice.sortOrder().isUnsorted()).isTrue();
      assertThat(ice.previousFiles()).hasSize(dsV.metadataLog().size());
    }

    org.apache.iceberg.Table ice = Rows.icebergTable(table, store(store).icebergIO());
    assertSameSchema(table, ice.schema());
    assertThat(ice.properties()).containsAllEntriesOf(table.properties());
    assertThat(ice.snapshots()).hasSize(table.snapshots().size());
    for (Snapshot s : table.snapshots()) {
      org.apache.iceberg.Snapshot is = ice.snapshot(s.snapshotId());
      assertThat(is).as("snapshot %s", s.snapshotId()).isNotNull();
      assertThat(is.parentId()).isEqualTo(s.parentId());
      assertThat(is.sequenceNumber()).isEqualTo(s.sequenceNumber());
      assertThat(is.timestampMillis()).isEqualTo(s.timestampMillis());
      assertThat(is.operation()).isEqualTo(s.operation());
      assertThat(is.schemaId()).isEqualTo(s.schemaId());
      assertThat(is.manifestListLocation()).isEqualTo(s.manifestListLocation());
      Map<String, String> expected = new HashMap<>(s.summary());
      assertThat(expected.remove("operation")).isEqualTo(s.operation()); // Iceberg keeps it out of summary()
      assertThat(is.summary()).containsAllEntriesOf(expected);
    }
    if (table.currentSnapshot() == null) {
      assertThat(ice.currentSnapshot()).isNull();
    } else {
      assertThat(ice.currentSnapshot().snapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
    }
    assertThat(ice.history()).extracting(h -> h.snapshotId())
        .containsExactlyElementsOf(table.history().stream().map(h -> h.snapshotId()).toList());
  }

  private static void assertSameSchema(Table table, org.apache.iceberg.Schema schema) {
    assertThat(schema.columns()).hasSize(table.schema().size());
    for (Field f : table.schema().fields()) {
      Types.NestedField nf = schema.findField(f.id());
      assertThat(nf).as("field %s", f.id()).isNotNull();
      assertThat(nf.name()).isEqualTo(f.name());
      assertThat(nf.isRequired()).isEqualTo(f.isRequired());
      assertThat(nf.type()).as("type of %s", f.name()).isEqualTo(Types.fromPrimitiveString(f.type().toString()));
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void everySnapshotReadsTheSameRows(String store, TableShape shape) {
    Table table = table(store, shape);
    org.apache.iceberg.Table ice = Rows.icebergTable(table, store(store).icebergIO());
    assertThat(ice.snapshots()).extracting(org.apache.iceberg.Snapshot::snapshotId)
        .containsExactlyElementsOf(table.snapshots().stream().map(Snapshot::snapshotId).toList());
    long previous = 0;
    for (Snapshot s : table.snapshots()) {
      List<List<Object>> expected = Rows.dataShard(table, s.snapshotId());
      assertThat(expected).as("snapshot %s holds its total-records", s.snapshotId())
          .hasSize((int) s.summaryLong("total-records"));
      if ("append".equals(s.operation()) && s.parentId() != null && table.snapshot(s.parentId()) != null) {
        assertThat(expected.size()).as("append %s grows the table", s.snapshotId()).isGreaterThan((int) previous);
      }
      previous = expected.size();
      assertThat(Rows.iceberg(ice, s.snapshotId())).as("snapshot %s", s.snapshotId()).isEqualTo(expected);
    }
    assertThat(Rows.iceberg(ice, null)).isEqualTo(Rows.dataShard(table, null));
    if (table.currentSnapshot() == null) {
      assertThat(Rows.iceberg(ice, null)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void manifestListsAndManifestsAgree(String store, TableShape shape) throws IOException {
    Table table = table(store, shape);
    org.apache.iceberg.Table ice = Rows.icebergTable(table, store(store).icebergIO());
    long totalRecords = 0;
    long totalFiles = 0;
    for (Snapshot s : table.snapshots()) {
      org.apache.iceberg.Snapshot is = ice.snapshot(s.snapshotId());
      List<ManifestFile> manifests = is.allManifests(ice.io());
      assertThat(is.deleteManifests(ice.io())).isEmpty();
      List<ManifestEntry> dsLive = Rows.liveEntries(table, s);
      Map<String, ManifestEntry> dsBySeq = new HashMap<>();
      dsLive.forEach(e -> dsBySeq.put(e.file().location(), e));
      Set<String> live = new HashSet<>();
      long addedRows = 0;
      int addedFiles = 0;
      for (ManifestFile m : manifests) {
        assertThat(m.content()).isEqualTo(ManifestContent.DATA);
        assertThat(ice.specs()).containsKey(m.partitionSpecId());
        assertThat(m.sequenceNumber()).isBetween(1L, s.sequenceNumber());
        assertThat(m.minSequenceNumber()).isBetween(1L, m.sequenceNumber());
        assertThat(m.snapshotId()).isNotNull();
        assertThat(m.hasAddedFiles() || m.hasExistingFiles() || m.hasDeletedFiles()).isTrue();
        assertThat(m.length()).isEqualTo(ice.io().newInputFile(m.path()).getLength());
        int files = 0;
        long rows = 0;
        try (ManifestReader<org.apache.iceberg.DataFile> reader = ManifestFiles.read(m, ice.io(), ice.specs())) {
          for (org.apache.iceberg.DataFile f : reader) {
            files++;
            rows += f.recordCount();
            assertThat(live.add(f.location())).as("file listed once: %s", f.location()).isTrue();
            // files carried over (merged, rewritten) keep the sequence numbers they were committed with
            ManifestEntry mine = dsBySeq.get(f.location());
            assertThat(mine).as("DataShard lists %s as live", f.location()).isNotNull();
            assertThat(f.dataSequenceNumber()).isEqualTo(mine.dataSequenceNumber()).isLessThanOrEqualTo(m.sequenceNumber());
            assertThat(f.fileSequenceNumber()).isEqualTo(mine.fileSequenceNumber());
            assertThat(f.format().name()).isEqualTo("PARQUET");
            assertThat(f.specId()).isEqualTo(m.partitionSpecId()).isEqualTo(mine.file().specId());
            assertThat(f.partition().size()).isEqualTo(mine.file().partition().size());
            assertThat(f.fileSizeInBytes()).isEqualTo(ice.io().newInputFile(f.location()).getLength());
          }
        }
        assertThat(files).isEqualTo(m.addedFilesCount() + m.existingFilesCount());
        assertThat(rows).isEqualTo(m.addedRowsCount() + m.existingRowsCount());
        if (m.snapshotId() != s.snapshotId()) {
          // a manifest carried over from an older snapshot must still hold live files
          assertThat(m.hasAddedFiles() || m.hasExistingFiles()).as("carried manifest %s has live files", m.path())
              .isTrue();
        }
        if (m.snapshotId() == s.snapshotId()) {
          addedFiles += m.addedFilesCount();
          addedRows += m.addedRowsCount();
        }
      }
      assertThat(live).containsExactlyInAnyOrderElementsOf(
          dsLive.stream().map(e -> e.file().location()).toList());
      // The files this snapshot added, as Iceberg derives them (entry status ADDED + snapshot id).
      List<org.apache.iceberg.DataFile> added = new ArrayList<>();
      is.addedDataFiles(ice.io()).forEach(added::add);
      assertThat(added).hasSize(addedFiles);
      assertThat(added.stream().mapToLong(org.apache.iceberg.DataFile::recordCount).sum()).isEqualTo(addedRows);
      totalRecords = dsLive.stream().mapToLong(e -> e.file().recordCount()).sum();
      totalFiles = dsLive.size();
      assertThat(is.summary()).containsEntry("added-records", Long.toString(addedRows))
          .containsEntry("added-data-files", Integer.toString(addedFiles))
          .containsEntry("total-records", Long.toString(totalRecords))
          .containsEntry("total-data-files", Long.toString(totalFiles));
      // Planning a scan of the snapshot sees exactly DataShard's live files.
      List<String> planned = new ArrayList<>();
      try (CloseableIterable<FileScanTask> tasks = ice.newScan().useSnapshot(s.snapshotId()).planFiles()) {
        tasks.forEach(t -> planned.add(t.file().location()));
      }
      assertThat(planned).containsExactlyInAnyOrderElementsOf(live);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void columnStatisticsMatchTheData(String store, TableShape shape) throws IOException {
    Table table = table(store, shape);
    org.apache.iceberg.Table ice = Rows.icebergTable(table, store(store).icebergIO());
    org.apache.iceberg.Schema schema = ice.schema();
    try (CloseableIterable<FileScanTask> tasks = ice.newScan().includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        org.apache.iceberg.DataFile file = task.file();
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> it = Parquet.read(ice.io().newInputFile(file.location()))
            .project(schema)
            .createReaderFunc(fs -> GenericParquetReaders.buildReader(schema, fs))
            .build()) {
          it.forEach(r -> rows.add(r.copy()));
        }
        assertThat(file.recordCount()).as("record count of %s", file.location()).isEqualTo(rows.size());
        for (Types.NestedField col : schema.columns()) {
          assertColumnMetrics(file, col, rows);
        }
      }
    }
  }

  private static void assertColumnMetrics(org.apache.iceberg.DataFile file, Types.NestedField col, List<Record> rows) {
    int id = col.fieldId();
    Type.PrimitiveType type = col.type().asPrimitiveType();
    Comparator<Object> cmp = comparator(type);
    long nulls = 0;
    long nans = 0;
    Object min = null;
    Object max = null;
    for (Record r : rows) {
      Object v = internal(type, r.getField(col.name()));
      if (v == null) {
        nulls++;
      } else if ((v instanceof Double d && d.isNaN()) || (v instanceof Float f && f.isNaN())) {
        nans++;
      } else {
        min = min == null || cmp.compare(v, min) < 0 ? v : min;
        max = max == null || cmp.compare(v, max) > 0 ? v : max;
      }
    }
    String what = col.name() + " in " + file.location();
    if (file.valueCounts() != null && file.valueCounts().containsKey(id)) {
      assertThat(file.valueCounts().get(id)).as("value count of %s", what).isEqualTo(rows.size());
    }
    if (file.nullValueCounts() != null && file.nullValueCounts().containsKey(id)) {
      assertThat(file.nullValueCounts().get(id)).as("null count of %s", what).isEqualTo(nulls);
    }
    if (file.nanValueCounts() != null && file.nanValueCounts().containsKey(id)) {
      assertThat(file.nanValueCounts().get(id)).as("NaN count of %s", what).isEqualTo(nans);
    }
    ByteBuffer lower = file.lowerBounds() == null ? null : file.lowerBounds().get(id);
    ByteBuffer upper = file.upperBounds() == null ? null : file.upperBounds().get(id);
    if (min == null) {
      assertThat(lower).as("no lower bound for all-null/NaN %s", what).isNull();
      assertThat(upper).as("no upper bound for all-null/NaN %s", what).isNull();
      return;
    }
    boolean truncatable = type.typeId() == Type.TypeID.STRING || type.typeId() == Type.TypeID.BINARY;
    if (lower != null) {
      Object lo = Conversions.fromByteBuffer(type, lower);
      if (truncatable) {
        assertThat(cmp.compare(lo, min)).as("lower bound %s <= min %s of %s", lo, min, what).isLessThanOrEqualTo(0);
      } else {
        assertThat(Rows.canonical(lo)).as("lower bound of %s", what).isEqualTo(Rows.canonical(min));
      }
    }
    if (upper != null) {
      Object hi = Conversions.fromByteBuffer(type, upper);
      if (truncatable) {
        assertThat(cmp.compare(hi, max)).as("upper bound %s >= max %s of %s", hi, max, what)
            .isGreaterThanOrEqualTo(0);
      } else {
        assertThat(Rows.canonical(hi)).as("upper bound of %s", what).isEqualTo(Rows.canonical(max));
      }
    }
    if (type.typeId() == Type.TypeID.UUID) {
      // DataShard writes no UUID min/max: Iceberg <= 1.12 compares them signed (apache/iceberg#14216)
      assertThat(lower).as("UUID lower bound of %s", what).isNull();
      assertThat(upper).as("UUID upper bound of %s", what).isNull();
    } else {
      assertThat(lower != null || upper != null).as("%s has bounds", what).isTrue();
    }
  }

  @SuppressWarnings("unchecked")
  private static Comparator<Object> comparator(Type.PrimitiveType type) {
    return (Comparator<Object>) (Comparator<?>) Comparators.forType(type);
  }

  /** Iceberg generic values in Iceberg's internal representation (the one bounds decode to). */
  static Object internal(Type.PrimitiveType type, Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof java.time.LocalDate d) {
      return DateTimeUtil.daysFromDate(d);
    } else if (v instanceof java.time.LocalTime t) {
      return DateTimeUtil.microsFromTime(t);
    } else if (v instanceof java.time.LocalDateTime t) {
      return DateTimeUtil.microsFromTimestamp(t);
    } else if (v instanceof java.time.OffsetDateTime t) {
      return DateTimeUtil.microsFromTimestamptz(t);
    } else if (v instanceof byte[] b) {
      return ByteBuffer.wrap(b);
    }
    return v;
  }

  /** Iceberg's file pruning, which trusts DataShard's bounds and counts, never skips a file holding a value. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void pruningByStatisticsKeepsEveryValue(String store, TableShape shape) throws IOException {
    if (!shape.name().equals("all_types") && !shape.name().equals("several_snapshots")) {
      return; // the other shapes have the same column types; keep the run short
    }
    Table table = table(store, shape);
    org.apache.iceberg.Table ice = Rows.icebergTable(table, store(store).icebergIO());
    org.apache.iceberg.Schema schema = ice.schema();
    List<Record> all = new ArrayList<>();
    try (CloseableIterable<Record> it = org.apache.iceberg.data.IcebergGenerics.read(ice).build()) {
      it.forEach(r -> all.add(r.copy()));
    }
    int checked = 0;
    List<Record> sample = new ArrayList<>();
    for (int i = 0; i < all.size(); i += Math.max(1, all.size() / 8)) {
      sample.add(all.get(i)); // rows spread over the files
    }
    for (Record r : sample) {
      for (Types.NestedField col : schema.columns()) {
        Object v = internal(col.type().asPrimitiveType(), r.getField(col.name()));
        Expression filter;
        if (v == null) {
          filter = Expressions.isNull(col.name());
        } else if ((v instanceof Double d && d.isNaN()) || (v instanceof Float f && f.isNaN())) {
          filter = Expressions.isNaN(col.name());
        } else {
          filter = Expressions.equal(col.name(), v);
        }
        Object id = r.getField("id");
        List<Object> ids = new ArrayList<>();
        try (CloseableIterable<Record> it = org.apache.iceberg.data.IcebergGenerics.read(ice).where(filter).build()) {
          it.forEach(x -> ids.add(x.getField("id")));
        }
        assertThat(ids).as("%s finds row id=%s", filter, id).contains(id);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(0);
  }

  /** Spark, Trino and Iceberg's HadoopTables find a table by its directory through version-hint.text. */
  @Test
  void hadoopTablesLoadsByLocationThroughTheVersionHint() throws IOException {
    Table table = table("local", TableShape.severalSnapshots());
    String hint = new String(Files.readAllBytes(Path.of(java.net.URI.create(table.location()))
        .resolve("metadata/version-hint.text")), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(hint).matches("[0-9]+").isEqualTo(Integer.toString(TableInternals.of(table).metadata().version()));
    org.apache.iceberg.Table ice = new HadoopTables(new Configuration()).load(table.location());
    assertThat(ice.currentSnapshot().snapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
    assertThat(Rows.iceberg(ice, null)).isEqualTo(Rows.dataShard(table, null));
  }

  /**
   * A table whose oldest version names were removed as old tombstones (docs/concurrency.md, "Removing old
   * tombstones") loads in Iceberg's HadoopTables through the hint, and, with the hint gone, through Iceberg's own
   * listing of metadata/: the names left are the newest ones, without a gap.
   */
  @Test
  void hadoopTablesLoadsATableWhoseOldestNamesWereRemoved() throws Exception {
    Path root = dir.resolve("removed-names");
    try (io.datashard.Warehouse wh = io.datashard.Warehouse.of(new io.datashard.storage.InstantCallsStorage(
        new io.datashard.storage.LocalStorageBackend(root))).withBaseMaxAge(java.time.Duration.ofMillis(50))) {
      Table t = wh.createTable("t", io.datashard.TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(),
          Map.of("write.metadata.delete-after-commit.enabled", "true", "write.metadata.previous-versions-max", "2",
              "write.datashard.upkeep.remove-tombstones-after-ms", "150"));
      Path metadata = root.resolve("t").resolve("metadata");
      long id = 0;
      for (int round = 0; round < 60 && (round < 6 || Files.exists(metadata.resolve("v3.metadata.json"))); round++) {
        t.appendRecords(java.util.List.of(io.datashard.TestSchemas.event(id++, "e", 1.0)));
        Thread.sleep(60);
        t.maintain();
      }
      assertThat(metadata.resolve("v1.metadata.json")).doesNotExist();
      assertThat(metadata.resolve("v3.metadata.json")).doesNotExist();
      t.refresh();
      org.apache.iceberg.Table ice = new HadoopTables(new Configuration()).load(t.location());
      assertThat(ice.currentSnapshot().snapshotId()).isEqualTo(t.currentSnapshot().snapshotId());
      assertThat(Rows.iceberg(ice, null)).isEqualTo(Rows.dataShard(t, null)).hasSize((int) id);
      Files.delete(metadata.resolve("version-hint.text"));
      org.apache.iceberg.Table listed = new HadoopTables(new Configuration()).load(t.location());
      assertThat(listed.currentSnapshot().snapshotId()).isEqualTo(t.currentSnapshot().snapshotId());
    }
  }
}
