package io.datashard.expressions;

import io.datashard.Field;
import io.datashard.Type;
import io.datashard.ValidationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Converts a literal given by a user to the Java representation of a column type.
 *
 * <table>
 *   <caption>Accepted literals per column type</caption>
 *   <tr><th>column</th><th>literal</th></tr>
 *   <tr><td>boolean</td><td>Boolean, "true"/"false"</td></tr>
 *   <tr><td>int / long</td><td>Byte, Short, Integer, Long, BigInteger, integral BigDecimal, decimal string; must be in range</td></tr>
 *   <tr><td>float / double</td><td>any Number (rounded to the nearest float/double), numeric string; not NaN</td></tr>
 *   <tr><td>decimal</td><td>BigDecimal, integral Number, numeric string (any scale: compared numerically)</td></tr>
 *   <tr><td>date / time / timestamp</td><td>LocalDate / LocalTime / LocalDateTime, or ISO-8601 string</td></tr>
 *   <tr><td>timestamptz</td><td>OffsetDateTime, Instant, ZonedDateTime, or ISO-8601 string with offset</td></tr>
 *   <tr><td>string</td><td>CharSequence, Character</td></tr>
 *   <tr><td>uuid</td><td>UUID, UUID string</td></tr>
 *   <tr><td>fixed[L] / binary</td><td>ByteBuffer, byte[] (fixed: exactly L bytes)</td></tr>
 * </table>
 */
final class Literals {
  private Literals() {
  }

  static Object convert(Field field, Object value, String expression) {
    if (value == null) {
      throw new ValidationException("cannot compare column '" + field.name() + "' with null in " + expression
          + ": a comparison with null never matches; use isNull/notNull");
    }
    Type type = field.type();
    Object out;
    try {
      out = convert(type, value);
    } catch (ArithmeticException | NumberFormatException | DateTimeParseException | ClassCastException e) {
      out = null;
    } catch (IllegalArgumentException e) {
      throw new ValidationException("cannot use " + describe(value) + " as a " + type + " value for column '"
          + field.name() + "' in " + expression + ": " + e.getMessage(), e);
    }
    if (out == null) {
      throw new ValidationException("cannot use " + describe(value) + " as a " + type + " value for column '"
          + field.name() + "' in " + expression);
    }
    if ((out instanceof Double && ((Double) out).isNaN()) || (out instanceof Float && ((Float) out).isNaN())) {
      throw new ValidationException("cannot compare column '" + field.name() + "' with NaN in " + expression
          + "; use isNaN/notNaN");
    }
    return out;
  }

  private static String describe(Object value) {
    return value.getClass().getSimpleName() + " " + Predicates.lit(value);
  }

