package io.datashard.catalog;

import java.util.Map;

/**
 * Service-provider interface through which a catalog module (such as {@code datashard-rest}) is found by
 * {@link java.util.ServiceLoader}, the way {@link io.datashard.storage.StorageBackendProvider} plugs in S3.
 */
public interface TableCatalogProvider {
  /** @return the catalog type this provider makes ({@code rest}) */
  String catalogType();

  /**
   * @param uri the catalog's URI
   * @param options catalog options (for REST: {@code token}, {@code credential}, {@code warehouse}, ...)
   * @param environment {@code DATASHARD_*} settings, for the storage of the tables' data files
   * @return a connected catalog
   */
  TableCatalog create(String uri, Map<String, String> options, Map<String, String> environment);
}
