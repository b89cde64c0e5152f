package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;

import io.datashard.commit.FileTableOperations;
import io.datashard.maintenance.Upkeep;
import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.StorageBackend;
import io.datashard.table.TableHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic upkeep: runs in the background after appends that cross a threshold, never on the appender's thread
 * and never before the append is acknowledged; keeps snapshots, small files, manifests and old versions bounded;
 * racing with writers and readers it loses nothing acknowledged and no reader sees wrong rows.
 */
class UpkeepTest {
  @TempDir
  Path dir;

  /** Small thresholds so that a few hundred appends cross each of them many times. */
  static final Map<String, String> TIGHT = Map.of(
      TableProperties.UPKEEP_ENABLED, "true",
      TableProperties.UPKEEP_MAX_SNAPSHOTS, "8",
      TableProperties.UPKEEP_COMPACT_MIN_FILES, "6",
      TableProperties.UPKEEP_MAX_MANIFESTS, "3",
      TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "5",
      TableProperties.WRITE_GROUP_COMMIT, "false");

  @Test
  void upkeepKeepsATableOfSingleRowAppendsSmall() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), TIGHT);
      Table t = wh.loadTable("t");
      for (long i = 0; i < 120; i++) {
        t.appendRecords(List.of(TestSchemas.event(i, "e", 1.0)));
      }
      Upkeep upkeep = ((TableHandle) t).upkeep();
      assertThat(upkeep.awaitIdle(60_000)).isTrue();
      assertThat(upkeep.runs()).isPositive();
      assertThat(upkeep.lastThread()).startsWith(Upkeep.THREAD_PREFIX);
      t.refresh();
      assertThat(TestSchemas.ids(t.scan())).doesNotHaveDuplicates().hasSize(120);
      // snapshots bounded by max-snapshots plus the slack before a run, plus upkeep's own
      assertThat(t.snapshots().size()).isLessThanOrEqualTo(8 + 2 + 3);
      long liveFiles = t.currentSnapshot().summaryLong("total-data-files");
      assertThat(liveFiles).as("live data files after compaction").isLessThan(60);
      // versions that fell out of the metadata log are tombstones
      FileTableOperations ops = (FileTableOperations) TableInternals.of(t).operations();
      assertThat(ops.versionFiles().read(2).tombstone()).isNotNull();

      // on demand: every small file compacted, manifests merged, rows unchanged
      MaintenanceResult r = t.maintain();
      assertThat(r.lines()).isNotEmpty();
      t.refresh();
      assertThat(t.currentSnapshot().summaryLong("total-data-files")).isEqualTo(1);
      assertThat(TestSchemas.ids(t.scan())).doesNotHaveDuplicates().hasSize(120);
    }
  }

  @Test
  void theAcknowledgementDoesNotWaitForUpkeep() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean upkeepBlocked = new AtomicBoolean();
    // Any storage call made by an upkeep thread waits until the test releases it.
    StorageBackend gated = new ForwardingStorageBackend(new LocalStorageBackend(dir)) {
      private void gate() {
        if (Thread.currentThread().getName().startsWith(Upkeep.THREAD_PREFIX)) {
          upkeepBlocked.set(true);
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }

      @Override
      public byte[] readAll(String location) {
        gate();
        return super.readAll(location);
      }

      @Override
      public boolean exists(String location) {
        gate();
        return super.exists(location);
      }
    };
    try (Warehouse wh = Warehouse.of(gated)) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), TIGHT);
      Table t = wh.loadTable("t");
      Upkeep upkeep = ((TableHandle) t).upkeep();
      for (long i = 0; i < 40; i++) {
        Snapshot s = t.appendRecords(List.of(TestSchemas.event(i, "e", 1.0)));
        assertThat(s).isNotNull(); // acknowledged while upkeep, if started, is held at its first storage call
      }
      assertThat(upkeepBlocked.get()).as("upkeep was scheduled and is stuck on its own thread").isTrue();
      assertThat(upkeep.runs()).as("no run finished before the appends were acknowledged").isZero();
      release.countDown();
      assertThat(upkeep.awaitIdle(60_000)).isTrue();
      assertThat(upkeep.runs()).isPositive();
      assertThat(upkeep.lastThread()).startsWith(Upkeep.THREAD_PREFIX)
          .isNotEqualTo(Thread.currentThread().getName());
      assertThat(TestSchemas.ids(t.refresh().scan())).hasSize(40).doesNotHaveDuplicates();
    }
  }

  @Test
  void upkeepRacingWritersAndReadersLosesNothingAndReadersNeverSeeWrongRows() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Map<String, String> props = new java.util.HashMap<>(TIGHT);
      props.put(TableProperties.WRITE_GROUP_COMMIT, "true");
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), props);
      UpkeepRace.Result r = UpkeepRace.race(wh, "t", 4, 40, 2);
      System.out.println("UpkeepTest race: " + r);
      assertThat(r.readerFailures).as(r.toString()).isEmpty();
      assertThat(TestSchemas.ids(wh.loadTable("t").scan())).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(r.acked);
      assertThat(((TableHandle) wh.loadTable("t")).upkeep().runs()).as("upkeep ran during the race").isPositive();
    }
  }
}
