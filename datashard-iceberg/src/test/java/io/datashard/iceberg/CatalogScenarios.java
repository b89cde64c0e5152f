package io.datashard.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.PartitionSpec;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.commit.MetadataFiles;
import io.datashard.commit.VersionTombstone;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * What users rely on beyond Iceberg's conformance suite: the DataShard library and Iceberg (through
 * {@link DataShardCatalog}) write one table as the same kind of writer (nothing lost, no version published twice),
 * namespace properties lose no update, and no name reaches outside the warehouse. Each backend runs these through
 * a subclass.
 */
abstract class CatalogScenarios {
  /** Iceberg's view of the library's {@link TestSchemas#EVENTS}. */
  static final Schema EVENTS = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.required(2, "event", Types.StringType.get()),
      Types.NestedField.optional(3, "value", Types.DoubleType.get()));

  /** Many writers at once: generous retries (both writers honour Iceberg's commit.retry.* properties). */
  static final Map<String, String> CONTENDED = Map.of(
      TableProperties.COMMIT_NUM_RETRIES, "200",
      TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "2",
      TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "100",
      // every commit its own version (the scenarios count them): no group commit of the library's appenders, and
      // no upkeep commits in between
      io.datashard.TableProperties.WRITE_GROUP_COMMIT, "false",
      io.datashard.TableProperties.UPKEEP_ENABLED, "false");

  /** Versions that fall out of the metadata log become tombstones after every commit, keeping two. */
  static final Map<String, String> AGGRESSIVE_CLEANUP = Map.of(
      TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
      TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "2");

  /** @return a fresh, empty warehouse's storage (closed by the test) */
  protected abstract StorageBackend newStorage();

  /** @return appends per writer thread (fewer on the slower backend) */
  protected abstract int appendsPerWriter();

  static DataFile writeWithIceberg(Table table, long id) {
    OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet"));
    GenericRecord r = GenericRecord.create(table.schema());
    r.setField("id", id);
    r.setField("event", "iceberg-" + id);
    r.setField("value", (double) id);
    DataWriter<Record> writer;
    try {
      writer = Parquet.writeData(out)
          .schema(table.schema())
          .createWriterFunc(GenericParquetWriter::create)
          .withSpec(table.spec())
          .overwrite()
          .build();
      try (writer) {
        writer.write(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDataFile();
  }

  static void icebergAppend(Table table, long id) {
    table.newAppend().appendFile(writeWithIceberg(table, id)).commit();
  }

  static void libraryAppend(io.datashard.Table table, long id) {
    table.appendRecords(List.of(TestSchemas.event(id, "library-" + id, (double) id)));
  }

  static List<Long> icebergIds(Table table) {
    List<Long> ids = new ArrayList<>();
    table.refresh();
    // Iceberg's own Parquet reader, file by file as planned by Iceberg's scan (IcebergGenerics would also need ORC).
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        try (CloseableIterable<Record> rows = Parquet.read(table.io().newInputFile(task.file().location()))
            .project(table.schema())
            .createReaderFunc(type -> GenericParquetReaders.buildReader(table.schema(), type))
            .build()) {
          rows.forEach(r -> ids.add((Long) r.getField("id")));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ids.sort(null);
    return ids;
  }

  static List<Long> libraryIds(io.datashard.Table table) {
    List<Long> ids = new ArrayList<>();
    table.refresh().scan().toList().forEach(r -> ids.add((Long) r.get("id")));
    ids.sort(null);
    return ids;
  }

  /** @return the length of the current snapshot's parent chain */
  static int chainLength(Table table) {
    int n = 0;
    Snapshot s = table.currentSnapshot();
    while (s != null) {
      n++;
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    return n;
  }

  static int version(Table table) {
    return MetadataFiles.parseVersion(((HasTableOperations) table).operations().current().metadataFileLocation());
  }

  /**
   * Library threads and Iceberg threads (each with one long-lived handle) append to one table at once: every
   * acknowledged append is in the table exactly once, for both readers, on one linear history.
   */
  @Test
  void libraryAndIcebergAppendConcurrentlyLoseNothing() throws Exception {
    try (StorageBackend storage = newStorage(); Warehouse wh = Warehouse.of(storage);
         DataShardCatalog catalog = new DataShardCatalog("ds", storage, Map.of())) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), CONTENDED);
      int each = appendsPerWriter();
      List<Long> expected = Collections.synchronizedList(new ArrayList<>());
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        boolean iceberg = w % 2 == 0;
        long base = w * 1000L;
        threads.add(new Thread(() -> {
          try {
            Table ice = iceberg ? catalog.loadTable(TableIdentifier.of("t")) : null;
            io.datashard.Table lib = iceberg ? null : wh.loadTable("t");
            for (int i = 0; i < each; i++) {
              if (iceberg) {
                icebergAppend(ice, base + i);
              } else {
                libraryAppend(lib, base + i);
              }
              expected.add(base + i);
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }, (iceberg ? "iceberg-" : "library-") + w));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      assertThat(failures).isEmpty();
      assertThat(expected).hasSize(4 * each);
      List<Long> sorted = new ArrayList<>(expected);
      sorted.sort(null);
      assertThat(libraryIds(wh.loadTable("t"))).containsExactlyElementsOf(sorted);
      Table ice = catalog.loadTable(TableIdentifier.of("t"));
      assertThat(icebergIds(ice)).containsExactlyElementsOf(sorted);
      assertThat(chainLength(ice)).isEqualTo(4 * each);
      assertThat(version(ice)).isEqualTo(1 + 4 * each); // one version per commit, none skipped, none twice
    }
  }

  /** A table the catalog created (in the root namespace) is a library table, and the other way round. */
  @Test
  void catalogTablesAreLibraryTablesAndBack() throws IOException {
    try (StorageBackend storage = newStorage(); Warehouse wh = Warehouse.of(storage);
         DataShardCatalog catalog = new DataShardCatalog("ds", storage, Map.of())) {
      Table byCatalog = catalog.createTable(TableIdentifier.of("from_catalog"), EVENTS);
      icebergAppend(byCatalog, 1);
      assertThat(wh.listTables()).contains("from_catalog");
      libraryAppend(wh.loadTable("from_catalog"), 2);
      assertThat(icebergIds(byCatalog)).containsExactly(1L, 2L);

      wh.createTable("from_library", TestSchemas.EVENTS);
      libraryAppend(wh.loadTable("from_library"), 3);
      assertThat(catalog.listTables(org.apache.iceberg.catalog.Namespace.empty()))
          .contains(TableIdentifier.of("from_library"), TableIdentifier.of("from_catalog"));
      Table fromLibrary = catalog.loadTable(TableIdentifier.of("from_library"));
      icebergAppend(fromLibrary, 4);
      assertThat(libraryIds(wh.loadTable("from_library"))).containsExactly(3L, 4L);
      assertThat(icebergIds(fromLibrary)).containsExactly(3L, 4L);
    }
  }

  /**
   * The scenario of {@code StaleHandleScenarios} through the catalog: versions retired after every commit, then a
   * handle loaded before them (Iceberg's and the library's) appends. Each append lands once, on the latest version.
   */
  @Test
  void staleCatalogHandleAfterVersionCleanupCannotPublishAVersionTwice() throws IOException {
    try (StorageBackend storage = newStorage(); Warehouse wh = Warehouse.of(storage);
         DataShardCatalog catalog = new DataShardCatalog("ds", storage, Map.of())) {
      TableIdentifier id = TableIdentifier.of("s");
      catalog.buildTable(id, EVENTS).withProperties(AGGRESSIVE_CLEANUP).create();
      Table stale = catalog.loadTable(id);
      io.datashard.Table staleLibrary = wh.loadTable("s");
      Table writer = catalog.loadTable(id);
      for (long i = 0; i < 5; i++) {
        icebergAppend(writer, i);
      }
      // v2..v3 are tombstones now: the stale handles' next name (v2) is taken, so they must rebuild on v6.
      icebergAppend(stale, 99);
      libraryAppend(staleLibrary, 77);
      icebergAppend(stale, 98);

      Table fresh = catalog.loadTable(id);
      assertThat(icebergIds(fresh)).containsExactly(0L, 1L, 2L, 3L, 4L, 77L, 98L, 99L);
      assertThat(libraryIds(wh.loadTable("s"))).containsExactly(0L, 1L, 2L, 3L, 4L, 77L, 98L, 99L);
      assertThat(chainLength(fresh)).isEqualTo(8);
      assertThat(version(fresh)).isEqualTo(9);
      assertThat(fresh.snapshots()).hasSize(8);
      VersionTombstone retired = VersionTombstone.parse("v2",
          storage.readAll(MetadataFiles.versionFile(wh.tableLocation("s"), 2)));
      assertThat(retired).isNotNull();
      assertThat(retired.kind()).isEqualTo(VersionTombstone.Kind.EXPIRED);
    }
  }

  /** A handle on a dropped table fails, and never publishes into the table created later under that name. */
  @Test
  void staleCatalogHandlesOfADroppedTableFailAndCannotResurrectIt() throws IOException {
    try (StorageBackend storage = newStorage(); Warehouse wh = Warehouse.of(storage);
         DataShardCatalog catalog = new DataShardCatalog("ds", storage, Map.of())) {
      TableIdentifier id = TableIdentifier.of("d");
      Table created = catalog.createTable(id, EVENTS);
      icebergAppend(created, 1);
      Table old = catalog.loadTable(id);
      assertThat(catalog.dropTable(id, true)).isTrue();
      assertThat(catalog.tableExists(id)).isFalse();
      assertThat(wh.tableExists("d")).isFalse();
      assertThatThrownBy(() -> icebergAppend(old, 2)).isInstanceOf(NoSuchTableException.class)
          .hasMessageContaining("dropped");

      Table again = catalog.createTable(id, EVENTS);
      assertThat(version(again)).as("numbering continues after the dropped tombstone").isEqualTo(4);
      icebergAppend(again, 3);
      assertThatThrownBy(() -> icebergAppend(old, 4)).isInstanceOf(RuntimeException.class);
      assertThat(icebergIds(catalog.loadTable(id))).containsExactly(3L);
      assertThat(libraryIds(wh.loadTable("d"))).containsExactly(3L);
    }
  }

  /** Dropping without purge keeps every file: the last metadata file can be registered again. */
  @Test
  void dropWithoutPurgeKeepsTheFilesAndRegisterBringsTheTableBack() throws IOException {
    try (StorageBackend storage = newStorage(); Warehouse wh = Warehouse.of(storage);
         DataShardCatalog catalog = new DataShardCatalog("ds", storage, Map.of())) {
      TableIdentifier id = TableIdentifier.of("k");
      Table t = catalog.createTable(id, EVENTS);
      icebergAppend(t, 1);
      String last = ((HasTableOperations) t).operations().current().metadataFileLocation();
      String dataFile = t.currentSnapshot().addedDataFiles(t.io()).iterator().next().location();
      assertThat(catalog.dropTable(id, false)).isTrue();
      assertThat(storage.exists(dataFile)).isTrue();
      assertThat(wh.tableExists("k")).isFalse();
      Table back = catalog.registerTable(id, last);
      assertThat(icebergIds(back)).containsExactly(1L);
      assertThat(version(back)).isEqualTo(4); // v3 is the dropped tombstone
      assertThat(libraryIds(wh.loadTable("k"))).containsExactly(1L);
    }
  }

  /** Concurrent property updates of one namespace, each on a stale view: every update is in. */
  @Test
  void concurrentNamespacePropertyUpdatesLoseNothing() throws Exception {
    try (StorageBackend storage = newStorage();
         DataShardCatalog catalog = new DataShardCatalog("ds", storage, Map.of())) {
      Namespace ns = Namespace.of("sales", "eu");
      catalog.createNamespace(Namespace.of("sales"));
      catalog.createNamespace(ns, Map.of("owner", "a"));
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        threads.add(new Thread(() -> {
          try {
            for (int i = 0; i < 5; i++) {
              catalog.setProperties(ns, Map.of("k" + writer + "-" + i, "v"));
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      assertThat(failures).isEmpty();
      Map<String, String> props = catalog.loadNamespaceMetadata(ns);
      for (int w = 0; w < 4; w++) {
        for (int i = 0; i < 5; i++) {
          assertThat(props).containsEntry("k" + w + "-" + i, "v");
        }
      }
      assertThat(props).containsEntry("owner", "a");
      catalog.removeProperties(ns, java.util.Set.of("owner"));
      assertThat(catalog.loadNamespaceMetadata(ns)).doesNotContainKey("owner");
      // Dropped and created again: numbering continues, old properties are gone.
      assertThat(catalog.dropNamespace(ns)).isTrue();
      catalog.createNamespace(ns, Map.of("fresh", "1"));
      assertThat(catalog.loadNamespaceMetadata(ns)).containsEntry("fresh", "1").doesNotContainKey("k0-0");
    }
  }

  /** Names that would leave the warehouse, or that are not one folder, are refused before any storage access. */
  @Test
  void namesThatEscapeTheWarehouseAreRefused() throws IOException {
    try (StorageBackend storage = newStorage();
         DataShardCatalog catalog = new DataShardCatalog("ds", storage, Map.of())) {
      catalog.createNamespace(Namespace.of("ns"));
      for (String bad : List.of("..", ".", "../x", "a/b", "/etc", "x\0y", "", ".hidden", "a\\b")) {
        String name = bad;
        if (name.indexOf('\0') >= 0) {
          // Iceberg refuses NUL in a namespace itself; the catalog refuses it in a table name.
          assertThatThrownBy(() -> Namespace.of(name)).isInstanceOf(IllegalArgumentException.class);
          assertThatThrownBy(() -> catalog.createTable(TableIdentifier.of(Namespace.of("ns"), name), EVENTS))
              .isInstanceOf(IllegalArgumentException.class);
          continue;
        }
        assertThatThrownBy(() -> catalog.createTable(TableIdentifier.of(Namespace.of("ns"), name), EVENTS))
            .as("table name %s", bad).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> catalog.createNamespace(Namespace.of(name)))
            .as("namespace name %s", bad).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> catalog.createTable(TableIdentifier.of(Namespace.of(name), "t"), EVENTS))
            .as("namespace level %s", bad).isInstanceOf(RuntimeException.class);
        assertThat(existsOrRefused(() -> catalog.tableExists(TableIdentifier.of(Namespace.of("ns"), name)))).isFalse();
        assertThat(existsOrRefused(() -> catalog.namespaceExists(Namespace.of(name)))).isFalse();
      }
      assertThat(catalog.listTables(Namespace.of("ns"))).isEmpty();
    }
  }

  /** @return the answer, or false when the name is refused (by Iceberg's own identifier rules or the catalog's) */
  private static boolean existsOrRefused(java.util.function.BooleanSupplier exists) {
    try {
      return exists.getAsBoolean();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A folder is a table or a namespace, never both. */
  @Test
  void aTableAndANamespaceNeverShareAFolder() throws IOException {
    try (StorageBackend storage = newStorage();
         DataShardCatalog catalog = new DataShardCatalog("ds", storage, Map.of())) {
      catalog.createTable(TableIdentifier.of("t"), EVENTS);
      assertThatThrownBy(() -> catalog.createNamespace(Namespace.of("t")))
          .isInstanceOf(org.apache.iceberg.exceptions.AlreadyExistsException.class);
      catalog.createNamespace(Namespace.of("n"));
      assertThatThrownBy(() -> catalog.createTable(TableIdentifier.of("n"), EVENTS))
          .isInstanceOf(org.apache.iceberg.exceptions.AlreadyExistsException.class);
      assertThat(catalog.listTables(Namespace.empty())).containsExactly(TableIdentifier.of("t"));
      assertThat(catalog.listNamespaces()).containsExactly(Namespace.of("n"));
    }
  }

  /** Renaming is refused with a clear error, and leaves both names as they were. */
  @Test
  void renameIsRefusedAndChangesNothing() throws IOException {
    try (StorageBackend storage = newStorage();
         DataShardCatalog catalog = new DataShardCatalog("ds", storage, Map.of())) {
      Table t = catalog.createTable(TableIdentifier.of("a"), EVENTS);
      icebergAppend(t, 1);
      assertThatThrownBy(() -> catalog.renameTable(TableIdentifier.of("a"), TableIdentifier.of("b")))
          .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("cannot rename");
      assertThat(catalog.tableExists(TableIdentifier.of("b"))).isFalse();
      assertThat(icebergIds(catalog.loadTable(TableIdentifier.of("a")))).containsExactly(1L);
    }
  }
}
