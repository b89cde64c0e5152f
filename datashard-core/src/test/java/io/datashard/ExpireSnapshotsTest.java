package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    // The race is forced, not hoped for: just before each expiry publishes its version, an append made through
    // another warehouse lands first, so the expiry's create loses and it must retry on the newer table.
    RaceStorage storage = new RaceStorage(new io.datashard.storage.LocalStorageBackend(dir));
    try (Warehouse wh = Warehouse.of(storage); Warehouse other = Warehouse.local(dir)) {
      // Upkeep off: its own commits would race too, and the test counts the races it forces.
      Table t = wh.createTable("race", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.UPKEEP_ENABLED, "false"));
      Table competitor = other.loadTable("race");
      List<Long> expected = new ArrayList<>();
      for (int round = 0; round < 5; round++) {
        long mine = round;
        long theirs = 100L + round;
        t.appendRecords(List.of(TestSchemas.event(mine, "x", null)));
        expected.add(mine);
        storage.beforeNextCommit(() -> {
          competitor.refresh();
          competitor.appendRecords(List.of(TestSchemas.event(theirs, "y", null)));
        });
        expected.add(theirs);
        t.refresh();
        t.expireSnapshots().expireOlderThan(Instant.now().plusSeconds(1)).retainLast(1).commit();
      }
      assertThat(storage.lostCreates()).as("expiries that lost the race to an append and retried").isEqualTo(5);
      assertThat(wh.loadTable("race").scan().toList()).extracting(r -> r.get("id"))
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(other.loadTable("race").snapshots()).hasSize(1);
    }
  }

  /** With a log of 2 the last three versions keep metadata; with a log of 0 only the current one does. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {2, 0})
  void oldMetadataFilesAreReplacedByTombstonesAfterCommitWhenEnabled(int previousVersionsMax) throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("m", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, Integer.toString(previousVersionsMax),
              TableProperties.METADATA_DELETE_AFTER_COMMIT, "true"));
      for (int i = 0; i < 6; i++) {
        t.appendRecords(List.of(TestSchemas.event(i, "x", null)));
      }
      try (Stream<Path> files = Files.list(dir.resolve("m/metadata"))) {
        // Every name stays (so no stale writer can publish it again); only the last ones keep metadata.
        assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".metadata.json")))
            .containsExactlyInAnyOrder("v1.metadata.json", "v2.metadata.json", "v3.metadata.json",
                "v4.metadata.json", "v5.metadata.json", "v6.metadata.json", "v7.metadata.json");
      }
      for (int v = 1; v <= 7; v++) {
        String content = Files.readString(dir.resolve("m/metadata/v" + v + ".metadata.json"));
        if (v <= 7 - (previousVersionsMax + 1)) {
          assertThat(content).isEqualTo("{\"datashard-tombstone\":\"expired\"}"); // 33 bytes per version, for good
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
