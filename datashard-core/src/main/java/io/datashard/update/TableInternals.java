package io.datashard.update;

import io.datashard.Table;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.manifest.TableFiles;
import io.datashard.metadata.TableMetadata;

/**
 * What DataShard's own maintenance, tools and tests need of a table beyond the public {@link Table} API: its commit
 * protocol and its file layout. Internal: code outside the library uses {@link Table}. Every table handle the
 * library returns implements it; code below the {@code table} package reaches a handle's internals through this
 * interface instead of the implementation class, so that dependencies keep pointing one way (docs/architecture.md,
 * "Layers").
 */
public interface TableInternals {
  /** @return the commit protocol operations of this handle */
  TableOperations operations();

  /** @return the file layout of this table */
  TableFiles files();

  /** @return the metadata version this handle last saw */
  default TableMetadata metadata() {
    return operations().current();
  }

  /**
   * @param table a table handle returned by the library
   * @return its internals
   * @throws ValidationException when the handle is not one the library made (a user's own {@code Table})
   */
  static TableInternals of(Table table) {
    if (table instanceof TableInternals internals) {
      return internals;
    }
    throw new ValidationException("table " + table.name() + " is not a DataShard table handle ("
        + table.getClass().getName() + "); use one returned by Warehouse.loadTable or createTable");
  }
}
