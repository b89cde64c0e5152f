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

  /**
   * Local storage whose reads, existence checks and deletes made by upkeep's threads, of the locations {@code held}
   * accepts, wait until {@link #release()}; every other call goes straight through.
   */
  static final class UpkeepHeldStorage extends ForwardingStorageBackend {
    private final java.util.function.Predicate<String> held;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean reached = new AtomicBoolean();

    UpkeepHeldStorage(Path root, java.util.function.Predicate<String> held) {
      super(new LocalStorageBackend(root));
      this.held = held;
    }

    /** @return whether an upkeep thread has been held */
    boolean reached() {
      return reached.get();
    }

    /** Lets every held call, and all later ones, through. */
    void release() {
      release.countDown();
    }

    private void gate(String location) {
      if (held.test(location) && Thread.currentThread().getName().startsWith(Upkeep.THREAD_PREFIX)) {
        reached.set(true);
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public byte[] readAll(String location) {
      gate(location);
      return super.readAll(location);
    }

    @Override
    public boolean exists(String location) {
      gate(location);
      return super.exists(location);
    }

    @Override
    public io.datashard.storage.InputFile newInputFile(String location) {
      gate(location);
      return super.newInputFile(location);
    }

    @Override
    public io.datashard.storage.InputFile newInputFile(String location, long length) {
      gate(location);
      return super.newInputFile(location, length);
    }

    @Override
    public void delete(String location) {
      gate(location);
      super.delete(location);
    }
  }

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
      // every version that fell out of the metadata log (5 kept) is a tombstone once upkeep is idle, also the last
      // few of them, which fell out after the last threshold was crossed
      FileTableOperations ops = (FileTableOperations) TableInternals.of(t).operations();
      int current = ops.refresh().version();
      for (int v = 1; v < current - 5; v++) {
        assertThat(ops.versionFiles().read(v).tombstone()).as("v%d of %d", v, current).isNotNull();
      }

      // on demand: every small file compacted, manifests merged into one (no manifest of only deleted entries left
      // beside it: engines plan one manifest in a fraction of the time of several), rows unchanged
      MaintenanceResult r = t.maintain();
      assertThat(r.lines()).isNotEmpty();
      t.refresh();
      assertThat(t.currentSnapshot().summaryLong("total-data-files")).isEqualTo(1);
      assertThat(TableInternals.of(t).files().manifests(t.currentSnapshot().manifestListLocation()))
          .as("manifests of the maintained table").hasSize(1);
      assertThat(TestSchemas.ids(t.scan())).doesNotHaveDuplicates().hasSize(120);
    }
  }

  /**
   * Automatic compaction leaves a partition's larger files until the smaller ones have grown enough to be worth merging
   * with them: without that, every compaction read and wrote the whole accumulated table again (77 rows written per
   * row appended over 100,000 single-row appends, docs/benchmarks.md). Same appends, ratio 0 (merge every small file)
   * against the default; every row is kept either way, and {@code maintain()} still merges everything.
   */
  @Test
  void automaticCompactionDoesNotRewriteTheWholeTableEachTime() throws Exception {
    long[] rewritten = new long[2];
    int appends = 300;
    for (int run = 0; run < 2; run++) {
      Map<String, String> props = new java.util.HashMap<>(TIGHT);
      props.put(TableProperties.UPKEEP_COMPACT_MIN_FILES, "4");
      props.put(TableProperties.UPKEEP_MAX_SNAPSHOTS, "1000");
      props.put(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "1000"); // no delayed run to retire versions
      if (run == 0) {
        props.put(TableProperties.UPKEEP_COMPACT_SIZE_RATIO, "0");
      }
      try (Warehouse wh = Warehouse.local(dir.resolve("run" + run))) {
        wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), props);
        Table t = wh.loadTable("t");
        Upkeep upkeep = ((TableHandle) t).upkeep();
        for (long i = 0; i < appends; i++) {
          t.appendRecords(List.of(TestSchemas.event(i, "e", 1.0)));
          if (i % 4 == 3) {
            assertThat(upkeep.awaitIdle(60_000)).isTrue(); // each run sees the same table in both cases
          }
        }
        assertThat(upkeep.awaitIdle(60_000)).isTrue();
        rewritten[run] = upkeep.rowsCompacted();
        t.refresh();
        assertThat(TestSchemas.ids(t.scan())).doesNotHaveDuplicates().hasSize(appends);
        if (run == 1) {
          assertThat(t.currentSnapshot().summaryLong("total-data-files")).as("a few files of growing size")
              .isLessThan(30);
          t.maintain();
          t.refresh();
          assertThat(t.currentSnapshot().summaryLong("total-data-files")).isEqualTo(1);
          assertThat(TestSchemas.ids(t.scan())).doesNotHaveDuplicates().hasSize(appends);
        }
      }
    }
    // merging everything every 4 appends rewrites ~appends^2/8 rows (~11,000); with the ratio each row is rewritten
    // about log(75)/log(1.25), ~19 times at most, and far fewer in practice
    System.out.println("rows rewritten by automatic compaction, ratio 0 / default: " + rewritten[0] + " / "
        + rewritten[1]);
    assertThat(rewritten[0]).as("ratio 0").isGreaterThan(5_000);
    assertThat(rewritten[1]).as("default ratio").isLessThan(rewritten[0] / 3).isLessThan(19L * appends);
  }

  /**
   * The versions that fall out of the metadata log after the last threshold was crossed are retired too, once the
   * appends stop: upkeep retires in batches of 16, and before, up to 15 whole versions (85 KB each in the long-life
   * benchmark) stayed until the next append. Only retiring is due here (every other threshold is out of reach).
   */
  @Test
  void theLastVersionsThatFellOutOfTheLogAreRetiredToo() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), Map.of(
          TableProperties.UPKEEP_ENABLED, "true",
          TableProperties.UPKEEP_MAX_SNAPSHOTS, "1000",
          TableProperties.UPKEEP_COMPACT_MIN_FILES, "1000",
          TableProperties.UPKEEP_MAX_MANIFESTS, "1000",
          TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "5",
          TableProperties.WRITE_GROUP_COMMIT, "false"));
      Table t = wh.loadTable("t");
      for (long i = 0; i < 40; i++) {
        t.appendRecords(List.of(TestSchemas.event(i, "e", 1.0)));
      }
      Upkeep upkeep = ((TableHandle) t).upkeep();
      assertThat(upkeep.awaitIdle(60_000)).isTrue();
      FileTableOperations ops = (FileTableOperations) TableInternals.of(t).operations();
      int current = ops.refresh().version();
      for (int v = 1; v < current - 5; v++) {
        assertThat(ops.versionFiles().read(v).tombstone()).as("v%d of %d", v, current).isNotNull();
      }
      assertThat(ops.versionFiles().read(current - 5).tombstone()).as("kept in the log").isNull();
      assertThat(TestSchemas.ids(t.scan())).hasSize(40);
    }
  }

  /**
   * A JVM appending many times a second publishes a version every few milliseconds through its group commit; an
   * expiry that rebuilds a large metadata file would lose every race for the next version to it (measured: "replace
   * not committed after 101 attempts in 106 s" at 1,200 appends/s). Upkeep's commits therefore go through the
   * group commit's slot: while one is in flight, this JVM's appends wait for it and commit right after.
   */
  @Test
  void appendsOfTheSameJvmWaitWhileUpkeepCommitsAndThenCommitAfterIt() throws Exception {
    CountDownLatch upkeepCommitting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean once = new AtomicBoolean();
    StorageBackend slowUpkeepCommit = new ForwardingStorageBackend(new LocalStorageBackend(dir)) {
      @Override
      public boolean createExclusive(String location, byte[] content) {
        if (Thread.currentThread().getName().startsWith(Upkeep.THREAD_PREFIX) && once.compareAndSet(false, true)) {
          upkeepCommitting.countDown();
          try {
            release.await(30, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.createExclusive(location, content);
      }
    };
    Map<String, String> props = new java.util.HashMap<>(TIGHT);
    props.put(TableProperties.WRITE_GROUP_COMMIT, "true");
    java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (Warehouse wh = Warehouse.of(slowUpkeepCommit)) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), props);
      Table t = wh.loadTable("t");
      java.util.concurrent.atomic.AtomicLong acknowledged = new java.util.concurrent.atomic.AtomicLong();
      // single-row appends on another thread until upkeep's first commit is under way, then one more
      java.util.concurrent.Future<?> appending = other.submit(() -> {
        for (long id = 0; id < 300; id++) {
          boolean lastOne = upkeepCommitting.getCount() == 0;
          t.appendRecords(List.of(TestSchemas.event(id, "e", 1.0)));
          acknowledged.incrementAndGet();
          if (lastOne) {
            return;
          }
        }
      });
      assertThat(upkeepCommitting.await(30, java.util.concurrent.TimeUnit.SECONDS))
          .as("upkeep started its first commit").isTrue();
      long before = acknowledged.get();
      Thread.sleep(500);
      assertThat(acknowledged.get()).as("no append is acknowledged while upkeep's commit is in flight")
          .isEqualTo(before);
      assertThat(appending).isNotDone();
      release.countDown();
      appending.get(30, java.util.concurrent.TimeUnit.SECONDS);
      long last = acknowledged.get() - 1;
      Upkeep upkeep = ((TableHandle) t).upkeep();
      assertThat(upkeep.awaitIdle(60_000)).isTrue();
      assertThat(TestSchemas.ids(t.refresh().scan())).hasSize((int) last + 1).doesNotHaveDuplicates();
      assertThat(t.snapshots().size()).as("upkeep's expiry committed").isLessThanOrEqualTo(8 + 2 + 3);
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void theAcknowledgementDoesNotWaitForUpkeep() throws Exception {
    // Any storage call made by an upkeep thread waits until the test releases it.
    UpkeepHeldStorage gated = new UpkeepHeldStorage(dir, location -> true);
    try (Warehouse wh = Warehouse.of(gated)) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), TIGHT);
      Table t = wh.loadTable("t");
      Upkeep upkeep = ((TableHandle) t).upkeep();
      for (long i = 0; i < 40; i++) {
        Snapshot s = t.appendRecords(List.of(TestSchemas.event(i, "e", 1.0)));
        assertThat(s).isNotNull(); // acknowledged while upkeep, if started, is held at its first storage call
      }
      assertThat(gated.reached()).as("upkeep was scheduled and is stuck on its own thread").isTrue();
      assertThat(upkeep.runs()).as("no run finished before the appends were acknowledged").isZero();
      gated.release();
      assertThat(upkeep.awaitIdle(60_000)).isTrue();
      assertThat(upkeep.runs()).isPositive();
      assertThat(upkeep.lastThread()).startsWith(Upkeep.THREAD_PREFIX)
          .isNotEqualTo(Thread.currentThread().getName());
      assertThat(TestSchemas.ids(t.refresh().scan())).hasSize(40).doesNotHaveDuplicates();
    }
  }

  /**
   * A run held in its compaction (seconds, for a thousand small files) must not let snapshots pile up: every version
   * written meanwhile would carry them all. The expiry runs on its own while the run is busy.
   */
  @Test
  void snapshotsAreExpiredWhileARunIsBusyCompacting() throws Exception {
    // Upkeep's reads of data files (only compaction reads them) wait until the test releases them.
    UpkeepHeldStorage gated = new UpkeepHeldStorage(dir, location -> location.endsWith(".parquet"));
    Map<String, String> props = Map.of(
        TableProperties.UPKEEP_ENABLED, "true",
        TableProperties.UPKEEP_MAX_SNAPSHOTS, "4",
        TableProperties.UPKEEP_COMPACT_MIN_FILES, "4",
        TableProperties.WRITE_GROUP_COMMIT, "false");
    try (Warehouse wh = Warehouse.of(gated)) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), props);
      Table t = wh.loadTable("t");
      Upkeep upkeep = ((TableHandle) t).upkeep();
      try {
        for (long i = 0; i < 4; i++) {
          t.appendRecords(List.of(TestSchemas.event(i, "e", 1.0)));
        }
        long until = System.currentTimeMillis() + 20_000;
        while (!gated.reached() && System.currentTimeMillis() < until) {
          Thread.sleep(10);
        }
        assertThat(gated.reached()).as("a run started compacting the 4 small files").isTrue();
        for (long i = 4; i < 34; i++) {
          t.appendRecords(List.of(TestSchemas.event(i, "e", 1.0)));
        }
        until = System.currentTimeMillis() + 20_000;
        while (t.refresh().snapshots().size() > 5 && System.currentTimeMillis() < until) {
          Thread.sleep(10);
        }
        assertThat(t.snapshots().size()).as("34 appends, at most 4 kept plus the quarter before an expiry")
            .isLessThanOrEqualTo(5);
        assertThat(upkeep.runs()).as("the run itself is still held in its compaction").isZero();
      } finally {
        gated.release();
      }
      assertThat(upkeep.awaitIdle(60_000)).isTrue();
      assertThat(TestSchemas.ids(t.refresh().scan())).hasSize(34).doesNotHaveDuplicates();
    }
  }

  /**
   * A JVM appending a hundred times a second publishes hundreds of versions while a run compacts or deletes, and
   * every one of them used to carry every snapshot added meanwhile (versions of ~350 snapshots were measured, and
   * the metadata log kept copies of them). An append's own version now expires what lies beyond the limit, and only
   * the deletion of the files is left to upkeep: here upkeep cannot do anything at all (every read of its threads is
   * held), and still no version carries more than the limit plus a quarter. Once upkeep runs, the files of the
   * expired snapshots are gone and nothing else: a tagged snapshot and every row stay.
   */
  @Test
  void anAppendsVersionExpiresBeyondTheLimitWhileUpkeepIsHeld() throws Exception {
    UpkeepHeldStorage gated = new UpkeepHeldStorage(dir, location -> true);
    Map<String, String> props = Map.of(
        TableProperties.UPKEEP_ENABLED, "true",
        TableProperties.UPKEEP_MAX_SNAPSHOTS, "4",
        TableProperties.UPKEEP_COMPACT_MIN_FILES, "1000",
        TableProperties.WRITE_GROUP_COMMIT, "false");
    java.util.Set<String> expiredLists = new java.util.HashSet<>();
    long taggedId;
    try (Warehouse wh = Warehouse.of(gated)) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), props);
      Table t = wh.loadTable("t");
      Upkeep upkeep = ((TableHandle) t).upkeep();
      try {
        t.appendRecords(List.of(TestSchemas.event(0, "e", 1.0)));
        taggedId = t.currentSnapshot().snapshotId();
        t.manageSnapshots().createTag("first", taggedId).commit();
        java.util.Map<Long, String> everList = new java.util.HashMap<>();
        for (long i = 1; i < 40; i++) {
          t.appendRecords(List.of(TestSchemas.event(i, "e", 1.0)));
          List<Snapshot> carried = t.refresh().snapshots();
          carried.forEach(s -> everList.put(s.snapshotId(), s.manifestListLocation()));
          // main keeps its newest 4, the tag its snapshot; expiry once there are more than 4 + 1 of main's
          assertThat(carried.size()).as("snapshots carried by the version of append " + i).isLessThanOrEqualTo(6);
        }
        assertThat(t.snapshot(taggedId)).as("the tagged snapshot").isNotNull();
        java.util.Set<Long> kept = new java.util.HashSet<>();
        t.snapshots().forEach(s -> kept.add(s.snapshotId()));
        everList.forEach((id, list) -> {
          if (!kept.contains(id)) {
            expiredLists.add(list);
          }
        });
        assertThat(expiredLists).as("snapshots the appends expired").hasSizeGreaterThan(25);
        assertThat(upkeep.runs()).as("upkeep did nothing yet").isZero();
        assertThat(gated.reached()).as("upkeep was asked to delete their files").isTrue();
        for (String list : expiredLists) {
          assertThat(gated.exists(list)).as("their files stay until upkeep deletes them: " + list).isTrue();
        }
      } finally {
        gated.release();
      }
      assertThat(upkeep.awaitIdle(60_000)).isTrue();
      assertThat(upkeep.reclaimedSnapshots()).isGreaterThanOrEqualTo(expiredLists.size());
      for (String list : expiredLists) {
        assertThat(gated.exists(list)).as("deleted by upkeep: " + list).isFalse();
      }
      t.refresh();
      for (Snapshot s : t.snapshots()) {
        assertThat(gated.exists(s.manifestListLocation())).as("kept snapshot's list").isTrue();
      }
      assertThat(TestSchemas.ids(t.scan())).hasSize(40).doesNotHaveDuplicates();
      assertThat(TestSchemas.ids(t.scan().useRef("first"))).containsExactly(0L);
    }
  }

  /**
   * Writers, readers and upkeep racing, with upkeep also removing old tombstones as early as the protocol allows
   * (writers bound to a 50 ms base age, tombstones removed after 150 ms): nothing acknowledged is lost or doubled,
   * no reader sees wrong rows, and old names were removed meanwhile.
   */
  @Test
  void upkeepRacingWritersAndReadersLosesNothingAndReadersNeverSeeWrongRows() throws Exception {
    try (Warehouse wh = Warehouse.of(new io.datashard.storage.InstantCallsStorage(
        new io.datashard.storage.LocalStorageBackend(dir))).withBaseMaxAge(StaleHandleScenarios.SHORT_BASE_AGE)) {
      Map<String, String> props = new java.util.HashMap<>(TIGHT);
      props.put(TableProperties.WRITE_GROUP_COMMIT, "true");
      props.put(TableProperties.UPKEEP_REMOVE_TOMBSTONES_AFTER_MS, "150");
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), props);
      UpkeepRace.Result r = UpkeepRace.race(wh, "t", 4, 40, 2);
      System.out.println("UpkeepTest race: " + r);
      assertThat(r.readerFailures).as(r.toString()).isEmpty();
      List<Long> acked = new java.util.ArrayList<>(r.acked);
      StaleHandleScenarios.appendUntilRemoved(wh, wh.loadTable("t"), acked, 1);
      assertThat(TestSchemas.ids(wh.loadTable("t").scan())).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(acked);
      assertThat(((TableHandle) wh.loadTable("t")).upkeep().runs()).as("upkeep ran during the race").isPositive();
    }
  }
}
