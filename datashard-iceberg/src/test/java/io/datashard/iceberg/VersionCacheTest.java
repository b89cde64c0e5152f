package io.datashard.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.InputFile;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog's version cache: a table it has seen loads with one check of the store instead of a full refresh,
 * and is never served stale, whoever changed the table (another catalog, the protocol's drop, a hand removal).
 */
class VersionCacheTest {
  private static final TableIdentifier ID = TableIdentifier.of("sales", "orders");

  @TempDir
  Path dir;

  /** Counts the requests a catalog makes of the store. */
  static final class Counting extends ForwardingStorageBackend {
    final AtomicInteger requests = new AtomicInteger();

    Counting(StorageBackend delegate) {
      super(delegate);
    }

    @Override
    public byte[] readAll(String location) {
      requests.incrementAndGet();
      return super.readAll(location);
    }

    @Override
    public boolean exists(String location) {
      requests.incrementAndGet();
      return super.exists(location);
    }

    @Override
    public InputFile newInputFile(String location) {
      requests.incrementAndGet();
      return super.newInputFile(location);
    }

    @Override
    public java.util.List<io.datashard.storage.FileInfo> list(String prefix) {
      requests.incrementAndGet();
      return super.list(prefix);
    }
  }

  private DataShardCatalog catalog(StorageBackend storage, Map<String, String> props) {
    return new DataShardCatalog("ds", storage, props);
  }

  @Test
  void aSeenTableLoadsWithOneCheckAndAnotherCatalogsCommitIsSeen() throws Exception {
    Counting storage = new Counting(new LocalStorageBackend(dir));
    try (DataShardCatalog cached = catalog(storage, Map.of());
        DataShardCatalog uncached = catalog(storage, Map.of(VersionCache.MAX_TABLES, "0"));
        DataShardCatalog other = catalog(new LocalStorageBackend(dir), Map.of())) {
      cached.createNamespace(Namespace.of("sales"));
      CatalogScenarios.icebergAppend(cached.createTable(ID, CatalogScenarios.EVENTS), 1);
      cached.loadTable(ID);

      storage.requests.set(0);
      cached.loadTable(ID);
      int withCache = storage.requests.get();
      storage.requests.set(0);
      uncached.loadTable(ID);
      int without = storage.requests.get();
      assertThat(withCache).isLessThan(without);
      assertThat(withCache).isLessThanOrEqualTo(2); // the version file's length and the next version's absence

      // another catalog commits: the cached catalog's next load has it
      CatalogScenarios.icebergAppend(other.loadTable(ID), 2);
      assertThat(CatalogScenarios.icebergIds(cached.loadTable(ID))).containsExactly(1L, 2L);
      CatalogScenarios.icebergAppend(cached.loadTable(ID), 3);
      assertThat(CatalogScenarios.icebergIds(other.loadTable(ID))).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void aDroppedAndRecreatedTableIsTheNewOne() throws Exception {
    try (DataShardCatalog cached = catalog(new LocalStorageBackend(dir), Map.of());
        DataShardCatalog other = catalog(new LocalStorageBackend(dir), Map.of())) {
      cached.createNamespace(Namespace.of("sales"));
      Table first = cached.createTable(ID, CatalogScenarios.EVENTS);
      CatalogScenarios.icebergAppend(first, 1);
      String firstUuid = cached.loadTable(ID).uuid().toString();

      assertThat(other.dropTable(ID, true)).isTrue();
      assertThatThrownBy(() -> cached.loadTable(ID)).isInstanceOf(NoSuchTableException.class);
      CatalogScenarios.icebergAppend(other.createTable(ID, CatalogScenarios.EVENTS), 7);
      Table again = cached.loadTable(ID);
      assertThat(again.uuid().toString()).isNotEqualTo(firstUuid);
      assertThat(CatalogScenarios.icebergIds(again)).containsExactly(7L);
    }
  }

  /**
   * Outside the protocol: the table's folder removed by hand and a table of the same name published again up to
   * the same version number by another writer. The cache must not serve the old table: the version file's length
   * differs, so the catalog reads what is there.
   */
  @Test
  void aTableRemovedByHandAndRepublishedIsNotServedFromTheCache() throws Exception {
    try (DataShardCatalog cached = catalog(new LocalStorageBackend(dir), Map.of())) {
      cached.createNamespace(Namespace.of("sales"));
      CatalogScenarios.icebergAppend(cached.createTable(ID, CatalogScenarios.EVENTS), 1);
      Table seen = cached.loadTable(ID);
      String location = seen.location().replaceFirst("^file:", "");
      int version = Integer.parseInt(((org.apache.iceberg.HasTableOperations) seen).operations().current().metadataFileLocation()
          .replaceAll(".*/v(\\d+)\\.metadata\\.json$", "$1"));

      Path copy = dir.resolve("elsewhere");
      try (DataShardCatalog writer = catalog(new LocalStorageBackend(copy), Map.of())) {
        writer.createNamespace(Namespace.of("sales"));
        Table other = writer.createTable(ID, CatalogScenarios.EVENTS,
            org.apache.iceberg.PartitionSpec.unpartitioned(), Map.of("owner", "someone else"));
        CatalogScenarios.icebergAppend(other, 9);
        while (versionOf(writer.loadTable(ID)) < version) {
          writer.loadTable(ID).updateProperties().set("pad", "x").commit();
        }
        assertThat(versionOf(writer.loadTable(ID))).isEqualTo(version);
      }
      Path tableDir = Path.of(location);
      deleteTree(tableDir);
      copyTree(copy.resolve("sales/orders"), tableDir);

      Table now = cached.loadTable(ID);
      assertThat(now.properties()).containsEntry("owner", "someone else");
      assertThat(CatalogScenarios.icebergIds(now)).containsExactly(9L);
    }
  }

  private static int versionOf(Table t) {
    return Integer.parseInt(((org.apache.iceberg.HasTableOperations) t).operations().current().metadataFileLocation()
        .replaceAll(".*/v(\\d+)\\.metadata\\.json$", "$1"));
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
