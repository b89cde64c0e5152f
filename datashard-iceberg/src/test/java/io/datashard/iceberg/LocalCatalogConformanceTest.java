package io.datashard.iceberg;

import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.junit.jupiter.api.io.TempDir;

/** Apache Iceberg's catalog conformance suite against {@link DataShardCatalog} on local disk. */
class LocalCatalogConformanceTest extends CatalogConformance {
  @TempDir
  Path warehouse;

  @Override
  protected Map<String, String> warehouseProperties() {
    return Map.of(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString());
  }
}
