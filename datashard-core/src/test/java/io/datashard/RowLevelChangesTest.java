package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.expressions.Expressions;
import io.datashard.scan.BaseTableScan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
      assertThat(((BaseTableScan) t.scan()).planFiles()).hasSize(2);
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

  @Test
  void deletesRacingWithAppendsKeepEveryAppendedRow() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("race", TestSchemas.EVENTS);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      Future<?> appends = pool.submit(() -> {
        Table mine = wh.loadTable("race");
        for (int i = 0; i < 30; i++) {
          mine.appendRecords(List.of(TestSchemas.event(i, "keep", null), TestSchemas.event(1000 + i, "junk", null)));
        }
        return null;
      });
      Future<?> deletes = pool.submit(() -> {
        Table mine = wh.loadTable("race");
        for (int i = 0; i < 10; i++) {
          try {
            mine.deleteWhere(Expressions.equal("event", "junk"));
          } catch (CommitConflictException e) {
            // only another delete could rewrite the same files; there is none
            throw e;
          }
        }
        return null;
      });
      appends.get();
      deletes.get();
      pool.shutdown();
      wh.loadTable("race").deleteWhere(Expressions.equal("event", "junk"));
      List<Object> ids = new ArrayList<>();
      wh.loadTable("race").scan().toList().forEach(r -> ids.add(r.get("id")));
      assertThat(ids).hasSize(30).doesNotHaveDuplicates().allMatch(id -> (Long) id < 1000);
    }
  }
}
