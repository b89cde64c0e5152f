package io.datashard.metadata;

import io.datashard.Type;
import io.datashard.types.DateTimeUtil;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The Iceberg spec's single-value binary serialization (Appendix D), used for column bounds and partition
 * summaries. Values are in the Java representation documented in {@link io.datashard.Types}.
 */
public final class Conversions {
  private Conversions() {
  }

  /**
   * @param type the column type
   * @param value a non-null value in the type's Java representation
   * @return the serialized bytes (a fresh buffer positioned at 0)
   */
  public static ByteBuffer toByteBuffer(Type type, Object value) {
    switch (type.id()) {
      case BOOLEAN:
        return ByteBuffer.wrap(new byte[] {(byte) (((Boolean) value) ? 1 : 0)});
      case INT:
        return le(4).putInt(0, (Integer) value);
      case DATE:
        return le(4).putInt(0, DateTimeUtil.daysFromDate((LocalDate) value));
      case LONG:
        return le(8).putLong(0, (Long) value);
      case TIME:
        return le(8).putLong(0, DateTimeUtil.microsFromTime((LocalTime) value));
      case TIMESTAMP:
        return le(8).putLong(0, DateTimeUtil.microsFromTimestamp((LocalDateTime) value));
      case TIMESTAMP_TZ:
        return le(8).putLong(0, DateTimeUtil.microsFromTimestamptz((OffsetDateTime) value));
      case TIMESTAMP_NS:
        return le(8).putLong(0, DateTimeUtil.nanosFromTimestamp((LocalDateTime) value));
      case TIMESTAMP_NS_TZ:
        return le(8).putLong(0, DateTimeUtil.nanosFromTimestamptz((OffsetDateTime) value));
      case FLOAT:
        return le(4).putFloat(0, (Float) value);
      case DOUBLE:
        return le(8).putDouble(0, (Double) value);
      case STRING:
        return ByteBuffer.wrap(value.toString().getBytes(StandardCharsets.UTF_8));
      case UUID: {
        UUID u = (UUID) value;
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        b.putLong(0, u.getMostSignificantBits());
        b.putLong(8, u.getLeastSignificantBits());
        return b;
      }
      case FIXED:
      case BINARY: {
        ByteBuffer src = ((ByteBuffer) value).duplicate();
        ByteBuffer copy = ByteBuffer.allocate(src.remaining());
        copy.put(src);
        copy.flip();
        return copy;
      }
      case DECIMAL:
        return ByteBuffer.wrap(((BigDecimal) value).unscaledValue().toByteArray());
      case STRUCT, LIST, MAP:
      default:
        throw new IllegalArgumentException("cannot serialize type " + type);
    }
  }

  /**
   * @param type the column type
   * @param bytes serialized value (not consumed)
   * @return the value in the type's Java representation
   */
  public static Object fromByteBuffer(Type type, ByteBuffer bytes) {
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    switch (type.id()) {
      case BOOLEAN:
        return b.get(b.position()) != 0;
      case INT:
        return b.getInt(b.position());
      case DATE:
        return DateTimeUtil.dateFromDays(b.getInt(b.position()));
      case LONG:
        // Iceberg allows an int bound to stand for a long column after promotion.
        return b.remaining() == 4 ? (long) b.getInt(b.position()) : b.getLong(b.position());
      case TIME:
        return DateTimeUtil.timeFromMicros(b.getLong(b.position()));
      case TIMESTAMP:
        return DateTimeUtil.timestampFromMicros(b.getLong(b.position()));
      case TIMESTAMP_TZ:
        return DateTimeUtil.timestamptzFromMicros(b.getLong(b.position()));
      case TIMESTAMP_NS:
        // a 4-byte bound is a date before promotion (the spec's inference table)
        return b.remaining() == 4 ? DateTimeUtil.dateFromDays(b.getInt(b.position())).atStartOfDay()
            : DateTimeUtil.timestampFromNanos(b.getLong(b.position()));
      case TIMESTAMP_NS_TZ:
        return DateTimeUtil.timestamptzFromNanos(b.getLong(b.position()));
      case FLOAT:
        return b.getFloat(b.position());
      case DOUBLE:
        return b.remaining() == 4 ? (double) b.getFloat(b.position()) : b.getDouble(b.position());
      case STRING:
        return StandardCharsets.UTF_8.decode(b).toString();
      case UUID: {
        ByteBuffer be = b.order(ByteOrder.BIG_ENDIAN);
        return new UUID(be.getLong(be.position()), be.getLong(be.position() + 8));
      }
      case FIXED:
      case BINARY: {
        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
        copy.put(b);
        copy.flip();
        return copy.asReadOnlyBuffer();
      }
      case DECIMAL: {
        byte[] raw = new byte[b.remaining()];
        b.get(raw);
        return new BigDecimal(new BigInteger(raw), type.scale());
      }
      case STRUCT, LIST, MAP:
      default:
        throw new IllegalArgumentException("cannot deserialize type " + type);
    }
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
