package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.expressions.Expressions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
      // The expected rows of each snapshot come from a model kept by the test (id -> event), not from scans.
      Map<Long, String> model = new TreeMap<>();
      Map<Long, Set<String>> asOf = new LinkedHashMap<>();
      for (int i = 0; i < 4; i++) {
        String event = i % 2 == 0 ? "even" : "odd";
        t.appendRecords(List.of(TestSchemas.event(i, event, null), TestSchemas.event(100 + i, "x", (double) i)));
        model.put((long) i, event);
        model.put(100L + i, "x");
        asOf.put(t.currentSnapshot().snapshotId(), rows(model));
        if (i == 1) {
          t.deleteWhere(Expressions.equal("event", "odd"));
          model.values().removeIf("odd"::equals);
          asOf.put(t.currentSnapshot().snapshotId(), rows(model));
        }
        if (i == 2) {
          t.overwrite(Expressions.lessThan("id", 101L), List.of(TestSchemas.event(-1, "new", null)));
          model.keySet().removeIf(id -> id < 101L);
          model.put(-1L, "new");
          asOf.put(t.currentSnapshot().snapshotId(), rows(model));
        }
      }
      assertThat(asOf).as("one snapshot per append, delete and overwrite").hasSize(6);
      t.rewriteDataFiles().execute();
      Table reloaded = wh.loadTable("tt");
      for (Map.Entry<Long, Set<String>> e : asOf.entrySet()) {
        assertThat(rows(reloaded.scan().useSnapshot(e.getKey()).toList())).as("snapshot %s", e.getKey())
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
      Set<String> expected = new TreeSet<>();
      for (long i = 0; i < 20; i++) {
        if (i % 3 != 0) {
          expected.add(i + ":keep");
        }
      }
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
      assertThat(rows(reloaded.scan().toList())).isEqualTo(expected);
      for (Snapshot s : reloaded.snapshots()) {
        assertThat(reloaded.scan().useSnapshot(s.snapshotId()).count()).isPositive(); // every retained snapshot reads
      }
      // a second pass finds nothing more
      assertThat(reloaded.removeOrphanFiles().olderThan(Instant.now().plusSeconds(60)).execute().orphanFiles())
          .isEmpty();
    }
  }

  private static Set<String> rows(Map<Long, String> model) {
    Set<String> out = new TreeSet<>();
    model.forEach((id, event) -> out.add(id + ":" + event));
    return out;
  }

  private static Set<String> rows(List<Row> rows) {
    Set<String> out = new TreeSet<>();
    for (Row r : rows) {
      assertThat(out.add(r.get("id") + ":" + r.get("event"))).as("duplicate row %s", r).isTrue();
    }
    return out;
  }
}
