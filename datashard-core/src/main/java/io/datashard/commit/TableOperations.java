package io.datashard.commit;

import io.datashard.metadata.TableMetadata;
import io.datashard.storage.StorageBackend;

/**
 * The one seam every commit goes through: operations build new metadata on a base and hand both to
 * {@link #commit(TableMetadata, TableMetadata)}; how the new version is published is the implementation's
 * business. {@link FileTableOperations} (the default) publishes by the exclusive create of the next version file
 * in storage; a REST catalog client (module {@code datashard-rest}) asks the catalog to commit. Both give the same
 * answers, so {@link io.datashard.update.CommitLoop} and every operation work unchanged on either
 * ({@code docs/concurrency.md}, {@code docs/catalog.md}).
 *
 * <p>Implementations are thread-safe: handles may be shared.
 */
public interface TableOperations {
  /** @return the storage backend the table's data files, manifests and manifest lists are read and written with */
  StorageBackend storage();

  /** @return the table's name (for messages) */
  String tableName();

  /** @return the table's root location; data files go under {@code <location>/data}, manifests under {@code metadata} */
  String tableLocation();

  /** @return the metadata last seen by this handle, loading it on first use */
  TableMetadata current();

  /**
   * Loads the latest committed metadata.
   *
   * @return the current metadata
   * @throws io.datashard.TableNotFoundException when the table no longer exists, or is another table now
   */
  TableMetadata refresh();

  /**
   * Tries to publish {@code updated}, built on {@code base}, as the table's next version.
   *
   * @param base the version the change was built on
   * @param updated the new metadata
   * @return the committed metadata (which, for a catalog, is the catalog's answer), or null when the commit lost
   *     a race with another writer: the caller refreshes, rebuilds on the new base and tries again
   * @throws io.datashard.storage.CommitOutcomeUnknownException when it cannot be known whether the commit took
   *     effect; the caller resolves it by refreshing and looking for its change, never by guessing
   */
  TableMetadata commit(TableMetadata base, TableMetadata updated);
}
