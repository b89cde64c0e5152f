package io.datashard.cli;

import io.datashard.Field;
import io.datashard.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;

/**
 * Converts values read from CSV, JSON Lines or Parquet files to the Java values of a column's type, with an
 * error that names the value, the type and the column when it does not fit.
 */
final class Values {
  private Values() {
  }

  /** Thrown with a message naming the value and the target type; the caller adds file, line and column. */
  static final class ConversionException extends RuntimeException {
    ConversionException(String message) {
      super(message);
    }
  }

  /**
   * @param field the column
   * @param raw a String (CSV), a Number/Boolean/String (JSON), or a Java value read from Parquet; null for missing
   * @return the value for the column's type, or null
   * @throws ConversionException when the value does not fit
   */
  static Object convert(Field field, Object raw) {
    if (raw == null) {
      return null;
    }
    Type type = field.type();
    try {
      Object v = raw instanceof String ? fromString(type, (String) raw) : fromObject(type, raw);
      if (v == null) {
        throw fail(raw, type, null);
      }
      return v;
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw fail(raw, type, null);
    } catch (IllegalArgumentException | io.datashard.ValidationException e) {
      throw fail(raw, type, e.getMessage());
    }
  }

  private static ConversionException fail(Object raw, Type type, String why) {
    String shown = raw instanceof String ? "'" + abbreviate((String) raw) + "'" : abbreviate(String.valueOf(raw));
    return new ConversionException("cannot convert " + shown + " to " + type + hint(type)
        + (why == null ? "" : " (" + why + ")"));
  }

  private static String hint(Type type) {
    switch (type.id()) {
      case BOOLEAN: return " (expected true/false)";
      case DATE: return " (expected yyyy-mm-dd)";
      case TIME: return " (expected hh:mm[:ss[.f]])";
      case TIMESTAMP, TIMESTAMP_NS: return " (expected yyyy-mm-dd[Thh:mm[:ss[.f]]])";
      case TIMESTAMP_TZ, TIMESTAMP_NS_TZ: return " (expected yyyy-mm-dd[Thh:mm[:ss[.f]]][Z or +hh:mm]; no offset means UTC)";
      case UUID: return " (expected a UUID)";
      case BINARY: case FIXED: return " (expected base64)";
      case INT, LONG, FLOAT, DOUBLE, DECIMAL, STRING, STRUCT, LIST, MAP:
      default: return "";
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private static Object fromString(Type type, String raw) {
    String s = type.id() == Type.Id.STRING ? raw : raw.trim();
    switch (type.id()) {
      case STRING:
        return s;
      case BOOLEAN:
        switch (s.toLowerCase(Locale.ROOT)) {
          case "true": case "t": case "yes": case "1": return Boolean.TRUE;
          case "false": case "f": case "no": case "0": return Boolean.FALSE;
          default: return null;
        }
      case INT:
        return Integer.parseInt(s);
      case LONG:
        return Long.parseLong(s);
      case FLOAT:
        return Float.parseFloat(s);
      case DOUBLE:
        return Double.parseDouble(s);
      case DECIMAL:
        return decimal(type, new BigDecimal(s));
      case DATE:
        return LocalDate.parse(s);
      case TIME:
        return LocalTime.parse(s);
      case TIMESTAMP:
        return io.datashard.expressions.TimeText.timestamp(s);
      case TIMESTAMP_TZ:
        return io.datashard.expressions.TimeText.timestampTz(s);
      case TIMESTAMP_NS:
        return io.datashard.expressions.TimeText.timestampNanos(s);
      case TIMESTAMP_NS_TZ:
        return io.datashard.expressions.TimeText.timestampTzNanos(s);
      case UUID:
        return UUID.fromString(s);
      case BINARY:
        return Base64.getDecoder().decode(s);
      case FIXED: {
        byte[] b = Base64.getDecoder().decode(s);
        if (b.length != type.length()) {
          throw new IllegalArgumentException(b.length + " bytes, the type holds exactly " + type.length());
        }
        return b;
      }
      case STRUCT, LIST, MAP:
      default:
        return null;
    }
  }

  private static Object fromObject(Type type, Object v) {
    switch (type.id()) {
      case STRING:
        return v instanceof CharSequence ? v.toString() : null;
      case BOOLEAN:
        return v instanceof Boolean ? v : null;
      case INT:
        return v instanceof Number ? exactInteger((Number) v).intValueExact() : null;
      case LONG:
        return v instanceof Number ? exactInteger((Number) v).longValueExact() : null;
      case FLOAT:
        return v instanceof Number ? ((Number) v).floatValue() : null;
      case DOUBLE:
        return v instanceof Number ? ((Number) v).doubleValue() : null;
      case DECIMAL:
        return v instanceof Number ? decimal(type, v instanceof BigDecimal ? (BigDecimal) v
            : new BigDecimal(v.toString())) : null;
      case DATE:
        return v instanceof LocalDate ? v : null;
      case TIME:
        return v instanceof LocalTime ? v : null;
      case TIMESTAMP:
      case TIMESTAMP_NS:
        return v instanceof LocalDateTime ? v : null;
      case TIMESTAMP_TZ:
      case TIMESTAMP_NS_TZ:
        if (v instanceof OffsetDateTime) {
          return v;
        }
        return v instanceof Instant ? ((Instant) v).atOffset(ZoneOffset.UTC) : null;
      case UUID:
        return v instanceof UUID ? v : null;
      case BINARY: case FIXED:
        if (v instanceof byte[] || v instanceof ByteBuffer) {
          return v;
        }
        return null;
      case STRUCT, LIST, MAP:
      default:
        return null;
    }
  }

  private static BigInteger exactInteger(Number n) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return BigInteger.valueOf(n.longValue());
    }
    if (n instanceof BigInteger) {
      return (BigInteger) n;
    }
    return new BigDecimal(n.toString()).toBigIntegerExact();
  }

  private static BigDecimal decimal(Type type, BigDecimal d) {
    BigDecimal plain = d.stripTrailingZeros();
    if (plain.scale() > type.scale()) {
      throw new IllegalArgumentException("scale " + plain.scale() + " > " + type.scale() + ": " + plain.scale()
          + " digits after the point, the column keeps " + type.scale() + "; round the value or widen the column");
    }
    BigDecimal scaled = d.setScale(type.scale(), RoundingMode.UNNECESSARY);
    if (scaled.precision() > type.precision()) {
      throw new IllegalArgumentException("precision " + scaled.precision() + " > " + type.precision() + ": "
          + (scaled.precision() - type.scale()) + " digits before the point, the column holds "
          + (type.precision() - type.scale()));
    }
    return scaled;
  }
}
