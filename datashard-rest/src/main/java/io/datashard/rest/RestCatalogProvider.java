package io.datashard.rest;

import io.datashard.catalog.TableCatalog;
import io.datashard.catalog.TableCatalogProvider;
import java.util.Map;

/** Registers the REST catalog client with {@link io.datashard.Warehouse#rest(String, Map)}. */
public final class RestCatalogProvider implements TableCatalogProvider {
  @Override
  public String catalogType() {
    return "rest";
  }

  @Override
  public TableCatalog create(String uri, Map<String, String> options, Map<String, String> environment) {
    return new RestTableCatalog(uri, options, environment);
  }
}
