package io.datashard.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table fed by an engine's small commits through the catalog keeps its snapshots within the table's automatic-upkeep
 * limit and its manifests few, as one written by the library does, without losing a row; a table with upkeep off keeps
 * every snapshot and manifest, and a tag keeps its snapshot.
 */
class CatalogUpkeepTest {
  private static final TableIdentifier ID = TableIdentifier.of("sales", "orders");

  @TempDir
  Path dir;

  private static Map<String, String> props(String... kv) {
    Map<String, String> p = new HashMap<>(Map.of("write.datashard.upkeep.max-snapshots", "8",
        "commit.retry.num-retries", "100", "commit.retry.min-wait-ms", "1", "commit.retry.max-wait-ms", "20"));
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    return p;
  }

  private static int snapshots(Table t) {
    t.refresh();
    int n = 0;
    for (Snapshot ignored : t.snapshots()) {
      n++;
    }
    return n;
  }

  private static long manifestLists(Path root) throws Exception {
    try (var files = Files.list(root.resolve("sales").resolve("orders").resolve("metadata"))) {
      return files.filter(f -> f.getFileName().toString().startsWith("snap-")).count();
    }
  }

  @Test
  void anEngineFeedingSmallCommitsKeepsTheNewestSnapshotsAndEveryRow() throws Exception {
    Path root = Files.createTempDirectory(dir, "wh");
    try (DataShardCatalog catalog = new DataShardCatalog("ds", new LocalStorageBackend(root), Map.of())) {
      catalog.createNamespace(Namespace.of("sales"));
      catalog.createTable(ID, CatalogScenarios.EVENTS, PartitionSpec.unpartitioned(), props());
      for (long id = 1; id <= 40; id++) {
        CatalogScenarios.icebergAppend(catalog.loadTable(ID), id);
      }
    } // closing waits for the background runs
    try (DataShardCatalog catalog = new DataShardCatalog("ds", new LocalStorageBackend(root), Map.of())) {
      Table t = catalog.loadTable(ID);
      assertThat(snapshots(t)).as("at most the limit plus a quarter").isBetween(8, 10);
      assertThat(manifestLists(root)).as("the expired snapshots' lists are deleted").isBetween(8L, 10L);
      assertThat(CatalogScenarios.icebergIds(t)).containsExactlyInAnyOrderElementsOf(
          LongStream.rangeClosed(1, 40).boxed().toList());
    }
  }

  @Test
  void upkeepOffKeepsEverySnapshotAndATagKeepsItsOwn() throws Exception {
    Path off = Files.createTempDirectory(dir, "off");
    Path tagged = Files.createTempDirectory(dir, "tagged");
    long taggedId;
    try (DataShardCatalog a = new DataShardCatalog("ds", new LocalStorageBackend(off), Map.of());
        DataShardCatalog b = new DataShardCatalog("ds", new LocalStorageBackend(tagged), Map.of())) {
      a.createNamespace(Namespace.of("sales"));
      b.createNamespace(Namespace.of("sales"));
      a.createTable(ID, CatalogScenarios.EVENTS, PartitionSpec.unpartitioned(),
          props("write.datashard.upkeep.enabled", "false"));
      b.createTable(ID, CatalogScenarios.EVENTS, PartitionSpec.unpartitioned(), props());
      CatalogScenarios.icebergAppend(b.loadTable(ID), 0);
      Table first = b.loadTable(ID);
      taggedId = first.currentSnapshot().snapshotId();
      first.manageSnapshots().createTag("first", taggedId).commit();
      for (long id = 1; id <= 30; id++) {
        CatalogScenarios.icebergAppend(a.loadTable(ID), id);
        CatalogScenarios.icebergAppend(b.loadTable(ID), id);
      }
    }
    try (DataShardCatalog a = new DataShardCatalog("ds", new LocalStorageBackend(off), Map.of());
        DataShardCatalog b = new DataShardCatalog("ds", new LocalStorageBackend(tagged), Map.of())) {
      assertThat(snapshots(a.loadTable(ID))).as("upkeep off").isEqualTo(30);
      Table t = b.loadTable(ID);
      assertThat(snapshots(t)).as("the limit, plus the tagged one").isBetween(9, 11);
      assertThat(t.snapshot(taggedId)).isNotNull();
      assertThat(CatalogScenarios.icebergIds(t.newScan().useRef("first").table())).hasSize(31);
    }
  }

