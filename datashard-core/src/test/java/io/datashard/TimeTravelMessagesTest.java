package io.datashard;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What time travel says when it cannot answer: expired history versus a time before the table had data. */
class TimeTravelMessagesTest {
  @TempDir
  Path dir;

  /** Time travel to before the oldest kept snapshot says the snapshot expired, not that the table was empty. */
  @Test
  void asOfAnExpiredTimeTellsTheTruth() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("h", TestSchemas.EVENTS);
      java.time.Instant beforeAnything = java.time.Instant.now().minusSeconds(60);
      t.appendRecords(List.of(TestSchemas.event(1, "a", null)));
      Thread.sleep(5);
      java.time.Instant afterFirst = java.time.Instant.now();
      Thread.sleep(5);
      t.appendRecords(List.of(TestSchemas.event(2, "a", null)));
      t.expireSnapshots().expireOlderThan(java.time.Instant.now().plusSeconds(60)).retainLast(1).commit();
      Table after = wh.loadTable("h");
      assertThatThrownBy(() -> after.scan().asOfTime(afterFirst)).isInstanceOf(ValidationException.class)
          .hasMessageContaining("has expired: the oldest snapshot kept is " + after.currentSnapshot().snapshotId());
      Table fresh = wh.createTable("g", TestSchemas.EVENTS);
      fresh.appendRecords(List.of(TestSchemas.event(1, "a", null)));
      assertThatThrownBy(() -> fresh.scan().asOfTime(beforeAnything)).isInstanceOf(ValidationException.class)
          .hasMessageContaining("table had no snapshot at").hasMessageContaining("its first snapshot is from");
    }
  }
}
