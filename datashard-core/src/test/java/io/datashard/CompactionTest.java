package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.metadata.DataFile;
import io.datashard.update.ReplaceFiles;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
  @TempDir
  Path dir;

  @Test
  void smallFilesBecomeOneSortedFileWithTheSameRows() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("c", TestSchemas.EVENTS);
      for (int i = 0; i < 20; i++) {
        t.appendRecords(List.of(TestSchemas.event(19 - i, "e" + i, i % 3 == 0 ? null : (double) i)));
      }
      Snapshot before = t.currentSnapshot();
      List<Row> rowsBefore = t.scan().toList();
      RewriteDataFiles.Result r = t.rewriteDataFiles().sortBy("id").execute();
      assertThat(r.rewrittenFiles()).isEqualTo(20);
      assertThat(r.addedFiles()).isEqualTo(1);
      assertThat(r.rewrittenRows()).isEqualTo(20);
      assertThat(r.snapshot().operation()).isEqualTo("replace");
      assertThat(r.snapshot().summary()).containsEntry("total-records", "20").containsEntry("deleted-data-files", "20");

      Table reloaded = wh.loadTable("c");
      assertThat(reloaded.scan().planFiles().stream().map(FileScanTask::file).toList()).hasSize(1);
      List<Row> rowsAfter = reloaded.scan().toList();
      assertThat(rowsAfter).containsExactlyInAnyOrderElementsOf(rowsBefore);
      assertThat(rowsAfter).extracting(x -> x.get("id")).isSorted();
      assertThat(reloaded.rowCount()).isEqualTo(20);
      // the old snapshot is still readable until it is expired
      assertThat(reloaded.scan().useSnapshot(before.snapshotId()).count()).isEqualTo(20);
      // nothing left to do
      assertThat(reloaded.rewriteDataFiles().execute().snapshot()).isNull();
      // and expiry then reclaims the compacted-away files
      ExpireSnapshots.Result e = reloaded.expireSnapshots().expireOlderThan(java.time.Instant.now().plusSeconds(1))
          .commit();
      assertThat(e.deletedDataFiles()).hasSize(20);
      assertThat(wh.loadTable("c").scan().toList()).containsExactlyInAnyOrderElementsOf(rowsBefore);
    }
  }

  @Test
  void partitionsAreCompactedSeparately() {
    Schema schema = Schema.of(Field.required(1, "id", Types.LONG), Field.required(2, "ts", Types.TIMESTAMP_TZ));
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("p", schema, PartitionSpec.builderFor(schema).day("ts").build());
      OffsetDateTime day = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
      for (int i = 0; i < 12; i++) {
        t.appendRecords(List.of(Map.of("id", (long) i, "ts", day.plusDays(i % 3))));
      }
      t.rewriteDataFiles().execute();
      List<ContentFile> files = t.scan().planFiles().stream().map(FileScanTask::file).toList();
      assertThat(files).hasSize(3);
      Set<Object> days = new HashSet<>();
      for (ContentFile f : files) {
        assertThat(f.recordCount()).isEqualTo(4);
        days.add(f.partition().get(0));
        assertThat(f.location()).contains("ts_day=" + f.partition().get(0));
      }
      assertThat(days).hasSize(3);
      assertThat(t.scan().count()).isEqualTo(12);
    }
  }

  @Test
  void appendsCommittedDuringCompactionSurvive() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      // the race under test is with the user's own compaction, not upkeep's
      Table t = wh.createTable("race", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.UPKEEP_ENABLED, "false"));
      for (int i = 0; i < 10; i++) {
        t.appendRecords(List.of(TestSchemas.event(-1 - i, "seed", null)));
      }
      ExecutorService pool = Executors.newFixedThreadPool(2);
      Future<?> appender = pool.submit(() -> {
        Table mine = wh.loadTable("race");
        for (int i = 0; i < 40; i++) {
          mine.appendRecords(List.of(TestSchemas.event(i, "live", null)));
        }
        return null;
      });
      Future<Integer> compactor = pool.submit(() -> {
        Table mine = wh.loadTable("race");
        int commits = 0;
        for (int i = 0; i < 5; i++) {
          try {
            if (mine.rewriteDataFiles().execute().snapshot() != null) {
              commits++;
            }
          } catch (CommitConflictException e) {
            // a concurrent compaction can only come from this thread; appends never conflict
            throw e;
          }
        }
        return commits;
      });
      appender.get();
      assertThat(compactor.get()).isPositive();
      pool.shutdown();
      List<Row> rows = wh.loadTable("race").scan().toList();
      assertThat(rows).hasSize(50);
      assertThat(rows).extracting(r -> r.get("id")).doesNotHaveDuplicates();
    }
  }

  @Test
  void aReplaceWhoseFileWasRemovedConcurrentlyFailsAndCleansUp() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("conflict", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "a", null)));
      t.appendRecords(List.of(TestSchemas.event(2, "b", null)));
      TableInternals bt = TableInternals.of(t);
      List<DataFile> live = new ArrayList<>(ReplaceFiles.liveFiles(bt.files(), bt.metadata()).values());
      DataFile victim = live.get(0);
      // the first replace removes the file...
      new ReplaceFiles(bt.operations(), bt.files(), "delete").removeFile(victim).commit();
      // ...a second, built on the same knowledge, must not commit
      Snapshot before = wh.loadTable("conflict").currentSnapshot();
      List<Row> rowsBefore = wh.loadTable("conflict").scan().toList();
      assertThat(rowsBefore).hasSize(1);
      assertThatThrownBy(() -> new ReplaceFiles(bt.operations(), bt.files(), "replace").removeFile(victim).commit())
          .isInstanceOf(CommitConflictException.class).hasMessageContaining("already removed");
      assertThat(wh.loadTable("conflict").currentSnapshot()).isEqualTo(before);
      assertThat(wh.loadTable("conflict").scan().toList()).isEqualTo(rowsBefore);
      // the failed attempt left no manifest or manifest list behind
      long metadataFiles = wh.storage().list(t.location() + "/metadata").stream()
          .filter(f -> f.location().endsWith(".avro")).count();
      assertThat(metadataFiles).isEqualTo(2 /* appends */ * 2 + 2 /* first replace: rewritten manifest + list */);
    }
  }
}
