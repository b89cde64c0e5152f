package io.datashard.server;

import io.datashard.Warehouse;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.junit.jupiter.api.io.TempDir;

/** {@link ConcurrentCommitScenarios} on local disk. */
class LocalConcurrentCommitTest extends ConcurrentCommitScenarios {
  @TempDir
  Path warehouse;

  @Override
  protected Map<String, String> warehouseProperties() {
    return Map.of(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString());
  }

  @Override
  protected Warehouse libraryWarehouse(Map<String, String> props, String namespace) {
    return Warehouse.local(warehouse.resolve(namespace));
  }

  @Override
  protected int appendsPerWriter() {
    return 10;
  }
}
