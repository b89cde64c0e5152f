package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionedTableTest {
  static final Schema SCHEMA = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.optional(2, "region", Types.STRING),
      Field.required(3, "ts", Types.TIMESTAMP_TZ));

  @TempDir
  Path dir;

  @Test
  void rowsAreLaidOutByPartitionAndAllComeBack() {
    PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).day("ts").identity("region").bucket("id", 4).build();
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("p", SCHEMA, spec);
      assertThat(t.spec().fields()).extracting(PartitionField::name).containsExactly("ts_day", "region", "id_bucket");
      List<Map<String, Object>> rows = new ArrayList<>();
      OffsetDateTime day1 = OffsetDateTime.of(2024, 3, 5, 10, 0, 0, 0, ZoneOffset.UTC);
      for (int i = 0; i < 200; i++) {
        Map<String, Object> r = new java.util.HashMap<>();
        r.put("id", (long) i);
        r.put("region", i % 3 == 0 ? null : (i % 3 == 1 ? "eu" : "us/west"));
        r.put("ts", day1.plusHours(i));
        rows.add(r);
      }
      Snapshot s = t.appendRecords(rows);

      List<ContentFile> files = wh.loadTable("p").scan().planFiles().stream().map(FileScanTask::file).toList();
      assertThat(files.size()).isEqualTo(Integer.parseInt(s.summary().get("added-data-files")));
      assertThat(Integer.parseInt(s.summary().get("changed-partition-count"))).isEqualTo(files.size());
      Set<List<Object>> partitions = new HashSet<>();
      for (ContentFile f : files) {
        assertThat(f.specId()).isEqualTo(0);
        assertThat(f.partition()).hasSize(3);
        assertThat(partitions.add(f.partition())).isTrue();
        LocalDate day = (LocalDate) f.partition().get(0);
        assertThat(f.location()).contains("/data/ts_day=" + day + "/region=");
        Object region = f.partition().get(1);
        assertThat(f.location()).contains("region=" + (region == null ? "null" : region.toString().replace("/", "%2F")));
        assertThat((Integer) f.partition().get(2)).isBetween(0, 3);
      }
      List<Row> back = t.scan().toList();
      assertThat(back).hasSize(200);
      // every row sits in the file of its own partition
      for (ContentFile f : files) {
        for (Row r : readAll(wh, f, t.schema())) {
          assertThat(((OffsetDateTime) r.get("ts")).toLocalDate()).isEqualTo(f.partition().get(0));
          assertThat(r.get("region")).isEqualTo(f.partition().get(1));
        }
      }
      assertThat(back).extracting(r -> r.get("id")).containsExactlyInAnyOrderElementsOf(
          rows.stream().map(r -> r.get("id")).toList());
    }
  }

  @Test
  void manyPartitionsWithFewOpenFilesStillWriteEverything() {
    PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).bucket("id", 50).build();
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("fan", SCHEMA, spec, Map.of(TableProperties.WRITE_MAX_OPEN_FILES, "3"));
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        rows.add(Map.of("id", (long) i, "ts", OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)));
      }
      t.appendRecords(rows);
      List<ContentFile> files = t.scan().planFiles().stream().map(FileScanTask::file).toList();
      assertThat(files.size()).isGreaterThan(50); // partitions were reopened after eviction
      assertThat(files.stream().mapToLong(ContentFile::recordCount).sum()).isEqualTo(1000);
      for (ContentFile f : files) {
        int bucket = (Integer) f.partition().get(0);
        for (Row r : readAll(wh, f, t.schema())) {
          assertThat(io.datashard.transforms.Transforms.bucket(50).apply(r.get("id"))).isEqualTo(bucket);
        }
      }
      assertThat(t.scan().count()).isEqualTo(1000);
    }
  }

  @Test
  void invalidSpecsAreRejectedWithTheReason() {
    assertThatThrownBy(() -> PartitionSpec.builderFor(SCHEMA).day("nope")).hasMessageContaining("'nope'");
    assertThatThrownBy(() -> PartitionSpec.builderFor(SCHEMA).day("region")).hasMessageContaining("region");
    assertThatThrownBy(() -> PartitionSpec.builderFor(SCHEMA).identity("id").identity("id"))
        .hasMessageContaining("duplicate");
    try (Warehouse wh = Warehouse.local(dir)) {
      PartitionSpec foreign = PartitionSpec.of(0, List.of(new PartitionField(99, 1000, "x", "identity")));
      assertThatThrownBy(() -> wh.createTable("bad", SCHEMA, foreign)).isInstanceOf(ValidationException.class)
          .hasMessageContaining("99");
      assertThat(wh.tableExists("bad")).isFalse();
    }
  }

  @Test
  void specSurvivesReload() {
    PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).month("ts").truncate("region", 2).build();
    try (Warehouse wh = Warehouse.local(dir)) {
      wh.createTable("m", SCHEMA, spec);
      Table t = wh.loadTable("m");
      assertThat(t.spec()).isEqualTo(spec);
      assertThat(TableInternals.of(t).metadata().lastPartitionId()).isEqualTo(1001);
    }
  }

  private static List<Row> readAll(Warehouse wh, ContentFile f, Schema schema) {
    List<Row> out = new ArrayList<>();
    try (CloseableIterator<Row> it = io.datashard.parquet.DataFileReader.read(wh.storage().newInputFile(f.location()),
        schema)) {
      it.forEachRemaining(out::add);
    }
    return out;
  }
}
