/**
 * Catalogs that keep a warehouse's tables (the REST catalog client plugs in here); see {@code docs/catalog.md}.
 *
 * <p><b>Service-provider interface</b> for modules: {@link io.datashard.catalog.TableCatalog} and {@link io.datashard.catalog.TableCatalogProvider}. The other classes of this package are internal (docs/architecture.md, "Layers") and may change in any release.
 */
package io.datashard.catalog;
