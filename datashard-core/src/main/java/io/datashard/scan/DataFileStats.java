package io.datashard.scan;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.expressions.ContentStats;
import io.datashard.metadata.Conversions;
import io.datashard.metadata.DataFile;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A data file's column statistics from its manifest entry, with bounds decoded from Iceberg's single-value
 * binary form. Bounds that fail to decode (written by a buggy writer) are treated as unknown.
 */
final class DataFileStats implements ContentStats {
  private final DataFile file;
  private final Schema schema;

  DataFileStats(DataFile file, Schema schema) {
    this.file = file;
    this.schema = schema;
  }

  @Override
  public long rowCount() {
    return file.recordCount();
  }

  @Override
  public long valueCount(int fieldId) {
    return count(file.valueCounts(), fieldId);
  }

  @Override
  public long nullCount(int fieldId) {
    return count(file.nullValueCounts(), fieldId);
  }

  @Override
  public long nanCount(int fieldId) {
    return count(file.nanValueCounts(), fieldId);
  }

  @Override
  public Object lowerBound(int fieldId) {
    return decode(file.lowerBound(fieldId), fieldId);
  }

  @Override
  public Object upperBound(int fieldId) {
    return decode(file.upperBound(fieldId), fieldId);
  }

  private static long count(Map<Integer, Long> counts, int fieldId) {
    if (counts == null) {
      return -1;
    }
    Long n = counts.get(fieldId);
    return n == null || n < 0 ? -1 : n;
  }

  private Object decode(ByteBuffer b, int fieldId) {
    Field f = schema.findField(fieldId);
    if (b == null || f == null) {
      return null;
    }
    try {
      return Conversions.fromByteBuffer(f.type(), b);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
