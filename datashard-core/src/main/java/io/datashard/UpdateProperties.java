package io.datashard;

/**
 * Sets and removes table properties in one commit (see {@link TableProperties} for the keys DataShard reads).
 * <pre>{@code
 * table.updateProperties().set(TableProperties.PARQUET_COMPRESSION, "snappy").remove("owner").commit();
 * }</pre>
 */
public interface UpdateProperties {
  /** Sets a property. */
  UpdateProperties set(String key, String value);

  /** Removes a property (absent keys are ignored). */
  UpdateProperties remove(String key);

  /**
   * Commits the change, retrying on a refreshed table if another writer committed first.
   *
   * @return the table's properties after the commit
   */
  java.util.Map<String, String> commit();
}
