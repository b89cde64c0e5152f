package io.datashard.changes;

import io.datashard.ChangeRow;
import io.datashard.ChangeType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.CloseableIterator;
import io.datashard.DataShardException;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeFeedTest {
  @TempDir
  Path dir;

  private static List<String> changes(Table t, Long from, Long to) {
    List<String> out = new ArrayList<>();
    try (CloseableIterator<ChangeRow> it = t.changes(from, to)) {
      it.forEachRemaining(c -> out.add(c.type() + " " + c.ordinal() + " " + c.row().get("id")
          + (c.snapshotId() == t.snapshot(c.snapshotId()).snapshotId() ? "" : "?")));
    }
    return out;
  }

  @Test
  void appendsDeletesOverwritesAndCompaction() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0), TestSchemas.event(2, "b", 2.0)));
      long s1 = t.currentSnapshot().snapshotId();
      t.appendRecords(List.of(TestSchemas.event(3, "b", 3.0)));
      t.deleteWhere(Expressions.equal("event", "b")); // copy-on-write: rewrites file 1, drops file 2
      t.overwrite(Expressions.equal("id", 1L), List.of(TestSchemas.event(10, "c", null)));
      long beforeCompaction = t.currentSnapshot().snapshotId();
      t.rewriteDataFiles().execute();
      long last = t.currentSnapshot().snapshotId();
      assertThat(changes(t, null, null)).containsExactlyInAnyOrder(
          "INSERT 0 1", "INSERT 0 2", "INSERT 1 3", "DELETE 2 2", "DELETE 2 3", "DELETE 3 1", "INSERT 3 10");
      // compaction alone: its carry-over rows cancel out
      assertThat(changes(t, beforeCompaction, last)).isEmpty();
      assertThat(changes(t, s1, beforeCompaction)).containsExactlyInAnyOrder(
          "INSERT 0 3", "DELETE 1 2", "DELETE 1 3", "DELETE 2 1", "INSERT 2 10");
      try (CloseableIterator<ChangeRow> it = t.changes(s1, s1 + 0)) {
        assertThat(it.hasNext()).isFalse();
      }
    }
  }

  @Test
  void partitionEvolutionDoesNotShowAsChanges() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      t.updateSpec().addField("event", "identity").commit();
      long specChanged = t.currentSnapshot().snapshotId();
      t.appendRecords(List.of(TestSchemas.event(2, "b", 2.0)));
      t.rewriteDataFiles().execute();
      t.deleteWhere(Expressions.equal("event", "a"));
      assertThat(changes(t, specChanged, null)).containsExactlyInAnyOrder("INSERT 0 2",
          "DELETE " + (t.snapshots().size() - 2) + " 1"); // compaction across specs may commit nothing
    }
  }

  @Test
  void identifierFieldsTurnDeletePlusInsertIntoUpdateImages() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS.withIdentifierFieldIds(Set.of(1)));
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0), TestSchemas.event(2, "b", 2.0)));
      long s1 = t.currentSnapshot().snapshotId();
      t.overwrite(Expressions.in("id", 1L, 2L),
          List.of(TestSchemas.event(1, "a2", 1.5), TestSchemas.event(3, "c", 3.0)));
      List<ChangeRow> rows = new ArrayList<>();
      try (CloseableIterator<ChangeRow> it = t.changes(s1, null)) {
        it.forEachRemaining(rows::add);
      }
      assertThat(rows).extracting(c -> c.type() + " " + c.row().get("id") + " " + c.row().get("event"))
          .containsExactlyInAnyOrder("UPDATE_BEFORE 1 a", "UPDATE_AFTER 1 a2", "DELETE 2 b", "INSERT 3 c");
      assertThat(rows).allMatch(c -> c.snapshotId() == t.currentSnapshot().snapshotId() && c.ordinal() == 0);
    }
  }

  @Test
  void badRangesFailClearly() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      assertThat(changes(t, null, null)).isEmpty();
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      long s1 = t.currentSnapshot().snapshotId();
      t.appendRecords(List.of(TestSchemas.event(2, "a", 1.0)));
      long s2 = t.currentSnapshot().snapshotId();
      assertThatThrownBy(() -> t.changes(s2, s1)).isInstanceOf(DataShardException.class)
          .hasMessageContaining("not an ancestor");
      assertThatThrownBy(() -> t.changes(42L, null)).hasMessageContaining("42").hasMessageContaining("does not exist");
      assertThatThrownBy(() -> t.changes(null, 43L)).hasMessageContaining("43").hasMessageContaining("does not exist");
    }
  }

  /** A column added, another renamed and a type widened inside the range: only the rows really changed show. */
  @Test
  void schemaChangesInsideTheRangeAreNotChanges() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", io.datashard.Schema.of(
          io.datashard.Field.required(1, "id", io.datashard.Types.LONG),
          io.datashard.Field.optional(2, "n", io.datashard.Types.INT),
          io.datashard.Field.optional(3, "label", io.datashard.Types.STRING)));
      t.appendRecords(List.of(java.util.Map.of("id", 1L, "n", 1, "label", "a")));
      long first = t.currentSnapshot().snapshotId();
      t.appendRecords(List.of(java.util.Map.of("id", 2L, "n", 2, "label", "b")));
      t.updateSchema().addColumn("extra", io.datashard.Types.STRING).renameColumn("label", "name")
          .updateColumn("n", io.datashard.Types.LONG).commit();
      t.appendRecords(List.of(java.util.Map.of("id", 3L, "n", 3L, "name", "c", "extra", "x")));
      List<String> seen = new ArrayList<>();
      try (CloseableIterator<io.datashard.ChangeRow> it = t.changes(first, null)) {
        while (it.hasNext()) {
          io.datashard.ChangeRow c = it.next();
          seen.add(c.type() + " " + c.row().get("id") + " " + c.row().get("n") + " " + c.row().get("name") + " "
              + c.row().get("extra"));
        }
      }
      assertThat(seen).containsExactly("INSERT 2 2 b null", "INSERT 3 3 c x");
    }
  }
}
