package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.expressions.Expressions;
import io.datashard.update.TableInternals;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables of format version 3: created or upgraded, appended to with row lineage, and what is still refused. */
class FormatVersion3Test {
  @TempDir
  Path dir;

  private static List<List<Object>> lineage(Table t) {
    List<List<Object>> out = new ArrayList<>();
    for (Row r : t.scan().select("id", "_row_id", "_last_updated_sequence_number").toList()) {
      out.add(java.util.Arrays.asList(r.get(0), r.get(1), r.get(2)));
    }
    out.sort(java.util.Comparator.comparing(row -> (Long) row.get(0)));
    return out;
  }

  private static int formatVersion(Table t) {
    return TableInternals.of(t).metadata().formatVersion();
  }

  @Test
  void appendsAssignEveryRowAnIdOnceAndKeepItThroughManifestRewrites() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of("format-version", "3", "commit.manifest.min-count-to-merge", "3"));
      assertThat(formatVersion(t)).isEqualTo(3);
      assertThat(t.properties()).as("format-version is not a stored property").doesNotContainKey("format-version");
      t.appendRecords(List.of(TestSchemas.event(0, "a", null), TestSchemas.event(1, "a", null),
          TestSchemas.event(2, "a", null)));
      t.appendRecords(List.of(TestSchemas.event(3, "b", null), TestSchemas.event(4, "b", null)));
      assertThat(lineage(t)).containsExactly(List.of(0L, 0L, 1L), List.of(1L, 1L, 1L), List.of(2L, 2L, 1L),
          List.of(3L, 3L, 2L), List.of(4L, 4L, 2L));
      Snapshot second = t.currentSnapshot();
      assertThat(second.firstRowId()).isEqualTo(3L);
      assertThat(second.addedRows()).isEqualTo(2L);
      assertThat(TableInternals.of(t).metadata().nextRowId()).isEqualTo(5L);

      // many more appends: manifests are merged automatically (min-count-to-merge 3); a merged manifest takes a
      // new id range (the spec's assignment counts its existing rows too), but every row keeps the id it was given
      List<List<Object>> earlier = lineage(t);
      for (long i = 5; i < 40; i++) {
        t.appendRecords(List.of(TestSchemas.event(i, "c", null)));
        List<List<Object>> now = lineage(t.refresh());
        assertThat(now.subList(0, earlier.size())).as("after append %d", i).isEqualTo(earlier);
        assertThat(now.get(now.size() - 1).get(2)).isEqualTo(t.currentSnapshot().sequenceNumber());
        earlier = now;
      }
      List<List<Object>> before = lineage(t.refresh());
      Set<Object> ids = new HashSet<>();
      before.forEach(r -> ids.add(r.get(1)));
      assertThat(ids).doesNotContainNull().hasSize(40);
      t.rewriteManifests();
      assertThat(lineage(t.refresh())).as("a manifest rewrite keeps every row's id and sequence number")
          .isEqualTo(before);
      assertThat(TableInternals.of(t).metadata().nextRowId()).isGreaterThanOrEqualTo(40L);
    }
  }

  @Test
  void aVersion2TableUpgradesAndItsOlderRowsGetIdsWithTheFirstCommitAfter() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      assertThat(formatVersion(t)).isEqualTo(2);
      t.appendRecords(List.of(TestSchemas.event(0, "a", null), TestSchemas.event(1, "a", null)));
      long v2Snapshot = t.currentSnapshot().snapshotId();
      t.updateProperties().set("format-version", "3").commit();
      assertThat(formatVersion(t.refresh())).isEqualTo(3);
      assertThat(TableInternals.of(t).metadata().nextRowId()).isZero();
      assertThat(lineage(t)).as("no lineage until a commit assigns it")
          .containsExactly(java.util.Arrays.asList(0L, null, null), java.util.Arrays.asList(1L, null, null));
      t.appendRecords(List.of(TestSchemas.event(2, "b", null)));
      List<List<Object>> after = lineage(t.refresh());
      assertThat(after).extracting(r -> r.get(1)).doesNotContainNull().doesNotHaveDuplicates();
      assertThat(after.get(0).get(2)).as("older rows keep their sequence number").isEqualTo(1L);
      assertThat(after.get(2).get(2)).isEqualTo(2L);
      // the snapshot from before the upgrade still reads without lineage
      assertThat(t.scan().useSnapshot(v2Snapshot).select("_row_id").toList()).extracting(r -> r.get(0))
          .containsOnlyNulls();
      assertThatThrownBy(() -> t.updateProperties().set("format-version", "2").commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("format-version 2");
      assertThatThrownBy(() -> t.updateProperties().set("format-version", "4").commit())
          .isInstanceOf(ValidationException.class);
    }
  }

  @Test
  void copyOnWriteDeletesAndCompactionCarryEveryRowsIdIntoTheFilesTheyWrite() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), Map.of("format-version", "3"));
      for (long i = 0; i < 6; i++) {
        t.appendRecords(List.of(TestSchemas.event(2 * i, "a", null), TestSchemas.event(2 * i + 1, "b", null)));
      }
      List<List<Object>> before = lineage(t.refresh());
      t.deleteWhere(Expressions.equal("event", "b")); // copy-on-write: every file rewritten without its "b" row
      List<List<Object>> expected = new ArrayList<>(before);
      expected.removeIf(r -> ((Long) r.get(0)) % 2 == 1);
      assertThat(lineage(t.refresh())).as("survivors keep id and sequence number").isEqualTo(expected);

      RewriteDataFiles.Result compacted = t.rewriteDataFiles().minFileSizeBytes(Long.MAX_VALUE).execute();
      assertThat(compacted.rewrittenRows()).isEqualTo(6);
      assertThat(t.refresh().scan().planFiles()).hasSize(1);
      assertThat(lineage(t)).as("compaction keeps them too").isEqualTo(expected);
      t.appendRecords(List.of(TestSchemas.event(100, "c", null)));
      List<List<Object>> after = lineage(t.refresh());
      assertThat(after).extracting(r -> r.get(1)).doesNotContainNull().doesNotHaveDuplicates();
      assertThat(t.scan().select("id").toList()).as("the lineage columns are not table columns")
          .allSatisfy(r -> assertThat(r.schema().columnNames()).containsExactly("id"));
      assertThat(t.schema().columnNames()).containsExactly("id", "event", "value");
      assertThatThrownBy(() -> wh.createTable("bad", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of("format-version", "9"))).isInstanceOf(ValidationException.class).hasMessageContaining("9");
    }
  }

  private static Table mergeOnReadV3(Warehouse wh, String name) {
    return wh.createTable(name, TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
        Map.of("format-version", "3", TableProperties.DELETE_MODE, TableProperties.DELETE_MODE_MERGE_ON_READ));
  }

  private static List<Long> ids(Table t) {
    List<Long> out = new ArrayList<>();
    t.scan().toList().forEach(r -> out.add(r.getLong("id")));
    out.sort(null);
    return out;
  }

  private static List<FileScanTask> tasks(Table t) {
    return t.scan().planFiles();
  }

  @Test
  void mergeOnReadDeletesWriteOneDeletionVectorPerDataFileAndKeepRowIds() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = mergeOnReadV3(wh, "t");
      t.appendRecords(List.of(TestSchemas.event(0, "a", null), TestSchemas.event(1, "a", null),
          TestSchemas.event(2, "a", null), TestSchemas.event(3, "a", null)));
      t.appendRecords(List.of(TestSchemas.event(4, "b", null), TestSchemas.event(5, "b", null)));
      List<List<Object>> lineageBefore = lineage(t);

      t.deleteWhere(Expressions.equal("id", 1L));
      assertThat(ids(t.refresh())).containsExactly(0L, 2L, 3L, 4L, 5L);
      assertThat(tasks(t)).flatExtracting(FileScanTask::deletes).extracting(ContentFile::fileFormat)
          .containsExactly("PUFFIN");

      // a second delete on the same file merges into a new vector that replaces the first
      t.deleteWhere(Expressions.in("id", 2L, 4L));
      assertThat(ids(t.refresh())).containsExactly(0L, 3L, 5L);
      List<FileScanTask> planned = tasks(t);
      assertThat(planned).allSatisfy(task -> assertThat(task.deletes()).hasSizeLessThanOrEqualTo(1));
      assertThat(planned).flatExtracting(FileScanTask::deletes).extracting(ContentFile::recordCount)
          .containsExactlyInAnyOrder(2L, 1L);
      assertThat(t.rowCount()).isEqualTo(3);
      assertThat(t.currentSnapshot().summary()).containsEntry("operation", "delete");

      // deleting rows that are already deleted changes nothing
      t.deleteWhere(Expressions.equal("id", 1L));
      assertThat(ids(t.refresh())).containsExactly(0L, 3L, 5L);

      // the rows left keep the ids and sequence numbers they had
      List<List<Object>> expected = new ArrayList<>(lineageBefore);
      expected.removeIf(r -> List.of(1L, 2L, 4L).contains((Long) r.get(0)));
      assertThat(lineage(t)).isEqualTo(expected);

      // two deletes of one file in one transaction commit one vector
      Transaction tx = t.newTransaction();
      tx.deleteWhere(Expressions.equal("id", 0L));
      tx.deleteWhere(Expressions.equal("id", 3L));
      tx.commit();
      assertThat(ids(t.refresh())).containsExactly(5L);
      assertThat(tasks(t)).allSatisfy(task -> assertThat(task.deletes()).hasSizeLessThanOrEqualTo(1));
    }
  }

  @Test
  void concurrentDeletesOfOneFileEachLandAndLeaveOneVector() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = mergeOnReadV3(wh, "t");
      List<Map<String, Object>> rows = new ArrayList<>();
      for (long i = 0; i < 40; i++) {
        rows.add(TestSchemas.event(i, "a", null));
      }
      t.appendRecords(rows);
      int threads = 4;
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        int worker = w;
        done.add(pool.submit(() -> {
          Table mine = wh.loadTable("t");
          for (long i = worker; i < 20; i += threads) {
            mine.deleteWhere(Expressions.equal("id", i));
          }
        }));
      }
      for (var f : done) {
        f.get();
      }
      pool.shutdown();
      List<Long> expected = new ArrayList<>();
      for (long i = 20; i < 40; i++) {
        expected.add(i);
      }
      assertThat(ids(t.refresh())).isEqualTo(expected);
      assertThat(tasks(t)).singleElement().satisfies(task -> assertThat(task.deletes()).singleElement()
          .satisfies(d -> assertThat(d.recordCount()).isEqualTo(20)));
    }
  }

  @Test
  void nanosecondTimestampsKeepEveryDigitAndPruneByDayAndBucket() {
    Schema schema = Schema.of(Field.required(1, "id", Types.LONG), Field.optional(2, "ts", Types.TIMESTAMP_NS),
        Field.optional(3, "at", Types.TIMESTAMP_NS_TZ));
    try (Warehouse wh = Warehouse.local(dir)) {
      assertThatThrownBy(() -> wh.createTable("v2", schema)).isInstanceOf(ValidationException.class)
          .hasMessageContaining("format version 3").hasMessageContaining("ts");
      PartitionSpec spec = PartitionSpec.builderFor(schema).day("ts").bucket("at", 4).build();
      Table t = wh.createTable("t", schema, spec, Map.of("format-version", "3"));
      java.time.LocalDateTime base = java.time.LocalDateTime.of(2026, 12, 4, 13, 1, 2, 123_456_789);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (long i = 0; i < 20; i++) {
        Map<String, Object> r = new java.util.HashMap<>();
        r.put("id", i);
        r.put("ts", base.plusHours(i * 7).plusNanos(i));
        r.put("at", java.time.Instant.parse("1969-12-31T23:59:59.999999999Z").plusNanos(i * 1_000_001L));
        rows.add(r);
      }
      t.appendRecords(rows);
      List<Row> read = t.scan().toList();
      read.sort(java.util.Comparator.comparing(r -> r.getLong("id")));
      for (int i = 0; i < 20; i++) {
        assertThat(read.get(i).get("ts")).isEqualTo(base.plusHours(i * 7L).plusNanos(i));
        assertThat(read.get(i).get("at")).isEqualTo(java.time.Instant.parse("1969-12-31T23:59:59.999999999Z")
            .plusNanos(i * 1_000_001L).atOffset(java.time.ZoneOffset.UTC));
      }
      // a filter one nanosecond past a value excludes it; pruning by day skips the other partitions' files
      java.time.LocalDateTime third = base.plusHours(14).plusNanos(2);
      TableScan exact = t.scan().filter(Expressions.equal("ts", third));
      assertThat(exact.toList()).extracting(r -> r.getLong("id")).containsExactly(2L);
      assertThat(exact.report().filesPruned()).isPositive();
      assertThat(t.scan().filter(Expressions.greaterThan("ts", third.minusNanos(1))).filter(
          Expressions.lessThan("ts", third.plusNanos(1))).toList()).extracting(r -> r.getLong("id")).containsExactly(2L);
      assertThat(t.scan().filter(Expressions.greaterThan("ts", "2026-12-04T13:01:02.123456789")).count()).isEqualTo(19);
      assertThat(t.scan().filter(Expressions.equal("at", java.time.Instant.parse("1970-01-01T00:00:00.001000000Z")))
          .toList()).extracting(r -> r.getLong("id")).containsExactly(1L);
    }
  }

  @Test
  void theChangeFeedReportsOnlyTheRowsEachMergedVectorNewlyDeletes() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = mergeOnReadV3(wh, "t");
      t.appendRecords(List.of(TestSchemas.event(0, "a", null), TestSchemas.event(1, "a", null),
          TestSchemas.event(2, "a", null), TestSchemas.event(3, "a", null)));
      long appended = t.currentSnapshot().snapshotId();
      t.deleteWhere(Expressions.equal("id", 1L));
      long first = t.refresh().currentSnapshot().snapshotId();
      t.deleteWhere(Expressions.equal("id", 3L)); // a new vector holding 1 and 3 replaces the first
      List<String> changes = new ArrayList<>();
      try (CloseableIterator<ChangeRow> it = t.refresh().changes(appended, null)) {
        it.forEachRemaining(c -> changes.add(c.type() + " " + c.row().getLong("id") + " @" + c.snapshotId()));
      }
      assertThat(changes).containsExactly("DELETE 1 @" + first,
          "DELETE 3 @" + t.currentSnapshot().snapshotId());
    }
  }

  @Test
  void columnsAddedWithDefaultsReadThemInOlderRowsAndAppendsWriteThem() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table v2 = wh.createTable("v2", TestSchemas.EVENTS);
      assertThatThrownBy(() -> v2.updateSchema().addColumnWithDefault("region", Types.STRING, "eu").commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("format version 3");

      Table t = wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), Map.of("format-version", "3"));
      t.appendRecords(List.of(TestSchemas.event(1, "a", null)));
      t.updateSchema().addColumnWithDefault("region", Types.STRING, "eu").addRequiredColumn("level", Types.INT, 7)
          .commit();
      assertThatThrownBy(() -> t.updateSchema().addRequiredColumn("bad", Types.INT, null).commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("default");
      assertThatThrownBy(() -> t.updateSchema().addColumnWithDefault("bad", Types.INT, "seven").commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("bad");
      t.refresh().appendRecords(List.of(Map.of("id", 2L, "event", "b")));
      t.updateSchema().updateColumnDefault("region", "us").renameColumn("level", "tier").commit();
      t.refresh().appendRecords(List.of(Map.of("id", 3L, "event", "c", "tier", 1)));
      Map<Long, String> rows = new java.util.TreeMap<>();
      t.refresh().scan().toList().forEach(r -> rows.put(r.getLong("id"), r.get("region") + "/" + r.get("tier")));
      assertThat(rows).containsExactly(Map.entry(1L, "eu/7"), Map.entry(2L, "eu/7"), Map.entry(3L, "us/1"));
      Field tier = t.schema().findField("tier");
      assertThat(tier.isRequired()).isTrue();
      assertThat(tier.initialDefault()).as("a rename keeps the defaults").isEqualTo(7);
      assertThat(t.schema().findField("region").initialDefault()).isEqualTo("eu");
      assertThat(t.schema().findField("region").writeDefault()).isEqualTo("us");
    }
  }
}
