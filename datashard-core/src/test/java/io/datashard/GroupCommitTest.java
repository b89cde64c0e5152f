package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.StorageBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit: concurrent appends through the handles of one warehouse are coalesced into fewer versions, each
 * acknowledged append is present exactly once (in the snapshot it was acknowledged with), and under storage faults
 * every failed append is absent and no append is acknowledged for another caller's failed group.
 */
class GroupCommitTest {
  @TempDir
  Path dir;

  private static final int THREADS = 16;
  /** These tests count snapshots and files: upkeep's compaction or expiry would add or remove some. */
  private static final Map<String, String> NO_UPKEEP = Map.of(TableProperties.UPKEEP_ENABLED, "false");
  private static final int APPENDS = 20;

  @Test
  void concurrentAppendsAreCoalescedAndEachAcknowledgedRowIsThereOnce() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      wh.createTable("shared", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), NO_UPKEEP);
      Map<Long, Long> ackedIn = run(wh, THREADS, APPENDS);
      Table t = wh.loadTable("shared");
      assertThat(ackedIn).hasSize(THREADS * APPENDS);
      List<Long> ids = TestSchemas.ids(t.scan());
      assertThat(ids).hasSize(THREADS * APPENDS).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(ackedIn.keySet());
      // each append is in the snapshot it was acknowledged with
      for (Map.Entry<Long, Long> e : ackedIn.entrySet()) {
        if (e.getKey() % 7 == 0) {
          assertThat(t.scan().useSnapshot(e.getValue()).filter(io.datashard.expressions.Expressions.equal("id",
              e.getKey())).count()).as("id %d in snapshot %d", e.getKey(), e.getValue()).isEqualTo(1);
        }
      }
      System.out.println("GroupCommitTest: " + THREADS * APPENDS + " appends in " + t.snapshots().size() + " snapshots");
      // the race happened: appends were coalesced into fewer versions than appends
      assertThat(t.snapshots().size()).as("snapshots for %d appends", THREADS * APPENDS)
          .isLessThan(THREADS * APPENDS);
      assertThat(new HashSet<>(ackedIn.values())).hasSize(t.snapshots().size());
      // single-row appends do not write files of their own: each group's leader wrote one shared file
      assertThat(t.scan().planFiles()).as("data files").hasSize(t.snapshots().size());
    }
  }

  /**
   * A group's leader writes the hint and the tombstones of versions that fell out of the metadata log after it has
   * acknowledged its group and let the next group publish. Once every appender returned, that work is done all the
   * same: the hint names the latest version (never an older one written last) and every version that fell out of
   * the log is a tombstone.
   */
  @Test
  void onceTheAppendersReturnedTheHintNamesTheLatestVersionAndFallenOutVersionsAreTombstones() throws Exception {
    Map<String, String> props = Map.of(TableProperties.UPKEEP_ENABLED, "false",
        TableProperties.METADATA_DELETE_AFTER_COMMIT, "true",
        TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "3");
    try (Warehouse wh = Warehouse.local(dir)) {
      wh.createTable("shared", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), props);
      Map<Long, Long> ackedIn = run(wh, THREADS, APPENDS);
      assertThat(ackedIn).hasSize(THREADS * APPENDS);
      // read before loading the table: a load heals a stale hint
      String hint = java.nio.file.Files.readString(dir.resolve("shared").resolve("metadata")
          .resolve("version-hint.text"));
      Table t = wh.loadTable("shared");
      io.datashard.commit.FileTableOperations ops =
          (io.datashard.commit.FileTableOperations) io.datashard.update.TableInternals.of(t).operations();
      int latest = ops.refresh().version();
      assertThat(latest).as("versions").isGreaterThan(5);
      assertThat(hint).as("the hint").isEqualTo(Integer.toString(latest));
      io.datashard.commit.VersionFiles versions = ops.versionFiles();
      for (int v = 1; v <= latest - 4; v++) {
        assertThat(versions.read(v).tombstone()).as("version %d of %d", v, latest).isNotNull();
      }
      for (int v = latest - 3; v <= latest; v++) {
        assertThat(versions.read(v).tombstone()).as("version %d of %d", v, latest).isNull();
      }
      assertThat(TestSchemas.ids(t.scan())).hasSize(THREADS * APPENDS).doesNotHaveDuplicates();
    }
  }

  @Test
  void rowsWaitingForTheGroupAreCopiedWhenAddedSoThatTheCallerMayReuseItsObjects() {
    Schema schema = Schema.builder()
        .required("id", Types.LONG)
        .optional("tags", Types.list(Types.STRING))
        .optional("attrs", Types.map(Types.STRING, Types.list(Types.LONG)))
        .optional("blob", Types.BINARY)
        .build();
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("reuse", schema);
      List<String> tags = new ArrayList<>(List.of("a", "b"));
      List<Long> counts = new ArrayList<>(List.of(1L, 2L));
      Map<String, Object> attrs = new HashMap<>(Map.of("k", counts));
      byte[] blob = {1, 2, 3};
      Map<String, Object> row = new HashMap<>(Map.of("id", 1L, "tags", tags, "attrs", attrs, "blob", blob));
      try (Appender a = t.newAppend()) {
        a.add(row);
        // the caller reuses every object before the commit, as a loop filling one buffer would
        tags.set(0, "changed");
        tags.add("extra");
        counts.clear();
        attrs.put("other", List.of(9L));
        blob[0] = 42;
        row.put("id", 2L);
        a.add(row);
        a.commit();
      }
      List<Row> rows = t.scan().toList();
      assertThat(rows).hasSize(2);
      Row first = rows.stream().filter(r -> r.getLong("id") == 1L).findFirst().orElseThrow();
      assertThat(first.getList("tags")).containsExactly("a", "b");
      assertThat(first.<String, List<Long>>getMap("attrs")).containsExactly(Map.entry("k", List.of(1L, 2L)));
      java.nio.ByteBuffer stored = (java.nio.ByteBuffer) first.get("blob");
      assertThat(stored.get(stored.position())).isEqualTo((byte) 1);
      Row second = rows.stream().filter(r -> r.getLong("id") == 2L).findFirst().orElseThrow();
      assertThat(second.getList("tags")).containsExactly("changed", "b", "extra");
      assertThat(second.<String, List<Long>>getMap("attrs")).containsOnlyKeys("k", "other");
    }
  }

  @Test
  void anAppendThatOutgrowsTheSharedFileLimitWritesTheRowsItHeldIntoItsOwnFile() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("big", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.WRITE_GROUP_COMMIT_SHARED_FILE_ROWS, "3"));
      try (Appender a = t.newAppend()) {
        for (long id = 0; id < 7; id++) {
          a.add(TestSchemas.event(id, "e", 1.0)); // rows 0-2 are held, row 3 opens the writer and writes them first
        }
        a.commit();
      }
      t.appendRecords(List.of(TestSchemas.event(7, "e", 1.0))); // held, written by its group's leader
      assertThat(TestSchemas.ids(t.scan())).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
      assertThat(t.scan().planFiles()).hasSize(2);
    }
  }

  @Test
  void aBadRecordFailsOnlyItsOwnAppendWhenItIsAddedAndLeavesTheTableUnchanged() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("bad", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "e", 1.0)));
      long before = t.currentSnapshot().snapshotId();
      Map<String, Object> bad = new HashMap<>(TestSchemas.event(2, "e", 1.0));
      bad.put("value", "12,5");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.appendRecords(List.of(TestSchemas.event(3, "e",
              1.0), bad)))
          .isInstanceOf(RecordValidationException.class).hasMessageContaining("value");
      assertThat(t.currentSnapshot().snapshotId()).isEqualTo(before);
      assertThat(TestSchemas.ids(t.scan())).containsExactly(1L);
    }
  }

  @Test
  void concurrentSmallAppendsToAPartitionedTableShareFilesPerPartitionAndKeepEveryRowInItsPartition()
      throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      wh.createTable("shared", TestSchemas.EVENTS, PartitionSpec.builderFor(TestSchemas.EVENTS).identity("event")
          .build(), NO_UPKEEP);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        int worker = w;
        futures.add(pool.submit(() -> {
          Table mine = wh.loadTable("shared");
          start.await();
          for (int i = 0; i < 15; i++) {
            long id = worker * 1000L + i;
            mine.appendRecords(List.of(TestSchemas.event(id, "p" + (id % 3), (double) i)));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      Table t = wh.loadTable("shared");
      for (int p = 0; p < 3; p++) {
        int partition = p;
        List<Row> rows = t.scan().filter(io.datashard.expressions.Expressions.equal("event", "p" + p)).toList();
        assertThat(rows).as("partition p%d", p).hasSize((int) java.util.stream.LongStream.range(0, 8)
            .flatMap(w -> java.util.stream.LongStream.range(0, 15).map(i -> w * 1000L + i))
            .filter(id -> id % 3 == partition).count());
        assertThat(rows).allSatisfy(r -> assertThat(r.getLong("id") % 3).isEqualTo(partition));
      }
      assertThat(TestSchemas.ids(t.scan())).hasSize(120).doesNotHaveDuplicates();
      assertThat(t.scan().planFiles().size()).as("data files, at most one per partition and group")
          .isLessThanOrEqualTo(3 * t.snapshots().size());
    }
  }

  @Test
  void withGroupCommitOffEveryAppendIsItsOwnSnapshot() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      wh.createTable("shared", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.WRITE_GROUP_COMMIT, "false", TableProperties.UPKEEP_ENABLED, "false"));
      Map<Long, Long> ackedIn = run(wh, 4, 10);
      assertThat(wh.loadTable("shared").snapshots()).hasSize(40);
      assertThat(new HashSet<>(ackedIn.values())).hasSize(40);
    }
  }

  @Test
  void underStorageFaultsFailedAppendsAreAbsentAndAcknowledgedOnesPresentOnce() throws Exception {
    long seed = System.nanoTime();
    System.out.println("GroupCommitTest fault seed " + seed);
    Random random = new Random(seed);
    AtomicInteger faults = new AtomicInteger();
    StorageBackend faulty = new ForwardingStorageBackend(new LocalStorageBackend(dir)) {
      @Override
      public boolean createExclusive(String location, byte[] content) {
        if (location.endsWith(".metadata.json") && !location.endsWith("v1.metadata.json") && nextFault(random)) {
          faults.incrementAndGet();
          throw new StorageException("injected failure before creating " + location);
        }
        return super.createExclusive(location, content);
      }

      @Override
      public io.datashard.storage.OutputFile newOutputFile(String location) {
        if (location.endsWith(".parquet") && nextFault(random)) { // the shared file of a group, or an own one
          faults.incrementAndGet();
          throw new StorageException("injected failure creating data file " + location);
        }
        return super.newOutputFile(location);
      }
    };
    try (Warehouse wh = Warehouse.of(faulty)) {
      wh.createTable("shared", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of("commit.retry.num-retries", "0"));
      Set<Long> acked = new HashSet<>();
      Set<Long> failed = new HashSet<>();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        int worker = w;
        futures.add(pool.submit(() -> {
          Table mine = wh.loadTable("shared");
          for (int i = 0; i < 15; i++) {
            long id = worker * 1000L + i;
            try {
              mine.appendRecords(List.of(Map.of("id", id, "event", "e", "value", 1.0)));
              synchronized (acked) {
                acked.add(id);
              }
            } catch (DataShardException e) {
              synchronized (failed) {
                failed.add(id);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      String where = "seed " + seed + ", injected faults " + faults.get();
      List<Long> ids = TestSchemas.ids(Warehouse.local(dir).loadTable("shared").scan());
      assertThat(ids).as(where).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acked);
      assertThat(failed).as(where).doesNotContainAnyElementsOf(ids);
      assertThat(acked.size() + failed.size()).as(where).isEqualTo(120);
      assertThat(faults.get()).as("faults were injected, " + where).isPositive();
    }
  }

  private static boolean nextFault(Random random) {
    synchronized (random) {
      return random.nextInt(4) == 0;
    }
  }

  /** @return each appended id and the snapshot its append was acknowledged with */
  private static Map<Long, Long> run(Warehouse wh, int threads, int appends) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Map<Long, Long>>> results = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      int worker = w;
      results.add(pool.submit(() -> {
        Table mine = wh.loadTable("shared");
        start.await();
        Map<Long, Long> acked = new HashMap<>();
        for (int i = 0; i < appends; i++) {
          long id = worker * 1000L + i;
          Snapshot s = mine.appendRecords(List.of(Map.of("id", id, "event", "w" + worker, "value", (double) i)));
          acked.put(id, s.snapshotId());
        }
        return acked;
      }));
    }
    start.countDown();
    Map<Long, Long> all = new HashMap<>();
    for (Future<Map<Long, Long>> f : results) {
      all.putAll(f.get());
    }
    pool.shutdown();
    return all;
  }
}
