package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.expressions.Expressions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Isolation levels of deletes racing with appends (write.delete.isolation-level, as Iceberg defines it). */
class IsolationLevelTest {
  @TempDir
  Path dir;

  @Test
  void serializableDeleteFailsWhenAConcurrentAppendMightHoldMatchingRows() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "drop", 1.0), TestSchemas.event(2, "keep", 2.0)));
      Transaction tx = t.newTransaction().deleteWhere(Expressions.equal("event", "drop"));
      t.appendRecords(List.of(TestSchemas.event(3, "drop", 3.0))); // concurrent: would have been deleted
      Snapshot before = t.currentSnapshot();
      assertThatThrownBy(tx::commit).isInstanceOf(CommitConflictException.class)
          .hasMessageContaining("serializable");
      assertThat(t.currentSnapshot().snapshotId()).isEqualTo(before.snapshotId());
      assertThat(t.scan().toList()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(1L, 2L, 3L);
    }
  }

  @Test
  void serializableDeleteCarriesAConcurrentAppendThatCannotMatch() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "drop", 1.0), TestSchemas.event(2, "keep", 2.0)));
      Transaction tx = t.newTransaction().deleteWhere(Expressions.equal("event", "drop"));
      t.appendRecords(List.of(TestSchemas.event(3, "keep", 3.0))); // bounds exclude "drop"
      tx.commit();
      assertThat(t.scan().toList()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(2L, 3L);
    }
  }

  @Test
  void snapshotIsolationCarriesConcurrentAppends() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      t.updateProperties().set("write.delete.isolation-level", "snapshot").commit();
      t.appendRecords(List.of(TestSchemas.event(1, "drop", 1.0), TestSchemas.event(2, "keep", 2.0)));
      Transaction tx = t.newTransaction().deleteWhere(Expressions.equal("event", "drop"));
      t.appendRecords(List.of(TestSchemas.event(3, "drop", 3.0)));
      tx.commit();
      // snapshot isolation: the concurrent row is not deleted (the delete saw the table without it)
      assertThat(t.scan().toList()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(2L, 3L);
    }
  }

  @Test
  void unknownLevelIsRejected() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "drop", 1.0)));
      t.updateProperties().set("write.delete.isolation-level", "sometimes").commit();
      assertThatThrownBy(() -> t.deleteWhere(Expressions.equal("event", "drop")))
          .isInstanceOf(ValidationException.class).hasMessageContaining("sometimes");
      assertThat(t.scan().count()).isEqualTo(1);
    }
  }
}
