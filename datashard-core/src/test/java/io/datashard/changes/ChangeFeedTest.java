package io.datashard.changes;

import io.datashard.ChangeRow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.CloseableIterator;
import io.datashard.DataShardException;
import io.datashard.PartitionSpec;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /**
   * A snapshot's changes are read from the data files it added and removed, not from whole snapshots: the change
   * feed of one append to a table of ten files opens only the appended file, and a copy-on-write delete opens the
   * file it removed (as of the parent) and the file it wrote.
   */
  @Test
  void readsOnlyTheFilesASnapshotChanged() {
    List<String> opened = java.util.Collections.synchronizedList(new ArrayList<>());
    io.datashard.storage.StorageBackend counting = new io.datashard.storage.ForwardingStorageBackend(
        new io.datashard.storage.LocalStorageBackend(dir)) {
      @Override
      public io.datashard.storage.InputFile newInputFile(String location, long length) {
        if (location.endsWith(".parquet")) {
          opened.add(location);
        }
        return super.newInputFile(location, length);
      }

      @Override
      public io.datashard.storage.InputFile newInputFile(String location) {
        if (location.endsWith(".parquet")) {
          opened.add(location);
        }
        return super.newInputFile(location);
      }
    };
    try (Warehouse wh = Warehouse.of(counting)) {
      // Upkeep off: the test counts the files one change feed opens, so nothing may rewrite them meanwhile.
      Table t = wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.UPKEEP_ENABLED, "false"));
      for (int i = 0; i < 10; i++) {
        t.appendRecords(List.of(TestSchemas.event(i, "e" + i, (double) i)));
      }
      long tenth = t.currentSnapshot().snapshotId();
      t.appendRecords(List.of(TestSchemas.event(100, "new", 1.0)));
      opened.clear();
      assertThat(changes(t, tenth, null)).containsExactly("INSERT 0 100");
      assertThat(opened).hasSize(1);

      long beforeDelete = t.currentSnapshot().snapshotId();
      t.deleteWhere(Expressions.equal("id", 3L));
      opened.clear();
      assertThat(changes(t, beforeDelete, null)).containsExactly("DELETE 0 3");
      assertThat(opened).as("the removed file only (the delete wrote none: its file held only the deleted row)")
          .hasSize(1);
    }
  }
}
