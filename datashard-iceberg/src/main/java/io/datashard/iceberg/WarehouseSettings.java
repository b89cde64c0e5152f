package io.datashard.iceberg;

import io.datashard.Warehouse;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns catalog properties into the {@code DATASHARD_*} settings {@link Warehouse#fromEnvironment(Map)} reads, so
 * a catalog is configured exactly like the DataShard library and CLI (see {@code docs/catalog.md}):
 * <ul>
 *   <li>{@code DATASHARD_*} variables of the process environment are the base;
 *   <li>a catalog property spelled like a variable ({@code DATASHARD_S3_ENDPOINT}) overrides it;
 *   <li>{@code warehouse} ({@code /dir}, {@code file:/dir} or {@code s3://bucket/prefix}) sets the warehouse and
 *       the storage type;
 *   <li>{@code storage-type} and {@code s3.*} properties ({@code s3.endpoint}, {@code s3.path-style} ...) are the
 *       variables in property form: {@code s3.path-style} is {@code DATASHARD_S3_PATH_STYLE}.
 * </ul>
 */
final class WarehouseSettings {
  /** Catalog property naming the storage type ({@code local} or {@code s3}). */
  static final String STORAGE_TYPE = "storage-type";
  /** Catalog property: whether the process environment's {@code DATASHARD_*} variables are read (default true). */
  static final String USE_ENVIRONMENT = "datashard.use-environment";

  private WarehouseSettings() {
  }

  static Map<String, String> toEnvironment(Map<String, String> properties, Map<String, String> environment) {
    Map<String, String> env = new HashMap<>();
    if (Boolean.parseBoolean(properties.getOrDefault(USE_ENVIRONMENT, "true"))) {
      environment.forEach((k, v) -> {
        if (k.startsWith("DATASHARD_")) {
          env.put(k, v);
        }
      });
    }
    properties.forEach((k, v) -> {
      if (k.startsWith("DATASHARD_")) {
        env.put(k, v);
      } else if (k.startsWith("s3.")) {
        env.put("DATASHARD_S3_" + k.substring(3).replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT), v);
      }
    });
    String type = properties.get(STORAGE_TYPE);
    if (type != null) {
      env.put(Warehouse.ENV_STORAGE_TYPE, type);
    }
    String warehouse = properties.get(org.apache.iceberg.CatalogProperties.WAREHOUSE_LOCATION);
    if (warehouse != null && !warehouse.isBlank()) {
      if (warehouse.startsWith("s3://") || warehouse.startsWith("s3a://")) {
        env.put(Warehouse.ENV_STORAGE_TYPE, type != null ? type : "s3");
        env.remove("DATASHARD_S3_BUCKET"); // the warehouse URI names bucket and prefix
        env.remove("DATASHARD_S3_PREFIX");
        env.put(Warehouse.ENV_WAREHOUSE, warehouse);
      } else {
        env.put(Warehouse.ENV_STORAGE_TYPE, type != null ? type : "local");
        env.put(Warehouse.ENV_WAREHOUSE, warehouse.startsWith("file:")
            ? java.nio.file.Path.of(java.net.URI.create(warehouse.startsWith("file://") ? warehouse
                : "file://" + warehouse.substring(5))).toString()
            : warehouse);
      }
    }
    return env;
  }
}
