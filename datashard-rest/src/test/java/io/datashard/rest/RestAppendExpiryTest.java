package io.datashard.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.PartitionSpec;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.maintenance.Upkeep;
import io.datashard.server.DataShardServer;
import io.datashard.table.TableHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends that expire what lies beyond the table's snapshot limit in their own version, sent through the REST
 * server as a {@code remove-snapshots} update with the append, by several clients at once (each its own
 * {@link Warehouse}, so its own group commit and upkeep, as separate processes would have), while the server groups
 * commits: nothing acknowledged is lost, no version keeps growing, and every snapshot the table keeps can still be
 * read whole (no client deleted a file a kept snapshot reaches), and the snapshots the appends expired leave no
 * manifest list behind.
 */
class RestAppendExpiryTest {
  static final int CLIENTS = 3;
  static final int THREADS = 4;
  static final int APPENDS = 30;

  @TempDir
  Path dir;

  @Test
  void appendsExpiringThroughTheServerLoseNothingAndDeleteOnlyWhatNothingReaches() throws Exception {
    Map<String, String> props = Map.of(
        TableProperties.UPKEEP_ENABLED, "true",
        TableProperties.UPKEEP_MAX_SNAPSHOTS, "4",
        TableProperties.UPKEEP_COMPACT_MIN_FILES, "12");
    try (DataShardServer server = DataShardServer.builder().warehouse(dir.toString()).bind("127.0.0.1").port(0)
        .insecureNoAuth().build().start()) {
      List<Warehouse> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        clients.add(Warehouse.rest(server.uri().toString(), Map.of(), Map.of()));
      }
      Set<Long> acked = ConcurrentHashMap.newKeySet();
      long reclaimed = 0;
      int maxCarried = 0;
      try {
        clients.get(0).createTable("ns.t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), props);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS * THREADS);
        List<Future<Integer>> work = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          Warehouse wh = clients.get(c);
          for (int w = 0; w < THREADS; w++) {
            long base = (c * THREADS + w) * 1_000L;
            work.add(pool.submit(() -> {
              Table t = wh.loadTable("ns.t");
              int carried = 0;
              for (long i = 0; i < APPENDS; i++) {
                t.appendRecords(List.of(TestSchemas.event(base + i, "e", 1.0)));
                acked.add(base + i);
                carried = Math.max(carried, t.snapshots().size());
              }
              return carried;
            }));
          }
        }
        for (Future<Integer> f : work) {
          maxCarried = Math.max(maxCarried, f.get(5, TimeUnit.MINUTES));
        }
        pool.shutdown();
        for (Warehouse wh : clients) {
          Upkeep upkeep = ((TableHandle) wh.loadTable("ns.t")).upkeep();
          assertThat(upkeep.awaitIdle(60_000)).isTrue();
          reclaimed += upkeep.reclaimedSnapshots();
        }
      } finally {
        for (Warehouse wh : clients) {
          wh.close();
        }
      }
      assertThat(acked).hasSize(CLIENTS * THREADS * APPENDS);
      assertThat(reclaimed).as("snapshots the appends expired and the clients' upkeep cleaned up").isPositive();

      try (Warehouse wh = Warehouse.rest(server.uri().toString(), Map.of(), Map.of())) {
        Table t = wh.loadTable("ns.t");
        awaitServerExpiry(t);
        List<Long> ids = TestSchemas.ids(t.scan());
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).isEqualTo(acked);
        // a version holds at most the limit plus a quarter, plus what the server grouped into it and upkeep's own
        assertThat(maxCarried).as("most snapshots a client saw in a version").isLessThan(4 + 1 + CLIENTS * 2 + 4);
        Set<String> keptLists = new HashSet<>();
        for (Snapshot s : t.snapshots()) {
          keptLists.add(s.manifestListLocation().substring(s.manifestListLocation().lastIndexOf('/') + 1));
          assertThat(t.scan().useSnapshot(s.snapshotId()).toList()).as("snapshot %d read whole", s.snapshotId())
              .isNotNull();
        }
        Set<String> listsOnDisk = new HashSet<>();
        try (Stream<Path> files = Files.list(dir.resolve("ns").resolve("t").resolve("metadata"))) {
          files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("snap-")).forEach(listsOnDisk::add);
        }
        assertThat(listsOnDisk).as("manifest lists left behind").isEqualTo(keptLists);
      }
    }
  }

  /**
   * The server expires snapshots beyond the limit after commits too (docs/catalog.md, "Snapshots beyond the upkeep
   * limit are expired after commits"), at most once per {@code CatalogUpkeep.MIN_RUN_INTERVAL_MS} (2 s): waits until
   * its last run after the clients' last commits has committed and deleted, so that what is checked is settled.
   */
  private static void awaitServerExpiry(Table t) throws InterruptedException {
    List<Long> last = null;
    for (int i = 0; i < 20; i++) {
      t.refresh();
      List<Long> ids = new ArrayList<>();
      t.snapshots().forEach(s -> ids.add(s.snapshotId()));
      if (ids.equals(last)) {
        return;
      }
      last = ids;
      Thread.sleep(3_000);
    }
  }
}
