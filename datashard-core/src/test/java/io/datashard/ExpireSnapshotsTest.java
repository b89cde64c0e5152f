package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpireSnapshotsTest {
  @TempDir
  Path dir;

  @Test
  void expiresOldSnapshotsKeepsDataOfRetainedOnesAndDeletesOnlyTheirOwnFiles() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("e", TestSchemas.EVENTS);
      List<Snapshot> snaps = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        snaps.add(t.appendRecords(List.of(TestSchemas.event(i, "e" + i, null))));
      }
      ExpireSnapshots.Result r = t.expireSnapshots().expireOlderThan(Instant.now().plusSeconds(1)).retainLast(2)
          .commit();
      assertThat(r.expiredSnapshotIds()).containsExactly(snaps.get(0).snapshotId(), snaps.get(1).snapshotId(),
          snaps.get(2).snapshotId());
      // appends keep every data file live in the current snapshot: none may be deleted
      assertThat(r.deletedDataFiles()).isEmpty();
      assertThat(r.deletedManifestLists()).hasSize(3);
      for (String l : r.deletedManifestLists()) {
        assertThat(wh.storage().exists(l)).isFalse();
      }
      Table reloaded = wh.loadTable("e");
      assertThat(reloaded.snapshots()).extracting(Snapshot::snapshotId)
          .containsExactly(snaps.get(3).snapshotId(), snaps.get(4).snapshotId());
      assertThat(reloaded.history()).hasSize(2);
      assertThat(reloaded.scan().count()).isEqualTo(5);
      assertThat(reloaded.scan().useSnapshot(snaps.get(3).snapshotId()).count()).isEqualTo(4);
      assertThatThrownBy(() -> reloaded.scan().useSnapshot(snaps.get(0).snapshotId()))
          .isInstanceOf(ValidationException.class).hasMessageContaining("expired");
      try (Stream<Path> data = Files.walk(dir.resolve("e/data"))) {
        assertThat(data.filter(Files::isRegularFile).count()).isEqualTo(5);
      }
    }
  }

  @Test
  void neverExpiresTheCurrentSnapshotAndDefaultsKeepRecentOnes() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("c", TestSchemas.EVENTS);
      Snapshot s = t.appendRecords(List.of(TestSchemas.event(1, "a", null)));
      assertThatThrownBy(() -> t.expireSnapshots().expireSnapshotId(s.snapshotId()).commit())
          .isInstanceOf(ValidationException.class).hasMessageContaining("current");
      t.appendRecords(List.of(TestSchemas.event(2, "b", null)));
      // default: older than 5 days -> nothing this young expires
      assertThat(t.expireSnapshots().commit().expiredSnapshotIds()).isEmpty();
      assertThat(t.expireSnapshots().expireSnapshotId(s.snapshotId()).commit().expiredSnapshotIds())
          .containsExactly(s.snapshotId());
      assertThat(wh.loadTable("c").scan().count()).isEqualTo(2);
    }
  }

  @Test
  void expiryRacingWithAppendsLosesNothing() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      wh.createTable("race", TestSchemas.EVENTS);
      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int worker = w;
        fs.add(pool.submit(() -> {
          Table mine = wh.loadTable("race");
          for (int i = 0; i < 20; i++) {
            mine.appendRecords(List.of(TestSchemas.event(worker * 100L + i, "x", null)));
          }
          return null;
        }));
      }
      fs.add(pool.submit(() -> {
        Table mine = wh.loadTable("race");
        for (int i = 0; i < 10; i++) {
          mine.refresh();
          if (mine.currentSnapshot() != null) {
            mine.expireSnapshots().expireOlderThan(Instant.now().plusSeconds(1)).retainLast(1).commit();
          }
          Thread.sleep(5);
        }
        return null;
      }));
      for (Future<?> f : fs) {
        f.get();
      }
      pool.shutdown();
      Table t = wh.loadTable("race");
      assertThat(t.scan().toList()).extracting(r -> r.get("id")).doesNotHaveDuplicates().hasSize(40);
    }
  }

  @Test
  void oldMetadataFilesAreReplacedByTombstonesAfterCommitWhenEnabled() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("m", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "2", TableProperties.METADATA_DELETE_AFTER_COMMIT,
              "true"));
      for (int i = 0; i < 6; i++) {
        t.appendRecords(List.of(TestSchemas.event(i, "x", null)));
      }
      try (Stream<Path> files = Files.list(dir.resolve("m/metadata"))) {
        // Every name stays (so no stale writer can publish it again); only the last three keep metadata.
        assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".metadata.json")))
            .containsExactlyInAnyOrder("v1.metadata.json", "v2.metadata.json", "v3.metadata.json",
                "v4.metadata.json", "v5.metadata.json", "v6.metadata.json", "v7.metadata.json");
      }
      for (int v = 1; v <= 7; v++) {
        String content = Files.readString(dir.resolve("m/metadata/v" + v + ".metadata.json"));
        if (v <= 4) {
          assertThat(content).startsWith("{\"datashard-tombstone\":\"expired\"").hasSizeLessThan(400);
        } else {
          assertThat(content).contains("\"format-version\"");
        }
      }
      Files.delete(dir.resolve("m/metadata/version-hint.text"));
      Table reloaded = wh.loadTable("m");
      assertThat(reloaded.scan().count()).isEqualTo(6);
      assertThat(wh.listTables()).containsExactly("m");
      reloaded.appendRecords(List.of(TestSchemas.event(9, "y", null)));
      assertThat(wh.loadTable("m").scan().count()).isEqualTo(7);
    }
  }
}
