package io.datashard.server;

import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.junit.jupiter.api.io.TempDir;

/** Apache Iceberg's catalog conformance suite through the REST server, on local disk. */
class LocalRestConformanceTest extends RestConformance {
  @TempDir
  Path warehouse;

  @Override
  protected Map<String, String> warehouseProperties() {
    return Map.of(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString());
  }
}