  @Test
  void concurrentEngineWritersLoseNothingWhileSnapshotsAreExpired() throws Exception {
    Path root = Files.createTempDirectory(dir, "wh");
    int writers = 4;
    int each = 15;
    try (DataShardCatalog catalog = new DataShardCatalog("ds", new LocalStorageBackend(root), Map.of())) {
      catalog.createNamespace(Namespace.of("sales"));
      catalog.createTable(ID, CatalogScenarios.EVENTS, PartitionSpec.unpartitioned(), props());
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        long base = w * 1000L;
        done.add(pool.submit(() -> {
          for (long i = 1; i <= each; i++) {
            CatalogScenarios.icebergAppend(catalog.loadTable(ID), base + i);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
    }
    try (DataShardCatalog catalog = new DataShardCatalog("ds", new LocalStorageBackend(root), Map.of())) {
      Table t = catalog.loadTable(ID);
      List<Long> expected = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        for (long i = 1; i <= each; i++) {
          expected.add(w * 1000L + i);
        }
      }
      assertThat(CatalogScenarios.icebergIds(t)).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(snapshots(t)).isLessThanOrEqualTo(10);
    }
  }

  @Test
  void manifestsOfManySmallAppendsAreMergedUnlessUpkeepIsOff() throws Exception {
    Path on = Files.createTempDirectory(dir, "on");
    Path off = Files.createTempDirectory(dir, "off");
    for (Path root : List.of(on, off)) {
      try (DataShardCatalog catalog = new DataShardCatalog("ds", new LocalStorageBackend(root), Map.of())) {
        catalog.createNamespace(Namespace.of("sales"));
        catalog.createTable(ID, CatalogScenarios.EVENTS, PartitionSpec.unpartitioned(), props(
            "write.datashard.upkeep.max-manifests", "4", "write.datashard.upkeep.max-snapshots", "1000",
            "write.datashard.upkeep.enabled", root == on ? "true" : "false"));
        for (long id = 1; id <= 30; id++) {
          Table t = catalog.loadTable(ID);
          t.newFastAppend().appendFile(CatalogScenarios.writeWithIceberg(t, id)).commit();
        }
      }
    }
    try (DataShardCatalog a = new DataShardCatalog("ds", new LocalStorageBackend(on), Map.of());
        DataShardCatalog b = new DataShardCatalog("ds", new LocalStorageBackend(off), Map.of())) {
      Table merged = a.loadTable(ID);
      Table kept = b.loadTable(ID);
      assertThat(kept.currentSnapshot().dataManifests(kept.io())).as("upkeep off: one per append").hasSize(30);
      // merged every 5 commits: at most the merged one and the 4 appends after the last check, plus one in flight
      assertThat(merged.currentSnapshot().dataManifests(merged.io())).hasSizeLessThanOrEqualTo(6);
      List<Long> all = LongStream.rangeClosed(1, 30).boxed().toList();
      assertThat(CatalogScenarios.icebergIds(merged)).containsExactlyInAnyOrderElementsOf(all);
      assertThat(CatalogScenarios.icebergIds(kept)).containsExactlyInAnyOrderElementsOf(all);
    }
  }

  @Test
  void smallFilesOfEngineAppendsAreCompactedWithoutLosingARow() throws Exception {
    Path on = Files.createTempDirectory(dir, "on");
    Path off = Files.createTempDirectory(dir, "off");
    for (Path root : List.of(on, off)) {
      try (DataShardCatalog catalog = new DataShardCatalog("ds", new LocalStorageBackend(root), Map.of())) {
        catalog.createNamespace(Namespace.of("sales"));
        catalog.createTable(ID, CatalogScenarios.EVENTS, PartitionSpec.unpartitioned(), props(
            "write.datashard.upkeep.compact.min-files", "8", "write.datashard.upkeep.max-snapshots", "1000",
            "write.datashard.upkeep.enabled", root == on ? "true" : "false"));
        for (long id = 1; id <= 40; id++) {
          CatalogScenarios.icebergAppend(catalog.loadTable(ID), id);
        }
      } // closing waits for the runs due after the last commits
    }
    try (DataShardCatalog a = new DataShardCatalog("ds", new LocalStorageBackend(on), Map.of());
        DataShardCatalog b = new DataShardCatalog("ds", new LocalStorageBackend(off), Map.of())) {
      Table compacted = a.loadTable(ID);
      Table kept = b.loadTable(ID);
      assertThat(dataFiles(kept)).as("upkeep off: one file per append").isEqualTo(40);
      // compacted once 8 files were there and each time 4 more arrived, the last look after the last commit
      // included: fewer than the 8 + 4 that would start another run
      assertThat(dataFiles(compacted)).as("data files left of 40 one-row appends").isLessThan(12);
      List<Long> all = LongStream.rangeClosed(1, 40).boxed().toList();
      assertThat(CatalogScenarios.icebergIds(compacted)).containsExactlyInAnyOrderElementsOf(all);
      assertThat(compacted.currentSnapshot().summary()).containsEntry("total-records", "40");
      // every version that fell out of the metadata log, the compactions' own included, became a tombstone
      assertThat(fullVersions(on)).as("the current version and the 10 of its log").isLessThanOrEqualTo(11);
    }
  }

  private static long fullVersions(Path root) throws Exception {
    try (var files = Files.list(root.resolve("sales").resolve("orders").resolve("metadata"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".metadata.json")).filter(f -> {
        try {
          return !Files.readString(f).contains("datashard-tombstone");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).count();
    }
  }

  @Test
  void commitsTheLibraryMadeAreLeftToTheLibrarysOwnUpkeep() throws Exception {
    TableMetadata engineMade;
    try (DataShardCatalog catalog = catalogWithEngineAppends(12)) {
      engineMade = ((HasTableOperations) catalog.loadTable(ID)).operations().current();
    }
    // the same history with upkeep on: 12 snapshots, over the limit of 8 plus a quarter
    TableMetadata over = TableMetadata.buildFrom(engineMade)
        .setProperties(Map.of("write.datashard.upkeep.enabled", "true")).build();
    ObjectNode json = (ObjectNode) new ObjectMapper().readTree(TableMetadataParser.toJson(over));
    for (JsonNode snapshot : json.get("snapshots")) {
      ((ObjectNode) snapshot.get("summary")).put("engine-name", "datashard");
    }
    TableMetadata libraryMade = TableMetadataParser.fromJson(over.metadataFileLocation(), json.toString());
    List<Runnable> started = new ArrayList<>();
    CatalogUpkeep upkeep = new CatalogUpkeep(started::add, id -> {
      throw new AssertionError("no run may load the table");
    }, (id, min, max, ratio) -> {
      throw new AssertionError("no run may compact");
    });
    upkeep.committed(ID, "library", libraryMade);
    assertThat(started).as("a library-made snapshot starts nothing").isEmpty();
    upkeep.committed(ID, "engine", over);
    assertThat(started).as("the same history made by an engine starts an expiry").hasSize(1);
  }

  /**
   * A step that throws an {@link Error} (not an exception, which every step catches itself) still ends its run:
   * before, the run was never counted as ended, and closing the catalog waited its 30 s for it in vain.
   */
  @Test
  void aRunWhoseStepThrowsAnErrorStillEnds() throws Exception {
    try (DataShardCatalog catalog = catalogWithEngineAppends(3)) {
      TableMetadata three = TableMetadata.buildFrom(((HasTableOperations) catalog.loadTable(ID)).operations()
          .current()).setProperties(Map.of("write.datashard.upkeep.enabled", "true",
              "write.datashard.upkeep.compact.min-files", "2")).build();
      ExecutorService background = Executors.newFixedThreadPool(2);
      try {
        java.util.concurrent.atomic.AtomicInteger compactions = new java.util.concurrent.atomic.AtomicInteger();
        CatalogUpkeep upkeep = new CatalogUpkeep(background, catalog::loadTable, (id, min, max, ratio) -> {
          compactions.incrementAndGet();
          throw new StackOverflowError("a step's Error");
        });
        upkeep.committed(ID, "t", three);
        assertThat(upkeep.awaitIdle(10_000)).as("the run ended").isTrue();
        assertThat(compactions).as("the compaction step ran (and threw)").hasValue(1);
        assertThat(CatalogScenarios.icebergIds(catalog.loadTable(ID))).containsExactlyInAnyOrder(1L, 2L, 3L);
      } finally {
        background.shutdownNow();
      }
    }
  }

  /**
   * @param appends how many one-row engine appends (ids 1..appends) to make
   * @return an open catalog on a new warehouse holding {@link #ID} with upkeep off, after those appends
   */
  private DataShardCatalog catalogWithEngineAppends(int appends) throws Exception {
    DataShardCatalog catalog = new DataShardCatalog("ds",
        new LocalStorageBackend(Files.createTempDirectory(dir, "wh")), Map.of());
    catalog.createNamespace(Namespace.of("sales"));
    catalog.createTable(ID, CatalogScenarios.EVENTS, PartitionSpec.unpartitioned(),
        props("write.datashard.upkeep.enabled", "false"));
    for (long id = 1; id <= appends; id++) {
      CatalogScenarios.icebergAppend(catalog.loadTable(ID), id);
    }
    return catalog;
  }

  private static int dataFiles(Table t) throws Exception {
    int files = 0;
    try (var tasks = t.newScan().planFiles()) {
      for (var ignored : tasks) {
        files++;
      }
    }
    return files;
  }
}
