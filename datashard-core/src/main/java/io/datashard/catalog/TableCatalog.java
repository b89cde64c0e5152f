package io.datashard.catalog;

import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.commit.TableOperations;
import java.util.List;
import java.util.Map;

/**
 * A catalog that keeps the tables of a {@link io.datashard.Warehouse} instead of the files alone: an Iceberg REST
 * catalog (module {@code datashard-rest}). Each table it returns commits through its own {@link TableOperations}.
 * Plugged in by a {@link TableCatalogProvider}; see {@code docs/catalog.md}.
 */
public interface TableCatalog extends AutoCloseable {
  /**
   * Creates a table. Atomic in the catalog: of several creations of one name exactly one succeeds.
   *
   * @param name the table's name, with namespaces separated by dots ({@code sales.orders})
   * @return the new table's operations, or null when the name is taken
   */
  TableOperations create(String name, Schema schema, PartitionSpec spec, Map<String, String> properties);

  /**
   * @return the table's operations, its metadata loaded
   * @throws io.datashard.TableNotFoundException when there is no such table
   */
  TableOperations load(String name);

  /** @return whether the table exists */
  boolean exists(String name);

  /** @return the names of the tables (with their namespaces), sorted */
  List<String> list();

  /**
   * Drops a table and asks the catalog to purge its files.
   *
   * @return true when the table existed
   */
  boolean drop(String name);

  /** @return a description of the catalog for messages and {@code toString} (never a secret) */
  String location();

  @Override
  void close();
}