  /** @return the converted value, or null when the value cannot represent a value of the type */
  private static Object convert(Type type, Object v) {
    switch (type.id()) {
      case BOOLEAN:
        if (v instanceof Boolean) {
          return v;
        }
        if (v instanceof String) {
          String s = ((String) v).trim();
          return s.equalsIgnoreCase("true") ? Boolean.TRUE : s.equalsIgnoreCase("false") ? Boolean.FALSE : null;
        }
        return null;
      case INT: {
        BigInteger i = integral(v);
        return i == null ? null : (Integer) i.intValueExact();
      }
      case LONG: {
        BigInteger i = integral(v);
        return i == null ? null : (Long) i.longValueExact();
      }
      case FLOAT: {
        Double d = floating(v);
        return d == null ? null : (Float) d.floatValue();
      }
      case DOUBLE:
        return floating(v);
      case DECIMAL: {
        BigDecimal d = decimal(v);
        if (d == null) {
          return null;
        }
        // Rescale exactly when possible so equal values are equal; otherwise keep the value: compared
        // numerically it still matches exactly the right rows (none, for equality). Values with more integer
        // digits than the type holds, or more fraction digits than its scale, are kept as they are: rescaling
        // "1e999999999" would expand a billion digits.
        BigDecimal stripped = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        if (stripped.scale() > type.scale() || (long) stripped.precision() - stripped.scale() > type.precision()) {
          return d;
        }
        return stripped.setScale(type.scale());
      }
      case DATE:
        return v instanceof LocalDate ? v : v instanceof String ? LocalDate.parse(((String) v).trim()) : null;
      case TIME:
        return v instanceof LocalTime ? v : v instanceof String ? LocalTime.parse(((String) v).trim()) : null;
      case TIMESTAMP:
        return v instanceof LocalDateTime ? v
            : v instanceof String ? TimeText.timestamp((String) v) : null;
      case TIMESTAMP_NS:
        return v instanceof LocalDateTime ? v
            : v instanceof String ? TimeText.timestampNanos((String) v) : null;
      case TIMESTAMP_NS_TZ:
        if (v instanceof String) {
          return TimeText.timestampTzNanos((String) v);
        }
        return v instanceof OffsetDateTime || v instanceof Instant || v instanceof ZonedDateTime
            ? utc(v) : null;
      case TIMESTAMP_TZ:
        if (v instanceof String) {
          return TimeText.timestampTz((String) v);
        }
        return v instanceof OffsetDateTime || v instanceof Instant || v instanceof ZonedDateTime ? utc(v) : null;
      case STRING:
        return v instanceof CharSequence || v instanceof Character ? v.toString() : null;
      case UUID:
        return v instanceof UUID ? v : v instanceof String ? UUID.fromString(((String) v).trim()) : null;
      case FIXED:
      case BINARY: {
        ByteBuffer b = bytes(v);
        if (b == null) {
          return null;
        }
        if (type.id() == Type.Id.FIXED && b.remaining() != type.length()) {
          throw new IllegalArgumentException("expected exactly " + type.length() + " bytes, got " + b.remaining());
        }
        return b;
      }
      case STRUCT, LIST, MAP:
      default:
        return null;
    }
  }

  private static BigInteger integral(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return BigInteger.valueOf(((Number) v).longValue());
    }
    if (v instanceof BigInteger) {
      return (BigInteger) v;
    }
    BigDecimal d = v instanceof BigDecimal ? (BigDecimal) v : v instanceof String ? new BigDecimal(((String) v).trim())
        : null;
    if (d == null) {
      return null;
    }
    // More than 19 integer digits never fits a long; check before expanding, since "1e999999999" would take a
    // billion digits. A huge negative scale with a zero value ("0e999999999") is still zero.
    BigDecimal stripped = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    if (stripped.scale() > 0 || (long) stripped.precision() - stripped.scale() > 19) {
      throw new ArithmeticException("not an integer in range");
    }
    return stripped.toBigIntegerExact();
  }

  private static Double floating(Object v) {
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof String) {
      return Double.parseDouble(((String) v).trim());
    }
    return null;
  }

  private static BigDecimal decimal(Object v) {
    if (v instanceof BigDecimal) {
      return (BigDecimal) v;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return BigDecimal.valueOf(((Number) v).longValue());
    }
    if (v instanceof BigInteger) {
      return new BigDecimal((BigInteger) v);
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
    }
    if (v instanceof String) {
      return new BigDecimal(((String) v).trim());
    }
    return null;
  }

  private static ByteBuffer bytes(Object v) {
    if (v instanceof ByteBuffer) {
      ByteBuffer src = ((ByteBuffer) v).duplicate();
      ByteBuffer copy = ByteBuffer.allocate(src.remaining());
      copy.put(src).flip();
      return copy.asReadOnlyBuffer();
    }
    if (v instanceof byte[]) {
      return ByteBuffer.wrap(((byte[]) v).clone()).asReadOnlyBuffer();
    }
    return null;
  }

  private static OffsetDateTime utc(Object v) {
    if (v instanceof Instant i) {
      return i.atOffset(ZoneOffset.UTC);
    }
    OffsetDateTime o = v instanceof ZonedDateTime z ? z.toOffsetDateTime() : (OffsetDateTime) v;
    return o.withOffsetSameInstant(ZoneOffset.UTC);
  }
}
