package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.expressions.Expressions;
import io.datashard.metadata.ManifestFile;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionEvolutionTest {
  static final Schema SCHEMA = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.required(2, "ts", Types.TIMESTAMP_TZ),
      Field.optional(3, "region", Types.STRING));
  static final OffsetDateTime T0 = OffsetDateTime.of(2024, 5, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  @TempDir
  Path dir;

  private static List<Map<String, Object>> rows(long from, int n) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (long i = from; i < from + n; i++) {
      out.add(Map.of("id", i, "ts", T0.plusHours(i), "region", i % 2 == 0 ? "eu" : "us"));
    }
    return out;
  }

  @Test
  void newDataUsesTheNewSpecAndOldFilesKeepTheirs() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("ev", SCHEMA, PartitionSpec.builderFor(SCHEMA).day("ts").build());
      t.appendRecords(rows(0, 48));
      PartitionSpec spec1 = t.updateSpec().removeField("ts_day").addField("region", "identity")
          .addField("id", "bucket[4]").commit();
      assertThat(spec1.specId()).isEqualTo(1);
      assertThat(spec1.fields()).extracting(PartitionField::name).containsExactly("region", "id_bucket");
      assertThat(spec1.fields()).extracting(PartitionField::fieldId).containsExactly(1001, 1002);
      t.appendRecords(rows(100, 40));

      Table reloaded = wh.loadTable("ev");
      assertThat(reloaded.spec()).isEqualTo(spec1);
      List<ContentFile> files = reloaded.scan().planFiles().stream().map(FileScanTask::file).toList();
      assertThat(files).extracting(ContentFile::specId).contains(0, 1);
      for (ContentFile f : files) {
        assertThat(f.partition()).hasSize(f.specId() == 0 ? 1 : 2);
      }
      List<ManifestFile> manifests = TableInternals.of(reloaded).files()
          .manifests(reloaded.currentSnapshot().manifestListLocation());
      assertThat(manifests).extracting(ManifestFile::specId).containsExactlyInAnyOrder(1, 0);
      assertThat(reloaded.scan().count()).isEqualTo(88);

      // filters prune and answer correctly across both specs
      TableScan byDay = reloaded.scan().filter(Expressions.lessThan("ts", T0.plusHours(24)));
      assertThat(byDay.toList()).extracting(r -> r.get("id")).hasSize(24);
      TableScan byRegion = reloaded.scan().filter(Expressions.equal("region", "eu"));
      assertThat(byRegion.toList()).hasSize(44);
      assertThat(byRegion.report().filesPruned()).isPositive();

      // compaction keeps each file's spec; a delete spans both
      reloaded.rewriteDataFiles().execute();
      List<ContentFile> compacted = wh.loadTable("ev").scan().planFiles().stream().map(FileScanTask::file).toList();
      for (ContentFile f : compacted) {
        assertThat(f.partition()).hasSize(f.specId() == 0 ? 1 : 2);
      }
      wh.loadTable("ev").deleteWhere(Expressions.equal("region", "us"));
      assertThat(wh.loadTable("ev").scan().toList()).hasSize(44).allMatch(r -> "eu".equals(r.get("region")));
    }
  }

  @Test
  void invalidChangesAreRejectedAndEvolvingBackToUnpartitionedWorks() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("bad", SCHEMA, PartitionSpec.builderFor(SCHEMA).day("ts").build());
      assertThatThrownBy(() -> t.updateSpec().removeField("nope").commit()).isInstanceOf(ValidationException.class)
          .hasMessageContaining("'nope'");
      assertThatThrownBy(() -> t.updateSpec().addField("nope", "identity").commit()).hasMessageContaining("'nope'");
      assertThatThrownBy(() -> t.updateSpec().addField("region", "day").commit()).hasMessageContaining("cannot partition");
      assertThatThrownBy(() -> t.updateSpec().addField("ts", "day").commit()).hasMessageContaining("ts_day");
      assertThat(wh.loadTable("bad").spec().specId()).isZero();

      PartitionSpec none = t.updateSpec().removeField("ts_day").commit();
      assertThat(none.isUnpartitioned()).isTrue();
      assertThat(none.specId()).isEqualTo(1);
      t.appendRecords(rows(0, 5));
      assertThat(t.scan().planFiles().stream().map(FileScanTask::file).toList()).extracting(ContentFile::specId).containsOnly(1);
      assertThat(t.scan().count()).isEqualTo(5);
      // going back to the first spec reuses its id
      assertThat(t.updateSpec().addField("ts", "day").commit().specId()).isZero();
    }
  }
}
