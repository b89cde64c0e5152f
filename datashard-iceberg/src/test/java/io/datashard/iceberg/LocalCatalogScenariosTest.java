package io.datashard.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Warehouse;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.StorageBackend;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CatalogScenarios} on local disk. */
class LocalCatalogScenariosTest extends CatalogScenarios {
  @TempDir
  Path dir;

  @Override
  protected StorageBackend newStorage() {
    return new LocalStorageBackend(dir.resolve(UUID.randomUUID().toString()));
  }

  @Override
  protected int appendsPerWriter() {
    return 12;
  }

  /** A namespace's folder is a warehouse for the library: its tables load and append there. */
  @Test
  void aNamespaceFolderIsALibraryWarehouse() throws Exception {
    Path root = dir.resolve("wh");
    try (DataShardCatalog catalog = new DataShardCatalog()) {
      catalog.initialize("ds", Map.of("warehouse", root.toString(), "datashard.use-environment", "false"));
      catalog.createNamespace(Namespace.of("sales"));
      catalog.createNamespace(Namespace.of("sales", "eu"));
      TableIdentifier orders = TableIdentifier.of("sales", "eu", "orders");
      icebergAppend(catalog.createTable(orders, EVENTS), 1);
      try (Warehouse wh = Warehouse.local(root.resolve("sales/eu"))) {
        assertThat(wh.listTables()).containsExactly("orders");
        libraryAppend(wh.loadTable("orders"), 2);
      }
      assertThat(icebergIds(catalog.loadTable(orders))).containsExactly(1L, 2L);
    }
  }
}
