package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {
  @TempDir
  Path dir;

  @Test
  void everyTypeComesBackExactlyIncludingNullsExtremesAndUnicode() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("all_types", TestSchemas.ALL_TYPES);
      List<Map<String, Object>> rows = TestSchemas.allTypesRows();
      Snapshot s = t.appendRecords(rows);

      assertThat(s.operation()).isEqualTo("append");
      assertThat(s.summary()).containsEntry("added-records", "4").containsEntry("total-records", "4");

      Table reloaded = wh.loadTable("all_types");
      List<Row> read = reloaded.scan().toList();
      read.sort(Comparator.comparing(r -> (Long) r.get("id")));
      assertThat(read).hasSize(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        Map<String, Object> expected = new java.util.HashMap<>(rows.get(i));
        for (Field f : TestSchemas.ALL_TYPES.fields()) {
          expected.putIfAbsent(f.name(), null);
        }
        assertThat(read.get(i)).as("row %d", i).isEqualTo(expected);
      }
      assertThat(reloaded.rowCount()).isEqualTo(4);
    }
  }

  @Test
  void projectionReturnsOnlySelectedColumnsInTheOrderAsked() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "login", 0.5), TestSchemas.event(2, "view", null)));

      List<Row> rows = t.scan().select("value", "id").toList();
      assertThat(rows).hasSize(2);
      assertThat(rows.get(0).schema().columnNames()).containsExactly("value", "id");
      assertThat(rows).extracting(r -> r.get("id")).containsExactlyInAnyOrder(1L, 2L);
      assertThat(rows).allSatisfy(r -> assertThat(r).doesNotContainKey("event"));
    }
  }

  @Test
  void acceptsDocumentedWideningsAndRecordsFromScans() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      t.appendRecords(List.of(Map.of("id", 7, "event", "int widened", "value", 1.5f)));
      List<Row> rows = t.scan().toList();
      assertThat(rows.get(0).get("id")).isEqualTo(7L);
      assertThat(rows.get(0).get("value")).isEqualTo(1.5d);

      t.appendRecords(rows); // records read back can be appended again
      assertThat(t.scan().count()).isEqualTo(2);
    }
  }

  @Test
  void streamingAppenderRollsFilesAndCommitsOnce() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("big", TestSchemas.EVENTS,
          PartitionSpec.unpartitioned(), Map.of(TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, "65536",
              "write.parquet.row-group-size-bytes", "65536", "write.parquet.page-size-bytes", "8192"));
      int n = 60_000;
      Snapshot s;
      try (Appender a = t.newAppend()) {
        for (int i = 0; i < n; i++) {
          a.add(TestSchemas.event(i, "event-" + i + "-" + (i * 7919L), i * 0.5));
        }
        s = a.commit();
      }
      assertThat(t.snapshots()).hasSize(1);
      assertThat(Long.parseLong(s.summary().get("added-data-files"))).isGreaterThan(1);
      assertThat(t.rowCount()).isEqualTo(n);
      long[] seen = new long[n];
      try (CloseableIterator<Row> it = t.scan().iterator()) {
        while (it.hasNext()) {
          seen[(int) (long) (Long) it.next().get("id")]++;
        }
      }
      assertThat(seen).containsOnly(1L);
    }
  }

  @Test
  void timeTravelReadsEachSnapshotAsItWas() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      Snapshot s1 = t.appendRecords(List.of(TestSchemas.event(1, "a", null)));
      Snapshot s2 = t.appendRecords(List.of(TestSchemas.event(2, "b", null), TestSchemas.event(3, "c", null)));
      assertThat(t.scan().useSnapshot(s1.snapshotId()).toList()).extracting(r -> r.get("id")).containsExactly(1L);
      assertThat(t.scan().useSnapshot(s2.snapshotId()).count()).isEqualTo(3);
      assertThat(s2.parentId()).isEqualTo(s1.snapshotId());
      assertThat(s2.sequenceNumber()).isEqualTo(s1.sequenceNumber() + 1);
      assertThat(t.history()).extracting(HistoryEntry::snapshotId).containsExactly(s1.snapshotId(), s2.snapshotId());
      assertThat(t.scan().asOfTime(s2.timestamp()).snapshot()).isEqualTo(s2);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.scan().useSnapshot(42L))
          .isInstanceOf(ValidationException.class).hasMessageContaining("42");
    }
  }

  @Test
  void emptyTableScansToNothing() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("empty", TestSchemas.EVENTS);
      assertThat(t.scan().toList()).isEmpty();
      assertThat(t.currentSnapshot()).isNull();
      assertThat(t.rowCount()).isZero();
    }
  }
}
