package io.datashard.expressions;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link ContentStats} held in maps keyed by field id; anything not set is unknown. Filled in while it is built
 * (for example from partition values), then only read.
 */
public class MapContentStats implements ContentStats {
  private final long rows;
  protected final Map<Integer, Object> lower = new HashMap<>();
  protected final Map<Integer, Object> upper = new HashMap<>();
  protected final Map<Integer, Long> nulls = new HashMap<>();
  protected final Map<Integer, Long> nans = new HashMap<>();
  protected final Map<Integer, Long> values = new HashMap<>();

  /** @param rows the number of rows, or -1 when unknown */
  public MapContentStats(long rows) {
    this.rows = rows;
  }

  /** Sets both bounds of a column. @return this */
  public MapContentStats bounds(int fieldId, Object lowerBound, Object upperBound) {
    lower.put(fieldId, lowerBound);
    upper.put(fieldId, upperBound);
    return this;
  }

  /** Sets a column's null count. @return this */
  public MapContentStats nulls(int fieldId, long count) {
    nulls.put(fieldId, count);
    return this;
  }

  /** Sets a column's NaN count. @return this */
  public MapContentStats nans(int fieldId, long count) {
    nans.put(fieldId, count);
    return this;
  }

  /** Sets a column's value count. @return this */
  public MapContentStats values(int fieldId, long count) {
    values.put(fieldId, count);
    return this;
  }

  @Override
  public long rowCount() {
    return rows;
  }

  @Override
  public long valueCount(int fieldId) {
    return values.getOrDefault(fieldId, -1L);
  }

  @Override
  public long nullCount(int fieldId) {
    return nulls.getOrDefault(fieldId, -1L);
  }

  @Override
  public long nanCount(int fieldId) {
    return nans.getOrDefault(fieldId, -1L);
  }

  @Override
  public Object lowerBound(int fieldId) {
    return lower.get(fieldId);
  }

  @Override
  public Object upperBound(int fieldId) {
    return upper.get(fieldId);
  }
}
