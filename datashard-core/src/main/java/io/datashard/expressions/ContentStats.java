package io.datashard.expressions;

/**
 * Statistics about some rows (a data file, a Parquet row group, a manifest's partitions) that
 * {@link InclusiveMetricsEvaluator} prunes with. Every method may answer "unknown"; unknown never prunes.
 * Bounds are in the column type's Java representation and must be true bounds in {@link Comparators}'
 * order: every non-null, non-NaN value {@code v} satisfies {@code lower <= v <= upper} (truncated string
 * bounds qualify: a prefix is below every value it was cut from and an incremented prefix above).
 */
public interface ContentStats {
  /** @return the number of rows, or -1 when unknown */
  long rowCount();

  /** @return the number of values (nulls and NaN included) of a column, or -1 when unknown */
  long valueCount(int fieldId);

  /** @return the number of nulls of a column, or -1 when unknown */
  long nullCount(int fieldId);

  /** @return the number of NaN values of a float/double column, or -1 when unknown */
  long nanCount(int fieldId);

  /** @return a lower bound of the column's non-null, non-NaN values, or null when unknown */
  Object lowerBound(int fieldId);

  /** @return an upper bound of the column's non-null, non-NaN values, or null when unknown */
  Object upperBound(int fieldId);
}
