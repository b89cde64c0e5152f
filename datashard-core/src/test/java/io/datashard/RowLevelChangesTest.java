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

class RowLevelChangesTest {
  @TempDir
  Path dir;

  private Table tableWithThreeFiles(Warehouse wh) {
    Table t = wh.createTable("t", TestSchemas.EVENTS);
    t.appendRecords(List.of(TestSchemas.event(1, "keep", 1.0), TestSchemas.event(2, "drop", 2.0)));
    t.appendRecords(List.of(TestSchemas.event(3, "drop", null), TestSchemas.event(4, "drop", 4.0)));
    t.appendRecords(List.of(TestSchemas.event(5, "keep", 5.0)));
    return t;
  }

  @Test
  void deleteDropsWholeFilesRewritesPartialOnesAndLeavesOthers() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = tableWithThreeFiles(wh);
      Snapshot before = t.currentSnapshot();
      Snapshot s = t.deleteWhere(Expressions.equal("event", "drop"));
      assertThat(s.operation()).isEqualTo("overwrite"); // one file dropped, one rewritten
      assertThat(s.summary()).containsEntry("deleted-data-files", "2").containsEntry("total-records", "2");
      assertThat(t.scan().toList()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(1L, 5L);
      assertThat(t.scan().planFiles().stream().map(FileScanTask::file).toList()).hasSize(2);
      assertThat(t.rowCount()).isEqualTo(2);
      // time travel still sees the deleted rows
      assertThat(t.scan().useSnapshot(before.snapshotId()).count()).isEqualTo(5);
      // no match: nothing committed
      assertThat(t.deleteWhere(Expressions.equal("event", "nothing"))).isEqualTo(t.currentSnapshot());
      assertThat(t.snapshots()).hasSize(4);
    }
  }

  @Test
  void deleteFollowsSqlNullSemantics() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = tableWithThreeFiles(wh);
      Snapshot s = t.deleteWhere(Expressions.lessThan("value", 3.0)); // value null (id 3) is kept
      assertThat(s.operation()).isEqualTo("delete"); // both rows of the first file match: dropped whole
      assertThat(t.scan().toList()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(3L, 4L, 5L);
      Snapshot d = t.deleteWhere(Expressions.isNull("value"));
      assertThat(d.operation()).isEqualTo("overwrite");
      assertThat(t.scan().toList()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(4L, 5L);
      assertThat(t.deleteWhere(Expressions.alwaysTrue()).operation()).isEqualTo("delete");
      assertThat(t.scan().count()).isZero();
    }
  }

  @Test
  void overwriteReplacesMatchingRowsAtomically() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = tableWithThreeFiles(wh);
      Snapshot s = t.overwrite(Expressions.equal("event", "drop"),
          List.of(TestSchemas.event(20, "new", 20.0), TestSchemas.event(30, "new", null)));
      assertThat(s.operation()).isEqualTo("overwrite");
      assertThat(t.scan().toList()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(1L, 5L, 20L, 30L);
      int snapshots = t.snapshots().size();
      assertThatThrownBy(() -> t.overwrite(Expressions.alwaysTrue(), List.of(Map.of("id", "bad"))))
          .isInstanceOf(RecordValidationException.class);
      assertThat(wh.loadTable("t").snapshots()).hasSize(snapshots);
      assertThat(wh.loadTable("t").scan().count()).isEqualTo(4);
    }
  }

  @Test
  void transactionCommitsEverythingAsOneSnapshotOrNothing() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = tableWithThreeFiles(wh);
      int snapshots = t.snapshots().size();
      Snapshot s;
      try (Transaction tx = t.newTransaction()) {
        tx.appendRecords(List.of(TestSchemas.event(6, "drop", 6.0), TestSchemas.event(7, "keep", 7.0)));
        tx.deleteWhere(Expressions.equal("event", "drop")); // also sees the rows appended above
        tx.setProperty("refreshed", "yes");
        s = tx.commit();
      }
      Table reloaded = wh.loadTable("t");
      assertThat(reloaded.snapshots()).hasSize(snapshots + 1);
      assertThat(reloaded.scan().toList()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(1L, 5L, 7L);
      assertThat(reloaded.properties()).containsEntry("refreshed", "yes");
      assertThat(s.operation()).isEqualTo("overwrite");

      // an abandoned transaction changes nothing and leaves no data file behind
      long filesBefore = wh.storage().list(t.location() + "/data").size();
      try (Transaction tx = reloaded.newTransaction()) {
        tx.appendRecords(List.of(TestSchemas.event(8, "x", null)));
      }
      assertThat(wh.loadTable("t").scan().count()).isEqualTo(3);
      assertThat(wh.storage().list(t.location() + "/data")).hasSize((int) filesBefore);
    }
  }

  /**
   * A compaction (automatic upkeep's, or a user's) that lands while a copy-on-write delete, upsert or overwrite is
   * being built removes the files the operation read. The operation must not fail for it: it reads the table again
   * and commits on the compacted files, with the same result as if it had run after the compaction.
   */
  @Test
  void copyOnWriteChangesRacingWithACompactionAreRedoneNotFailed() throws Exception {
    RaceStorage storage = new RaceStorage(new io.datashard.storage.LocalStorageBackend(dir));
    try (Warehouse wh = Warehouse.of(storage); Warehouse other = Warehouse.local(dir)) {
      // Snapshot isolation: a compaction's new file is then no isolation conflict, and what remains is that the
      // files the change read are gone (under serializable isolation it would conflict on the new file first).
      Table t = wh.createTable("compacted", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.UPKEEP_ENABLED, "false", // the compaction is forced below, not left to chance
              io.datashard.update.IsolationLevel.DELETE_PROPERTY, "snapshot",
              io.datashard.update.IsolationLevel.UPDATE_PROPERTY, "snapshot",
              io.datashard.update.IsolationLevel.MERGE_PROPERTY, "snapshot"));
      t.updateSchema().setIdentifierFields(List.of("id")).commit();
      Table compactor = other.loadTable("compacted");
      for (long id = 0; id < 4; id++) {
        t.appendRecords(List.of(TestSchemas.event(id, "a", null), TestSchemas.event(10 + id, "b", null)));
      }
      Runnable compact = () -> {
        compactor.refresh();
        compactor.rewriteDataFiles().minFileSizeBytes(Long.MAX_VALUE).execute();
      };

      // Before each change the table has several files (an append adds one), so each compaction has work to do.
      storage.beforeNextCommit(compact);
      t.deleteWhere(Expressions.equal("id", 10L));
      assertThat(storage.lostCreates()).as("the delete lost its first commit to the compaction").isEqualTo(1);
      t.appendRecords(List.of(TestSchemas.event(20L, "c", null)));
      storage.beforeNextCommit(compact);
      t.upsert(List.of(TestSchemas.event(11L, "upserted", 1.0)));
      assertThat(storage.lostCreates()).as("so did the upsert").isEqualTo(2);
      t.appendRecords(List.of(TestSchemas.event(21L, "c", null)));
      storage.beforeNextCommit(compact);
      t.overwrite(Expressions.equal("event", "a"), List.of(TestSchemas.event(100L, "new", null)));
      assertThat(storage.lostCreates()).as("and the overwrite").isEqualTo(3);

      Map<Object, Object> rows = new java.util.TreeMap<>();
      wh.loadTable("compacted").scan().toList().forEach(r -> rows.put(r.get("id"), r.get("event")));
      assertThat(rows).isEqualTo(Map.of(11L, "upserted", 12L, "b", 13L, "b", 20L, "c", 21L, "c", 100L, "new"));
      assertThat(wh.loadTable("compacted").snapshots().stream().filter(s -> "replace".equals(s.operation())).count())
          .as("the compactions did commit").isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void deletesRacingWithAppendsKeepEveryAppendedRow() throws Exception {
    // The race is forced, not hoped for: just before each delete publishes its version, an append made through
    // another warehouse lands first, so the delete's create loses and it must retry on the newer table.
    RaceStorage storage = new RaceStorage(new io.datashard.storage.LocalStorageBackend(dir));
    try (Warehouse wh = Warehouse.of(storage); Warehouse other = Warehouse.local(dir)) {
      Table t = wh.createTable("race", TestSchemas.EVENTS);
      Table competitor = other.loadTable("race");
      List<Long> kept = new ArrayList<>();
      for (int round = 0; round < 5; round++) {
        long id = round;
        t.appendRecords(List.of(TestSchemas.event(id, "keep", null), TestSchemas.event(1000 + id, "junk", null)));
        kept.add(id);
        storage.beforeNextCommit(() -> {
          competitor.refresh();
          competitor.appendRecords(
              List.of(TestSchemas.event(100 + id, "keep", null), TestSchemas.event(2000 + id, "junk", null)));
        });
        kept.add(100 + id);
        t.refresh();
        t.deleteWhere(Expressions.equal("event", "junk"));
      }
      assertThat(storage.lostCreates()).as("deletes that lost the race to an append and retried").isEqualTo(5);
      List<Object> ids = new ArrayList<>();
      wh.loadTable("race").scan().toList().forEach(r -> ids.add(r.get("id")));
      assertThat(ids).as("every appended row the deletes did not match").containsAll(kept).doesNotHaveDuplicates();
      wh.loadTable("race").deleteWhere(Expressions.equal("event", "junk"));
      ids.clear();
      wh.loadTable("race").scan().toList().forEach(r -> ids.add(r.get("id")));
      assertThat(ids).containsExactlyInAnyOrderElementsOf(kept);
    }
  }
}
