package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.expressions.Expressions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Table#upsert}: the new state of each key replaces the old one, by the table's identifier fields. */
class UpsertTest {
  @TempDir
  Path dir;

  private static Table keyed(Warehouse wh, String name, String mode) {
    Table t = wh.createTable(name, TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
        Map.of(TableProperties.DELETE_MODE, mode));
    t.updateSchema().setIdentifierFields(List.of("id")).commit();
    return t;
  }

  private static long count(Snapshot s, String summaryKey) {
    return Long.parseLong(s.summary().getOrDefault(summaryKey, "0"));
  }

  private static Map<Long, String> state(Table t) {
    Map<Long, String> out = new HashMap<>();
    for (Row r : t.scan().toList()) {
      assertThat(out.put(r.getLong("id"), r.getString("event"))).as("id %d once", r.getLong("id")).isNull();
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {TableProperties.DELETE_MODE_COPY_ON_WRITE, TableProperties.DELETE_MODE_MERGE_ON_READ})
  void upsertInsertsNewKeysAndReplacesExistingOnes(String mode) {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = keyed(wh, "u", mode);
      t.upsert(List.of(TestSchemas.event(1, "a", 1.0), TestSchemas.event(2, "b", 2.0)));
      t.upsert(List.of(TestSchemas.event(2, "b2", 20.0), TestSchemas.event(3, "c", 3.0)));
      Snapshot s = t.upsert(List.of(TestSchemas.event(1, "a2", 10.0)));
      assertThat(s.operation()).isEqualTo("overwrite");
      assertThat(state(t)).isEqualTo(Map.of(1L, "a2", 2L, "b2", 3L, "c"));
      assertThat(t.rowCount()).isEqualTo(3);
      assertThat(state(wh.loadTable("u"))).isEqualTo(Map.of(1L, "a2", 2L, "b2", 3L, "c"));
      // the change feed pairs the replaced and the new row of a key
      List<String> changes = new ArrayList<>();
      try (CloseableIterator<ChangeRow> it = t.changes(t.currentSnapshot().parentId(), null)) {
        it.forEachRemaining(c -> changes.add(c.type() + " " + c.row().getString("event")));
      }
      assertThat(changes).containsExactly("UPDATE_BEFORE a", "UPDATE_AFTER a2");
    }
  }

  @Test
  void duplicateKeysMissingKeysAndNoIdentifierFieldsAreRefusedAndChangeNothing() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = keyed(wh, "d", TableProperties.DELETE_MODE_COPY_ON_WRITE);
      t.upsert(List.of(TestSchemas.event(1, "a", 1.0)));
      long before = t.currentSnapshot().snapshotId();
      assertThatThrownBy(() -> t.upsert(List.of(TestSchemas.event(7, "x", 1.0), TestSchemas.event(1, "y", 1.0),
          TestSchemas.event(7, "z", 1.0))))
          .isInstanceOf(ValidationException.class).hasMessageContaining("records 0 and 2")
          .hasMessageContaining("(id=7)");
      assertThatThrownBy(() -> t.upsert(List.of(Map.of("event", "no id"))))
          .isInstanceOf(ValidationException.class).hasMessageContaining("identifier field 'id'");
      assertThat(t.refresh().currentSnapshot().snapshotId()).isEqualTo(before);

