package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.expressions.Expressions;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code write.delete.mode=merge-on-read}: deletes write position delete files instead of rewriting data files;
 * scans, counts and time travel see exactly the rows that remain, compaction folds the deletes in, and a delete
 * that races with a rewrite of the files it names fails instead of losing the delete.
 */
class MergeOnReadDeleteTest {
  @TempDir
  Path dir;

  private static Table mergeOnRead(Warehouse wh, String name, Schema schema, PartitionSpec spec) {
    return wh.createTable(name, schema, spec,
        Map.of(TableProperties.DELETE_MODE, TableProperties.DELETE_MODE_MERGE_ON_READ));
  }

  private static Set<Long> ids(TableScan scan) {
    Set<Long> out = new HashSet<>();
    scan.toList().forEach(r -> out.add(r.getLong("id")));
    return out;
  }

  private static List<String> dataFiles(Table t) {
    List<String> out = new ArrayList<>();
    t.scan().planFiles().forEach(task -> out.add(task.file().location()));
    return out;
  }

  @Test
  void deletesWritePositionDeletesAndRewriteNothing() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = mergeOnRead(wh, "t", TestSchemas.EVENTS, PartitionSpec.unpartitioned());
      for (int f = 0; f < 3; f++) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          rows.add(TestSchemas.event(f * 10 + i, i % 2 == 0 ? "even" : "odd", (double) i));
        }
        t.appendRecords(rows);
      }
      List<String> before = dataFiles(t);
      long beforeDelete = t.currentSnapshot().snapshotId();

      Snapshot s = t.deleteWhere(Expressions.equal("event", "odd"));

      assertThat(s.operation()).isEqualTo("delete");
      assertThat(s.summary()).containsEntry("added-data-files", "0").containsEntry("added-delete-files", "1")
          .containsEntry("added-position-deletes", "15").containsEntry("total-delete-files", "1");
      assertThat(dataFiles(t)).as("no data file rewritten").containsExactlyInAnyOrderElementsOf(before);
      assertThat(t.scan().planFiles()).allSatisfy(task -> assertThat(task.deletes()).hasSize(1)
          .allSatisfy(d -> assertThat(d.contentType()).isEqualTo(FileContent.POSITION_DELETES)));
      Set<Long> expected = new HashSet<>();
      for (long i = 0; i < 30; i++) {
        if (i % 2 == 0) {
          expected.add(i);
        }
      }
      assertThat(ids(t.scan())).isEqualTo(expected);
      assertThat(t.rowCount()).isEqualTo(15);
      assertThat(t.scan().filter(Expressions.equal("event", "odd")).count()).isZero();
      assertThat(ids(t.scan().useSnapshot(beforeDelete))).hasSize(30);
      TableScan scan = t.scan();
      scan.toList();
      assertThat(scan.report().rowsDeleted()).isEqualTo(15);

      // Another handle sees the same; deleting again changes nothing more.
      assertThat(ids(wh.loadTable("t").scan())).isEqualTo(expected);
      t.deleteWhere(Expressions.lessThan("id", 4L));
      expected.removeIf(id -> id < 4);
      assertThat(ids(wh.loadTable("t").scan())).isEqualTo(expected);

      // Compaction folds the deletes in: only live rows are copied.
      RewriteDataFiles.Result r = t.rewriteDataFiles().minFileSizeBytes(Long.MAX_VALUE).execute();
      assertThat(r.rewrittenRows()).isEqualTo(expected.size());
      assertThat(ids(t.scan())).isEqualTo(expected);
      assertThat(t.scan().planFiles()).allSatisfy(task -> assertThat(task.deletes()).isEmpty());
      assertThat(t.rowCount()).isEqualTo(expected.size());
    }
  }

  @Test
  void oneDeleteFilePerPartitionAndOnlyTheTouchedOnes() {
    Schema schema = Schema.of(Field.required(1, "id", Types.LONG), Field.required(2, "day", Types.DATE));
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = mergeOnRead(wh, "p", schema, PartitionSpec.builderFor(schema).identity("day").build());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (long i = 0; i < 30; i++) {
        rows.add(Map.of("id", i, "day", LocalDate.of(2026, 1, 1 + (int) (i % 3))));
      }
      t.appendRecords(rows);
      Snapshot s = t.deleteWhere(Expressions.in("id", 0L, 1L, 3L));   // days 1, 2 and 1
      assertThat(s.summary()).containsEntry("added-delete-files", "2").containsEntry("added-position-deletes", "3");
      assertThat(t.rowCount()).isEqualTo(27);
      assertThat(ids(t.scan())).doesNotContain(0L, 1L, 3L).hasSize(27);
    }
  }

  @Test
  void aTransactionDeletesItsOwnRowsByRewritingAndCommittedOnesByPosition() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = mergeOnRead(wh, "tx", TestSchemas.EVENTS, PartitionSpec.unpartitioned());
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0), TestSchemas.event(2, "b", 2.0)));
      try (Transaction tx = t.newTransaction()) {
        tx.appendRecords(List.of(TestSchemas.event(3, "b", 3.0), TestSchemas.event(4, "c", 4.0)));
        tx.deleteWhere(Expressions.equal("event", "b"));
        Snapshot s = tx.commit();
        assertThat(s.operation()).isEqualTo("overwrite");
      }
      assertThat(ids(t.scan())).containsExactlyInAnyOrder(1L, 4L);
    }
  }

  /**
   * A compaction commits between the delete's reading and its commit, rewriting the files the position deletes
   * name. Under serializable isolation (the default) the one-shot delete sees the compaction's new file as a
   * conflicting addition and runs again on the latest version; under snapshot isolation the check that every named
   * data file is still live fails its commit cleanly (a transaction reports it), and the one-shot delete runs again.
   * Either way no delete is lost and no row comes back.
   */
  @Test
  void aDeleteRacingACompactionOfItsFilesIsRedoneOrFailsAndLosesNothing() {
    for (String isolation : List.of("serializable", "snapshot")) {
      AtomicBoolean armed = new AtomicBoolean(false);
      Warehouse[] other = new Warehouse[1];
      Path tableDir = dir.resolve(isolation);
      io.datashard.storage.StorageBackend racing = new io.datashard.storage.ForwardingStorageBackend(
          new io.datashard.storage.LocalStorageBackend(tableDir)) {
        @Override
        public boolean createExclusive(String location, byte[] content) {
          if (location.endsWith(".metadata.json") && armed.getAndSet(false)) {
            other[0].loadTable("r").rewriteDataFiles().minFileSizeBytes(Long.MAX_VALUE).execute();
          }
          return super.createExclusive(location, content);
        }
      };
      try (Warehouse wh = Warehouse.of(racing); Warehouse second = Warehouse.local(tableDir)) {
        other[0] = second;
        Table t = wh.createTable("r", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
            Map.of(TableProperties.DELETE_MODE, TableProperties.DELETE_MODE_MERGE_ON_READ,
                "write.delete.isolation-level", isolation));
        t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0), TestSchemas.event(2, "b", 2.0)));
        t.appendRecords(List.of(TestSchemas.event(3, "a", 3.0)));
        armed.set(true);
        if (isolation.equals("serializable")) {
          t.deleteWhere(Expressions.equal("event", "a"));
        } else {
          // In a transaction the conflict is reported, and nothing is committed ...
          try (Transaction tx = t.newTransaction()) {
            tx.deleteWhere(Expressions.equal("event", "a"));
            assertThatThrownBy(tx::commit).isInstanceOf(StaleReadConflictException.class)
                .hasMessageContaining("position deletes name");
          }
          assertThat(ids(wh.loadTable("r").scan())).as(isolation).containsExactlyInAnyOrder(1L, 2L, 3L);
          // ... the one-shot delete runs itself again on the compacted file instead.
          t.refresh().appendRecords(List.of(TestSchemas.event(4, "a", 4.0))); // two files: the compaction has work
          armed.set(true);
          t.deleteWhere(Expressions.equal("event", "a"));
        }
        assertThat(armed).as("the compaction ran in between").isFalse();
        assertThat(ids(wh.loadTable("r").scan())).as(isolation).containsExactly(2L);
        assertThat(wh.loadTable("r").rowCount()).isEqualTo(1);
      }
    }
  }

  @Test
  void anUnknownModeIsRefusedAndChangesNothing() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("u", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.DELETE_MODE, "merge-on-write"));
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      long v = t.currentSnapshot().snapshotId();
      assertThatThrownBy(() -> t.deleteWhere(Expressions.equal("id", 1L))).isInstanceOf(ValidationException.class)
          .hasMessageContaining("write.delete.mode").hasMessageContaining("merge-on-read");
      assertThat(t.refresh().currentSnapshot().snapshotId()).isEqualTo(v);
    }
  }
}
