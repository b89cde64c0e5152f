/** Catalogs that keep a warehouse's tables (the REST catalog client plugs in here); see {@code docs/catalog.md}. */
package io.datashard.catalog;
