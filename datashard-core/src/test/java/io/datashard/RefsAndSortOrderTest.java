package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Branches, tags, write-audit-publish, retention by reference, and the default sort order. */
class RefsAndSortOrderTest {
  @TempDir
  Path dir;

  static List<Long> ids(TableScan scan) {
    return TestSchemas.ids(scan);
  }

  static List<Long> sorted(TableScan scan) {
    List<Long> ids = ids(scan);
    ids.sort(null);
    return ids;
  }

  @Test
  void writeAuditPublishThroughABranch() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "a", null)));
      t.manageSnapshots().createBranch("audit").commit();
      try (Appender a = t.newAppend().toBranch("audit")) {
        a.add(TestSchemas.event(2, "b", null));
        a.commit();
      }
      Table fresh = wh.loadTable("t");
      assertThat(sorted(fresh.scan())).containsExactly(1L); // main untouched
      assertThat(sorted(fresh.scan().useRef("audit"))).containsExactly(1L, 2L);
      assertThat(fresh.refs()).containsOnlyKeys("main", "audit");
      assertThat(fresh.rowCount()).isEqualTo(1);

      fresh.manageSnapshots().fastForwardBranch("main", "audit").commit();
      Table published = wh.loadTable("t");
      assertThat(sorted(published.scan())).containsExactly(1L, 2L);
      assertThat(published.refs().get("main").snapshotId()).isEqualTo(published.refs().get("audit").snapshotId());
      assertThat(published.history()).hasSize(2);
    }
  }

  @Test
  void fastForwardIsRefusedWhenMainHasCommitsTheBranchLacks() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "a", null)));
      t.manageSnapshots().createBranch("b").commit();
      t.newAppend().toBranch("b").add(TestSchemas.event(2, "b", null)).commit();
      t.appendRecords(List.of(TestSchemas.event(3, "c", null))); // main moves on
      long before = wh.loadTable("t").currentSnapshot().snapshotId();
      assertThatThrownBy(() -> t.manageSnapshots().fastForwardBranch("main", "b").commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("not an ancestor");
      assertThat(wh.loadTable("t").currentSnapshot().snapshotId()).isEqualTo(before);
    }
  }

  @Test
  void tagsAreFixedAndNamesAreChecked() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      Snapshot first = t.appendRecords(List.of(TestSchemas.event(1, "a", null)));
      t.appendRecords(List.of(TestSchemas.event(2, "b", null)));
      t.manageSnapshots().createTag("v1", first.snapshotId()).commit();
      assertThat(sorted(wh.loadTable("t").scan().useRef("v1"))).containsExactly(1L);
      assertThatThrownBy(() -> t.newAppend().toBranch("v1").add(TestSchemas.event(9, "x", null)).commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("is a tag");
      assertThatThrownBy(() -> t.manageSnapshots().createTag("v1", first.snapshotId()).commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("already exists");
      assertThatThrownBy(() -> t.manageSnapshots().removeBranch("main").commit())
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> t.scan().useRef("nope")).isInstanceOf(ValidationException.class)
          .hasMessageContaining("no branch or tag 'nope'");
      t.manageSnapshots().removeTag("v1").commit();
      assertThat(wh.loadTable("t").refs()).containsOnlyKeys("main");
    }
  }

  @Test
  void expiryKeepsWhatReferencesRetainAndAppliesTheirSettings() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      Snapshot s1 = t.appendRecords(List.of(TestSchemas.event(1, "a", null)));
      Snapshot s2 = t.appendRecords(List.of(TestSchemas.event(2, "a", null)));
      t.manageSnapshots().createTag("keep", s1.snapshotId()).createBranch("b", s2.snapshotId())
          .setMinSnapshotsToKeep("b", 2).commit();
      t.newAppend().toBranch("b").add(TestSchemas.event(3, "b", null)).commit();
      t.newAppend().toBranch("b").add(TestSchemas.event(4, "b", null)).commit();
      Snapshot s5 = t.appendRecords(List.of(TestSchemas.event(5, "a", null)));

      t.expireSnapshots().expireOlderThan(Instant.now().plusSeconds(60)).retainLast(1).commit();
      Table after = wh.loadTable("t");
      // main keeps 1 (s5), the tag keeps s1, branch b keeps its newest 2; s2 is on no retained path any more.
      assertThat(after.snapshots()).hasSize(4);
      assertThat(after.snapshot(s2.snapshotId())).isNull();
      assertThat(sorted(after.scan().useRef("keep"))).containsExactly(1L);
      assertThat(sorted(after.scan().useRef("b"))).containsExactly(1L, 2L, 3L, 4L);
      assertThat(sorted(after.scan())).containsExactly(1L, 2L, 5L);
      assertThat(after.currentSnapshot().snapshotId()).isEqualTo(s5.snapshotId());

      // A reference older than its max-ref-age-ms goes at the next expiry, and its snapshots with it.
      after.manageSnapshots().setMaxRefAgeMs("keep", 1).commit();
      Thread.sleep(5);
      after.expireSnapshots().expireOlderThan(Instant.now().plusSeconds(60)).retainLast(1).commit();
      Table last = wh.loadTable("t");
      assertThat(last.refs()).containsOnlyKeys("main", "b");
      assertThat(last.snapshot(s1.snapshotId())).isNull();
      assertThat(sorted(last.scan())).containsExactly(1L, 2L, 5L);

      assertThatThrownBy(() -> last.expireSnapshots().expireSnapshotId(last.refs().get("b").snapshotId()).commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("head of branch 'b'");
    }
  }

  @Test
  void defaultSortOrderIsKeptAndUsedByCompaction() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      for (long i = 0; i < 5; i++) {
        t.appendRecords(List.of(TestSchemas.event(i, "e", null), TestSchemas.event(i + 10, "e", null)));
      }
      SortOrder order = t.replaceSortOrder().desc("id").commit();
      assertThat(order.orderId()).isEqualTo(1);
      assertThat(order.fields()).containsExactly(new SortOrder.SortField("identity", 1, SortOrder.Direction.DESC,
          SortOrder.NullOrder.NULLS_LAST));
      Table fresh = wh.loadTable("t");
      assertThat(fresh.sortOrder()).isEqualTo(order);
      fresh.rewriteDataFiles().execute();
      assertThat(ids(wh.loadTable("t").scan())).containsExactly(14L, 13L, 12L, 11L, 10L, 4L, 3L, 2L, 1L, 0L);
      assertThatThrownBy(() -> fresh.replaceSortOrder().asc("nope").commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("no column 'nope'");
    }
  }
}
