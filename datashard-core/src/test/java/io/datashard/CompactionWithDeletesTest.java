package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.expressions.Expressions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction understands deletes: a data file whose deletes remove a large share of its rows is rewritten whatever its
 * size, and the delete files that no longer apply to any live data file are removed in the same commit.
 */
class CompactionWithDeletesTest {
  @TempDir
  Path dir;

  private static Table mergeOnRead(Warehouse wh, String name, String formatVersion) {
    return wh.createTable(name, TestSchemas.EVENTS, PartitionSpec.unpartitioned(), Map.of(
        TableProperties.DELETE_MODE, TableProperties.DELETE_MODE_MERGE_ON_READ, "format-version", formatVersion,
        TableProperties.UPKEEP_ENABLED, "false"));
  }

  private static List<Map<String, Object>> rows(long from, long to) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (long i = from; i < to; i++) {
      out.add(TestSchemas.event(i, "e", null));
    }
    return out;
  }

  private static List<Long> ids(Table t) {
    List<Long> out = new ArrayList<>();
    t.scan().toList().forEach(r -> out.add(r.getLong("id")));
    out.sort(null);
    return out;
  }

  private static long deleteFiles(Table t) {
    return t.scan().planFiles().stream().mapToLong(task -> task.deletes().size()).sum();
  }

  @Test
  void aFileMostlyDeletedIsRewrittenAloneAndItsDeletesRemovedInBothFormatVersions() {
    for (String version : List.of("2", "3")) {
      try (Warehouse wh = Warehouse.local(dir.resolve("v" + version))) {
        Table t = mergeOnRead(wh, "t", version);
        t.appendRecords(rows(0, 10));
        t.appendRecords(rows(10, 20));
        t.deleteWhere(Expressions.lessThan("id", 4L)); // 40% of the first file
        t.deleteWhere(Expressions.equal("id", 15L)); // 10% of the second
        List<String> before = t.scan().planFiles().stream().map(task -> task.file().location()).toList();
        assertThat(deleteFiles(t)).isEqualTo(2);

        // no file is small (min size 1 byte): only the file whose deletes pass the 30% threshold is rewritten
        RewriteDataFiles.Result r = t.rewriteDataFiles().minFileSizeBytes(1).execute();
        assertThat(r.rewrittenFiles()).as("v%s", version).isEqualTo(1);
        assertThat(r.rewrittenRows()).isEqualTo(6);
        t.refresh();
        assertThat(ids(t)).isEqualTo(rows(4, 20).stream().map(m -> (Long) m.get("id"))
            .filter(id -> id != 15L).toList());
        assertThat(t.scan().planFiles()).extracting(task -> task.file().location()).contains(before.get(1))
            .doesNotContain(before.get(0));
        assertThat(deleteFiles(t)).as("the first file's deletes are gone with it").isEqualTo(1);
        assertThat(t.currentSnapshot().summary()).containsEntry("removed-delete-files", "1");

        // the 10% file is rewritten once a delete-file threshold of 1 applies; then no delete file is left
        assertThat(t.rewriteDataFiles().minFileSizeBytes(1).deleteFileThreshold(1).execute().rewrittenFiles())
            .isEqualTo(1);
        assertThat(deleteFiles(t.refresh())).isZero();
        assertThat(ids(t)).hasSize(15).doesNotContain(0L, 1L, 2L, 3L, 15L);
        assertThatThrownBy(() -> t.rewriteDataFiles().deleteRatioThreshold(0)).isInstanceOf(ValidationException.class);
      }
    }
  }

  @Test
  void equalityDeletesOlderThanEveryLiveRowAreRemovedByAFullCompaction() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = mergeOnRead(wh, "t", "2");
      t.updateSchema().setIdentifierFields(List.of("id")).commit();
      t.appendRecords(rows(0, 10));
      t.upsert(List.of(TestSchemas.event(3, "new", null), TestSchemas.event(30, "new", null)));
      long withDeletes = deleteFiles(t.refresh());
      assertThat(withDeletes).isPositive();
      t.rewriteDataFiles().minFileSizeBytes(Long.MAX_VALUE).execute();
      assertThat(deleteFiles(t.refresh())).as("every data file is newer than the equality deletes").isZero();
      assertThat(ids(t)).hasSize(11).contains(3L, 30L);
      assertThat(t.scan().filter(Expressions.equal("id", 3L)).toList()).singleElement()
          .satisfies(r -> assertThat(r.getString("event")).isEqualTo("new"));
    }
  }

  @Test
  void positionDeletesAreMergedPerPartitionAndFoldedIntoVectorsAfterAnUpgrade() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = mergeOnRead(wh, "t", "2");
      t.appendRecords(rows(0, 10));
      t.appendRecords(rows(10, 20));
      t.deleteWhere(Expressions.equal("id", 1L));
      t.deleteWhere(Expressions.equal("id", 12L));
      t.deleteWhere(Expressions.in("id", 5L, 15L));
      List<Long> expected = ids(t.refresh());
      assertThat(t.scan().planFiles().stream().flatMap(task -> task.deletes().stream()).map(ContentFile::location)
          .distinct().count()).isEqualTo(3);

      t.rewritePositionDeletes();
      assertThat(ids(t.refresh())).isEqualTo(expected);
      assertThat(t.scan().planFiles().stream().flatMap(task -> task.deletes().stream()).map(ContentFile::location)
          .distinct().toList()).as("one position delete file for the partition").hasSize(1);
      assertThat(t.rewritePositionDeletes()).as("nothing left to merge").isEqualTo(t.currentSnapshot());

      t.updateProperties().set("format-version", "3").commit();
      t.rewritePositionDeletes();
      assertThat(ids(t.refresh())).isEqualTo(expected);
      assertThat(t.scan().planFiles()).allSatisfy(task -> assertThat(task.deletes()).singleElement()
          .satisfies(d -> assertThat(d.fileFormat()).isEqualTo("PUFFIN")));
      // later deletes merge into those vectors
      t.deleteWhere(Expressions.equal("id", 2L));
      assertThat(ids(t.refresh())).hasSize(expected.size() - 1).doesNotContain(2L);
      assertThat(t.scan().planFiles()).allSatisfy(task -> assertThat(task.deletes()).hasSize(1));
    }
  }
}
