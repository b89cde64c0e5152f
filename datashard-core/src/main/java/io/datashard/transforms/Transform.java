package io.datashard.transforms;

import io.datashard.Type;

/**
 * An Iceberg partition transform: derives a partition value from a source column value. Implementations are
 * immutable; {@link #toString()} is the transform's name as written in metadata ({@code day},
 * {@code bucket[16]}, ...).
 */
public interface Transform {

  /**
   * @param value a non-null source value in the Java representation of {@link io.datashard.Types}
   * @return the partition value (null in, null out is handled by the caller)
   */
  Object apply(Object value);

  /** @return the type of the partition values this transform produces from {@code sourceType} */
  Type resultType(Type sourceType);

  /** @return whether the transform can be applied to columns of that type */
  boolean canTransform(Type sourceType);

  /**
   * @param partitionValue a value produced by this transform (may be null)
   * @return its human-readable form used in data file paths ({@code 2024-03-05}, {@code 7}, ...)
   */
  String toHumanString(Object partitionValue);

  /** @return whether source-value order is preserved (lets range predicates prune by partition) */
  boolean preservesOrder();

  /**
   * The range of source values that map to a partition value, used to prune by partition.
   *
   * @param sourceType the source column's type
   * @param partitionValue a non-null value this transform produced
   * @return {lower, upper} inclusive bounds in the source's Java representation (upper may be null when
   *     unbounded), or null when the transform says nothing about order (bucket, void)
   */
  default Object[] sourceRange(Type sourceType, Object partitionValue) {
    return null;
  }
}
