package io.datashard;

/**
 * Sets the table's default sort order, committed by {@link #commit()}:
 * <pre>{@code table.replaceSortOrder().asc("event").desc("ts", SortOrder.NullOrder.NULLS_LAST).commit();}</pre>
 * With no column, the table becomes unsorted. Compaction ({@link Table#rewriteDataFiles()}) sorts by this order
 * when no explicit sort is given; other engines read it from the metadata.
 */
public interface ReplaceSortOrder {
  /** Adds an ascending key, nulls first (Iceberg's default for ascending). */
  ReplaceSortOrder asc(String column);

  /** Adds an ascending key with the given null order. */
  ReplaceSortOrder asc(String column, SortOrder.NullOrder nullOrder);

  /** Adds a descending key, nulls last (Iceberg's default for descending). */
  ReplaceSortOrder desc(String column);

  /** Adds a descending key with the given null order. */
  ReplaceSortOrder desc(String column, SortOrder.NullOrder nullOrder);

  /**
   * @return the committed default order (with its id)
   * @throws ValidationException when a column does not exist
   */
  SortOrder commit();
}
