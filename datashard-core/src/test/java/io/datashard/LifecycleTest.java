package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.expressions.Expressions;
import io.datashard.maintenance.RemoveOrphanFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A table's whole life: appends, deletes, compaction, merging, expiry and orphan removal stay consistent. */
class LifecycleTest {
  @TempDir
  Path dir;

  @Test
  void timeTravelReturnsEachSnapshotsExactRowsAfterLaterAppendsAndDeletes() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("tt", TestSchemas.EVENTS);
      Map<Long, List<Row>> asOf = new LinkedHashMap<>();
      for (int i = 0; i < 4; i++) {
        t.appendRecords(List.of(TestSchemas.event(i, i % 2 == 0 ? "even" : "odd", null),
            TestSchemas.event(100 + i, "x", (double) i)));
        asOf.put(t.currentSnapshot().snapshotId(), t.scan().toList());
        if (i == 1) {
          t.deleteWhere(Expressions.equal("event", "odd"));
          asOf.put(t.currentSnapshot().snapshotId(), t.scan().toList());
        }
        if (i == 2) {
          t.overwrite(Expressions.lessThan("id", 101L), List.of(TestSchemas.event(-1, "new", null)));
          asOf.put(t.currentSnapshot().snapshotId(), t.scan().toList());
        }
      }
      t.rewriteDataFiles().execute();
      Table reloaded = wh.loadTable("tt");
      for (Map.Entry<Long, List<Row>> e : asOf.entrySet()) {
        assertThat(reloaded.scan().useSnapshot(e.getKey()).toList()).as("snapshot %s", e.getKey())
            .isEqualTo(e.getValue());
      }
    }
  }

  @Test
  void orphanRemovalAfterMergingCompactionAndExpiryDeletesNothingLive() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("life", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of("commit.manifest.min-count-to-merge", "5"));
      for (int i = 0; i < 20; i++) {
        t.appendRecords(List.of(TestSchemas.event(i, i % 3 == 0 ? "drop" : "keep", null)));
      }
      t.deleteWhere(Expressions.equal("event", "drop"));
      t.rewriteDataFiles().execute();
      t.rewriteManifests();
      List<Row> expected = t.scan().toList();
      t.expireSnapshots().expireOlderThan(Instant.now().plusSeconds(1)).retainLast(2).commit();
      // a leftover of a crashed writer, and an unreferenced manifest: both must go
      Path stray = dir.resolve("life/data/crashed-writer-00000.parquet");
      Files.write(stray, new byte[] {1, 2, 3});
      Path strayManifest = dir.resolve("life/metadata/stray-m0.avro");
      Files.write(strayManifest, new byte[] {4});

      RemoveOrphanFiles.Result r = t.removeOrphanFiles().olderThan(Instant.now().plusSeconds(60)).execute();
      assertThat(r.orphanFiles()).anyMatch(f -> f.endsWith("crashed-writer-00000.parquet"))
          .anyMatch(f -> f.endsWith("stray-m0.avro"));
      assertThat(Files.exists(stray)).isFalse();
      Table reloaded = wh.loadTable("life");
      assertThat(reloaded.scan().toList()).isEqualTo(expected);
      for (Snapshot s : reloaded.snapshots()) {
        assertThat(reloaded.scan().useSnapshot(s.snapshotId()).count()).isPositive(); // every retained snapshot reads
      }
      // a second pass finds nothing more
      assertThat(reloaded.removeOrphanFiles().olderThan(Instant.now().plusSeconds(60)).execute().orphanFiles())
          .isEmpty();
    }
  }
}
