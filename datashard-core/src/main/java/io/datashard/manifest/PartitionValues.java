package io.datashard.manifest;

import io.datashard.Type;
import io.datashard.types.DateTimeUtil;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/** Conversions of partition values between their Java representation ({@link io.datashard.Types}) and Avro. */
final class PartitionValues {
  private PartitionValues() {
  }

  /**
   * @return the value in the canonical Java representation of the type (widenings such as Short to Integer
   *     applied), or null for null
   * @throws IllegalArgumentException when the value does not fit the type
   */
  static Object normalize(Type type, Object value) {
    if (value == null) {
      return null;
    }
    try {
      switch (type.id()) {
        case INT:
          return value instanceof Integer ? value : Integer.valueOf(exactInt(value));
        case LONG:
          return value instanceof Long ? value : Long.valueOf(exactLong(value));
        case DOUBLE:
          return value instanceof Float ? Double.valueOf((Float) value) : (Double) value;
        case FLOAT:
          return (Float) value;
        case BOOLEAN:
          return (Boolean) value;
        case STRING:
          return value.toString();
        case DATE:
          return (LocalDate) value;
        case TIME:
          return (LocalTime) value;
        case TIMESTAMP:
        case TIMESTAMP_NS:
          return (LocalDateTime) value;
        case TIMESTAMP_TZ:
        case TIMESTAMP_NS_TZ:
          if (value instanceof Instant) {
            return ((Instant) value).atOffset(ZoneOffset.UTC);
          }
          if (value instanceof ZonedDateTime) {
            return ((ZonedDateTime) value).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
          }
          return ((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC);
        case UUID:
          return (UUID) value;
        case FIXED:
        case BINARY: {
          ByteBuffer b = value instanceof byte[] ? ByteBuffer.wrap((byte[]) value) : (ByteBuffer) value;
          if (type.id() == Type.Id.FIXED && b.remaining() != type.length()) {
            throw new IllegalArgumentException("expected " + type.length() + " bytes, got " + b.remaining());
          }
          return b.asReadOnlyBuffer();
        }
        case DECIMAL: {
          BigDecimal scaled = ((BigDecimal) value).setScale(type.scale(), RoundingMode.UNNECESSARY);
          if (scaled.precision() > type.precision()) {
            throw new IllegalArgumentException("partition value " + value + " has more than " + type.precision()
                + " digits: it does not fit type " + type);
          }
          return scaled;
        }
        case STRUCT, LIST, MAP:
        default:
          throw new IllegalArgumentException("unsupported type " + type);
      }
    } catch (ClassCastException | ArithmeticException e) {
      throw new IllegalArgumentException("partition value " + value + " (" + value.getClass().getSimpleName()
          + ") does not fit type " + type, e);
    }
  }

  private static int exactInt(Object v) {
    if (v instanceof Short || v instanceof Byte) {
      return ((Number) v).intValue();
    }
    throw new ClassCastException("not an int");
  }

  private static long exactLong(Object v) {
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    throw new ClassCastException("not a long");
  }

  /**
   * @param type the partition field type
   * @param value a normalized, non-null value
   * @param avro the (non-union) Avro schema of the field
   * @return the datum Avro's generic writer expects
   */
  static Object toAvro(Type type, Object value, Schema avro) {
    switch (type.id()) {
      case DATE:
        return DateTimeUtil.daysFromDate((LocalDate) value);
      case TIME:
        return DateTimeUtil.microsFromTime((LocalTime) value);
      case TIMESTAMP:
        return DateTimeUtil.microsFromTimestamp((LocalDateTime) value);
      case TIMESTAMP_TZ:
        return DateTimeUtil.microsFromTimestamptz((OffsetDateTime) value);
      case TIMESTAMP_NS:
        return DateTimeUtil.nanosFromTimestamp((LocalDateTime) value);
      case TIMESTAMP_NS_TZ:
        return DateTimeUtil.nanosFromTimestamptz((OffsetDateTime) value);
      case UUID: {
        UUID u = (UUID) value;
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return new GenericData.Fixed(avro, b.array());
      }
      case FIXED: {
        ByteBuffer src = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[src.remaining()];
        src.get(bytes);
        return new GenericData.Fixed(avro, bytes);
      }
      case DECIMAL:
        return new GenericData.Fixed(avro, decimalBytes((BigDecimal) value, avro.getFixedSize()));
      case BOOLEAN, INT, LONG, FLOAT, DOUBLE, STRING, BINARY, STRUCT, LIST, MAP:
      default:
        return value;
    }
  }

  /** Big-endian two's complement of the unscaled value, sign-extended to {@code size} bytes. */
  static byte[] decimalBytes(BigDecimal value, int size) {
    byte[] unscaled = value.unscaledValue().toByteArray();
    if (unscaled.length > size) {
      throw new IllegalArgumentException("decimal " + value + " needs more than " + size + " bytes");
    }
    byte[] out = new byte[size];
    byte pad = (byte) (value.signum() < 0 ? 0xFF : 0x00);
    int offset = size - unscaled.length;
    for (int i = 0; i < offset; i++) {
      out[i] = pad;
    }
    System.arraycopy(unscaled, 0, out, offset, unscaled.length);
    return out;
  }

  /**
   * @param avro the non-null branch of a partition field's Avro schema
   * @param raw a value decoded by {@link AvroTreeReader} (never null)
   * @return the value in its Java representation, interpreted by the Avro type and logical type
   */
  static Object fromAvro(Schema avro, Object raw) {
    LogicalType logical = avro.getLogicalType();
    String logicalName = logical != null ? logical.getName() : avro.getProp(ManifestSchemas.LOGICAL_TYPE_PROP);
    switch (avro.getType()) {
      case INT:
        return "date".equals(logicalName) ? DateTimeUtil.dateFromDays((Integer) raw) : raw;
      case LONG: {
        long v = (Long) raw;
        if ("time-micros".equals(logicalName)) {
          return DateTimeUtil.timeFromMicros(v);
        }
        if ("timestamp-micros".equals(logicalName)) {
          Object adjust = avro.getObjectProp(ManifestSchemas.ADJUST_TO_UTC_PROP);
          return Boolean.TRUE.equals(adjust) ? DateTimeUtil.timestamptzFromMicros(v)
              : DateTimeUtil.timestampFromMicros(v);
        }
        if ("timestamp-nanos".equals(logicalName)) {
          Object adjust = avro.getObjectProp(ManifestSchemas.ADJUST_TO_UTC_PROP);
          return Boolean.TRUE.equals(adjust) ? DateTimeUtil.timestamptzFromNanos(v)
              : DateTimeUtil.timestampFromNanos(v);
        }
        return v;
      }
      case FIXED:
      case BYTES: {
        byte[] bytes = raw instanceof byte[] ? (byte[]) raw : toArray((ByteBuffer) raw);
        if ("uuid".equals(logicalName) && bytes.length == 16) {
          ByteBuffer b = ByteBuffer.wrap(bytes);
          return new UUID(b.getLong(0), b.getLong(8));
        }
        if (logical instanceof LogicalTypes.Decimal) {
          return new BigDecimal(new java.math.BigInteger(bytes), ((LogicalTypes.Decimal) logical).getScale());
        }
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
      }
      case STRING:
        return "uuid".equals(logicalName) ? UUID.fromString(raw.toString()) : raw.toString();
      default:
        return raw;
    }
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
