package io.datashard.parquet;

import io.datashard.Type;
import io.datashard.types.DateTimeUtil;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.apache.parquet.io.api.Binary;

/**
 * Parquet column statistics as DataShard values: one conversion for the bounds written into manifests
 * ({@link FileMetrics}) and the row-group pruning of scans.
 */
public final class ParquetStatistics {
  private ParquetStatistics() {
  }

  /**
   * @param type the table type of the column
   * @param v a Parquet statistics value ({@code Statistics.genericGetMin/Max}) of a column of that type, or of a
   *     narrower one it was promoted from (an int column read as long)
   * @return the value in DataShard's Java form for the type; null when the statistics cannot be used as a bound
   *     (floating point, nested types, a string bound cut inside a character)
   */
  public static Object toJava(Type type, Object v) {
    switch (type.id()) {
      case BOOLEAN:
      case INT:
        return v;
      case LONG:
        return v instanceof Integer ? (Object) ((Integer) v).longValue() : v;
      case DATE:
        return DateTimeUtil.dateFromDays((Integer) v);
      case TIME:
        return DateTimeUtil.timeFromMicros((Long) v);
      case TIMESTAMP:
        return DateTimeUtil.timestampFromMicros((Long) v);
      case TIMESTAMP_TZ:
        return DateTimeUtil.timestamptzFromMicros((Long) v);
      case TIMESTAMP_NS:
        return DateTimeUtil.timestampFromNanos((Long) v);
      case TIMESTAMP_NS_TZ:
        return DateTimeUtil.timestamptzFromNanos((Long) v);
      case STRING: {
        String str = ((Binary) v).toStringUsingUTF8();
        return str.indexOf('\uFFFD') >= 0 ? null : str; // invalid UTF-8 (a bound cut mid-character): unknown
      }
      case BINARY:
      case FIXED:
        return ByteBuffer.wrap(((Binary) v).getBytes()).asReadOnlyBuffer();
      case UUID: {
        ByteBuffer b = ((Binary) v).toByteBuffer();
        return new UUID(b.getLong(b.position()), b.getLong(b.position() + 8));
      }
      case DECIMAL:
        if (v instanceof Integer) {
          return BigDecimal.valueOf((Integer) v, type.scale());
        }
        if (v instanceof Long) {
          return BigDecimal.valueOf((Long) v, type.scale());
        }
        return new BigDecimal(new BigInteger(((Binary) v).getBytes()), type.scale());
      case FLOAT, DOUBLE, STRUCT, LIST, MAP:
      default:
        return null;
    }
  }
}