      Table plain = wh.createTable("plain", TestSchemas.EVENTS);
      assertThatThrownBy(() -> plain.upsert(List.of(TestSchemas.event(1, "a", 1.0))))
          .isInstanceOf(ValidationException.class).hasMessageContaining("setIdentifierFields");
      assertThatThrownBy(() -> plain.updateSchema().setIdentifierFields(List.of("value")).commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("must be required");
      assertThatThrownBy(() -> plain.updateSchema().setIdentifierFields(List.of("nope")).commit())
          .isInstanceOf(NoSuchColumnException.class);
    }
  }

  /**
   * Merge-on-read upserts on an unpartitioned table read nothing: they append the rows and an equality delete file
   * of their keys, in one snapshot; compaction later folds the deletes in.
   */
  @Test
  void mergeOnReadUpsertWritesAnEqualityDeleteAndRewritesNothing() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = keyed(wh, "e", TableProperties.DELETE_MODE_MERGE_ON_READ);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (long i = 0; i < 100; i++) {
        rows.add(TestSchemas.event(i, "v1", 1.0));
      }
      t.appendRecords(rows);
      List<String> before = new ArrayList<>();
      t.scan().planFiles().forEach(task -> before.add(task.file().location()));
      Snapshot s = t.upsert(List.of(TestSchemas.event(5, "v2", 2.0), TestSchemas.event(500, "new", 3.0)));
      assertThat(s.summary()).containsEntry("added-data-files", "1").containsEntry("added-delete-files", "1")
          .containsEntry("added-equality-deletes", "2");
      List<String> after = new ArrayList<>();
      t.scan().planFiles().forEach(task -> after.add(task.file().location()));
      assertThat(after).containsAll(before).hasSize(before.size() + 1);
      Map<Long, String> state = state(t);
      assertThat(state).hasSize(101).containsEntry(5L, "v2").containsEntry(500L, "new").containsEntry(6L, "v1");
      assertThat(t.rowCount()).isEqualTo(101);
      t.upsert(List.of(TestSchemas.event(5, "v3", 2.0)));
      assertThat(state(t)).containsEntry(5L, "v3").hasSize(101);
      t.rewriteDataFiles().minFileSizeBytes(Long.MAX_VALUE).execute();
      assertThat(state(t)).containsEntry(5L, "v3").hasSize(101);
    }
  }

  /**
   * A table partitioned by its key (bucket of the identifier field) gets equality deletes too, one file per
   * partition of the keys, each applying within its partition; partitioned by another column, or after its spec
   * evolved, an upsert deletes by position (an old row of the key may be in another partition).
   */
  @Test
  void mergeOnReadUpsertsOfATablePartitionedByItsKeyWriteEqualityDeletesPerPartition() {
    try (Warehouse wh = Warehouse.local(dir)) {
      PartitionSpec byKey = PartitionSpec.builderFor(TestSchemas.EVENTS).bucket("id", 4).build();
      Table t = wh.createTable("bykey", TestSchemas.EVENTS, byKey, Map.of(TableProperties.DELETE_MODE,
          TableProperties.DELETE_MODE_MERGE_ON_READ, TableProperties.UPKEEP_ENABLED, "false"));
      t.updateSchema().setIdentifierFields(List.of("id")).commit();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (long i = 0; i < 100; i++) {
        rows.add(TestSchemas.event(i, "v1", 1.0));
      }
      t.appendRecords(rows);
      List<Map<String, Object>> upserts = new ArrayList<>();
      for (long i = 0; i < 8; i++) {
        upserts.add(TestSchemas.event(i * 11, "v2", 2.0));
      }
      upserts.add(TestSchemas.event(1000, "new", 3.0));
      Snapshot s = t.refresh().upsert(upserts);
      assertThat(s.summary()).containsEntry("added-equality-deletes", "9");
      List<ContentFile> deletes = new ArrayList<>();
      t.scan().planFiles().forEach(task -> deletes.addAll(task.deletes()));
      assertThat(deletes).isNotEmpty().allSatisfy(d -> assertThat(d.contentType()).isEqualTo(FileContent.EQUALITY_DELETES));
      assertThat(deletes.stream().map(ContentFile::location).distinct().count()).as("one file per partition of the keys")
          .isGreaterThan(1);
      Map<Long, String> state = state(t);
      assertThat(state).hasSize(101).containsEntry(0L, "v2").containsEntry(77L, "v2").containsEntry(1000L, "new")
          .containsEntry(1L, "v1");
      assertThat(t.rowCount()).isEqualTo(101);

      // partitioned by a non-key column: position deletes
      PartitionSpec byEvent = PartitionSpec.builderFor(TestSchemas.EVENTS).identity("event").build();
      Table other = wh.createTable("byevent", TestSchemas.EVENTS, byEvent, Map.of(TableProperties.DELETE_MODE,
          TableProperties.DELETE_MODE_MERGE_ON_READ, TableProperties.UPKEEP_ENABLED, "false"));
      other.updateSchema().setIdentifierFields(List.of("id")).commit();
      other.appendRecords(rows);
      other.upsert(List.of(TestSchemas.event(3, "v2", 2.0)));
      List<ContentFile> otherDeletes = new ArrayList<>();
      other.scan().planFiles().forEach(task -> otherDeletes.addAll(task.deletes()));
      assertThat(otherDeletes).isNotEmpty()
          .allSatisfy(d -> assertThat(d.contentType()).isEqualTo(FileContent.POSITION_DELETES));
      assertThat(state(other)).hasSize(100).containsEntry(3L, "v2");
    }
  }

  /**
   * {@code write.merge.mode} decides upserts and {@code write.delete.mode} deletes, as in Iceberg; without a merge
   * mode upserts follow the delete mode. A bad value is refused naming the property, and nothing is committed.
   */
  @Test
  void upsertsFollowTheMergeModeAndDeletesTheDeleteMode() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("modes", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), Map.of(
          TableProperties.MERGE_MODE, TableProperties.DELETE_MODE_MERGE_ON_READ));
      t.updateSchema().setIdentifierFields(List.of("id")).commit();
      t.appendRecords(List.of(TestSchemas.event(1, "v1", 1.0), TestSchemas.event(2, "v1", 1.0)));
      Snapshot upsert = t.upsert(List.of(TestSchemas.event(1, "v2", 2.0)));
      assertThat(count(upsert, "added-delete-files")).as("merge-on-read upsert: a delete file").isEqualTo(1);
      assertThat(count(upsert, "deleted-data-files")).as("merge-on-read upsert: nothing rewritten").isZero();
      Snapshot delete = t.deleteWhere(Expressions.equal("id", 2L));
      assertThat(count(delete, "added-delete-files")).as("copy-on-write delete (the default)").isZero();
      assertThat(count(delete, "deleted-data-files")).as("copy-on-write delete (the default)").isPositive();
      assertThat(state(t)).isEqualTo(Map.of(1L, "v2"));

      t.updateProperties().set(TableProperties.MERGE_MODE, TableProperties.DELETE_MODE_COPY_ON_WRITE)
          .set(TableProperties.DELETE_MODE, TableProperties.DELETE_MODE_MERGE_ON_READ).commit();
      t.appendRecords(List.of(TestSchemas.event(3, "v1", 1.0)));
      assertThat(count(t.upsert(List.of(TestSchemas.event(3, "v2", 2.0))), "added-delete-files"))
          .as("copy-on-write upsert").isZero();
      assertThat(count(t.deleteWhere(Expressions.equal("id", 3L)), "added-delete-files")).as("merge-on-read delete")
          .isEqualTo(1);
      assertThat(state(t)).isEqualTo(Map.of(1L, "v2"));

      t.updateProperties().set(TableProperties.MERGE_MODE, "merge-on-write").commit();
      Snapshot before = t.refresh().currentSnapshot();
      assertThatThrownBy(() -> t.upsert(List.of(TestSchemas.event(1, "v3", 3.0))))
          .isInstanceOf(ValidationException.class).hasMessageContaining("write.merge.mode")
          .hasMessageContaining("merge-on-write");
      assertThat(t.refresh().currentSnapshot().snapshotId()).isEqualTo(before.snapshotId());
    }
  }

  /**
   * Equality-delete keys are held in memory by a scan within {@code read.datashard.equality-delete-memory-bytes}:
   * beyond it the scan fails saying what to do, instead of running out of heap; compaction folds the deletes in,
   * after which the same small limit is enough.
   */
  @Test
  void equalityDeleteKeysBeyondTheMemoryLimitFailTheScanClearlyUntilCompacted() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = keyed(wh, "bounded", TableProperties.DELETE_MODE_MERGE_ON_READ);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (long i = 0; i < 2000; i++) {
        rows.add(TestSchemas.event(i, "v1", 1.0));
      }
      t.appendRecords(rows);
      List<Map<String, Object>> upserts = new ArrayList<>();
      for (long i = 0; i < 1000; i++) {
        upserts.add(TestSchemas.event(i, "v2", 2.0));
      }
      Snapshot s = t.upsert(upserts);
      assertThat(s.summary()).containsEntry("added-equality-deletes", "1000");

      t.updateProperties().set(TableProperties.EQUALITY_DELETE_MEMORY_BYTES, "20000").commit();
      assertThatThrownBy(() -> t.refresh().scan().toList()).isInstanceOf(DataShardException.class)
          .hasMessageContaining(TableProperties.EQUALITY_DELETE_MEMORY_BYTES).hasMessageContaining("rewriteDataFiles");
      assertThatThrownBy(() -> t.refresh().scan().filter(Expressions.equal("event", "v1")).count())
          .isInstanceOf(DataShardException.class);

      t.updateProperties().set(TableProperties.EQUALITY_DELETE_MEMORY_BYTES, Long.toString(16L << 20)).commit();
      Map<Long, String> state = state(t.refresh());
      assertThat(state).hasSize(2000).containsEntry(5L, "v2").containsEntry(1500L, "v1");
      t.rewriteDataFiles().minFileSizeBytes(Long.MAX_VALUE).execute();

      t.updateProperties().set(TableProperties.EQUALITY_DELETE_MEMORY_BYTES, "20000").commit();
      assertThat(state(t.refresh())).as("after compaction the deletes no longer apply").isEqualTo(state);
    }
  }

  /** A transaction is the row delta: appends, deletes and upserts in one snapshot, each seeing the ones before. */
  @ParameterizedTest
  @ValueSource(strings = {TableProperties.DELETE_MODE_COPY_ON_WRITE, TableProperties.DELETE_MODE_MERGE_ON_READ})
  void aTransactionMixesInsertsDeletesAndUpserts(String mode) {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = keyed(wh, "rd", mode);
      t.appendRecords(List.of(TestSchemas.event(0, "old", 1.0), TestSchemas.event(1, "old", 1.0)));
      try (Transaction tx = t.newTransaction()) {
        tx.appendRecords(List.of(TestSchemas.event(2, "tx", 1.0)));
        tx.upsert(List.of(TestSchemas.event(1, "new", 2.0), TestSchemas.event(2, "tx2", 2.0)));
        tx.deleteWhere(Expressions.equal("id", 0L));
        assertThat(tx.commit().operation()).isEqualTo("overwrite");
      }
      assertThat(state(t)).isEqualTo(Map.of(1L, "new", 2L, "tx2"));
      assertThat(state(wh.loadTable("rd"))).isEqualTo(Map.of(1L, "new", 2L, "tx2"));
    }
  }

  @Test
  void compositeKeys() {
    Schema schema = Schema.of(Field.required(1, "region", Types.STRING), Field.required(2, "id", Types.LONG),
        Field.optional(3, "v", Types.STRING));
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("c", schema);
      t.updateSchema().setIdentifierFields(List.of("region", "id")).commit();
      t.upsert(List.of(Map.of("region", "eu", "id", 1L, "v", "a"), Map.of("region", "us", "id", 1L, "v", "b")));
      t.upsert(List.of(Map.of("region", "eu", "id", 1L, "v", "a2"), Map.of("region", "eu", "id", 2L, "v", "c")));
      List<String> rows = new ArrayList<>();
      t.scan().toList().forEach(r -> rows.add(r.getString("region") + r.getLong("id") + r.getString("v")));
      assertThat(rows).containsExactlyInAnyOrder("eu1a2", "us1b", "eu2c");
    }
  }

  /** Four threads upsert overlapping keys through separate handles: every key ends up exactly once. */
  @ParameterizedTest
  @ValueSource(strings = {TableProperties.DELETE_MODE_COPY_ON_WRITE, TableProperties.DELETE_MODE_MERGE_ON_READ})
  void concurrentUpsertsOfTheSameKeysNeverDuplicateOne(String mode) throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table created = keyed(wh, "k", mode);
      created.updateProperties().set(TableProperties.COMMIT_NUM_RETRIES, "200")
          .set(TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "1").set(TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "20")
          .commit();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        futures.add(pool.submit(() -> {
          Table t = wh.loadTable("k");
          for (int round = 0; round < 8; round++) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (long key = 0; key < 5; key++) {
              rows.add(TestSchemas.event((key + round + writer) % 5, "w" + writer + "r" + round, 1.0));
            }
            t.upsert(rows);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      assertThat(state(wh.loadTable("k")).keySet()).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
    }
  }
}
