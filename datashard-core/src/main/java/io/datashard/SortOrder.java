package io.datashard;

import java.util.List;
import java.util.Objects;

/**
 * How rows of data files are ordered, as recorded in the table metadata ({@code sort-orders}). Writers may use
 * it; DataShard's compaction sorts by the table's default order when no explicit sort is given. Order id 0 is
 * the unsorted order. Immutable.
 *
 * @param orderId the order's id in the table metadata
 * @param fields the sort keys, most significant first (empty: unsorted)
 */
public record SortOrder(int orderId, List<SortField> fields) {
  /** The unsorted order (id 0, no fields). */
  public static final SortOrder UNSORTED = new SortOrder(0, List.of());

  public SortOrder {
    fields = List.copyOf(fields);
    if (orderId == 0 && !fields.isEmpty()) {
      throw new ValidationException("sort order id 0 is reserved for the unsorted order");
    }
  }

  public boolean isUnsorted() {
    return fields.isEmpty();
  }

  /** @return true when both have the same fields in the same order (ids aside) */
  public boolean sameOrderAs(SortOrder other) {
    return fields.equals(other.fields);
  }

  /** Ascending or descending. */
  public enum Direction {
    ASC, DESC;

    /** @return the spec's spelling */
    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Where nulls go. */
  public enum NullOrder {
    NULLS_FIRST, NULLS_LAST;

    /** @return the spec's spelling ({@code nulls-first}, {@code nulls-last}) */
    public String jsonName() {
      return this == NULLS_FIRST ? "nulls-first" : "nulls-last";
    }
  }

  /**
   * One sort key.
   *
   * @param transform the transform applied to the source column ({@code identity}, {@code day}, {@code bucket[16]}, ...)
   * @param sourceId the source column's field id
   * @param direction ascending or descending
   * @param nullOrder where nulls go
   */
  public record SortField(String transform, int sourceId, Direction direction, NullOrder nullOrder) {
    public SortField {
      Objects.requireNonNull(transform, "transform");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(nullOrder, "nullOrder");
    }
  }
}
