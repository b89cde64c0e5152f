package io.datashard.records;

import io.datashard.Field;
import io.datashard.Record;
import io.datashard.RecordValidationException;
import io.datashard.Schema;
import io.datashard.Type;
import io.datashard.Types;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * Checks user records against a schema and converts them to rows (values in schema order, in the canonical
 * Java representation of {@link Types}) before anything is written.
 *
 * <p>Rejected, with a {@link RecordValidationException} naming the record index and the field: unknown
 * fields, missing or null required fields, values of the wrong Java type (only the widenings documented in
 * {@link Types} are applied), decimals that do not fit, fixed values of the wrong length, and records that are not
 * maps. Time and timestamp values are stored in microseconds, as Apache Iceberg stores them: finer digits (an
 * {@code Instant.now()} carries nanoseconds on most systems) are truncated, not refused.
 */
public final class RecordValidator {
  private final Schema schema;

  public RecordValidator(Schema schema) {
    this.schema = schema;
  }

  public Schema schema() {
    return schema;
  }

  /**
   * @param record a {@code Map<String, ?>} (a {@link Record} is one)
   * @param index the record's position in its append, for error messages
   * @return the values in schema order
   */
  public Object[] toRow(Object record, long index) {
    if (record instanceof Record && ((Record) record).schema().sameFieldsAs(schema)) {
      return fromRecord((Record) record, index); // positional: no name lookups
    }
    if (!(record instanceof Map)) {
      throw new RecordValidationException(index, null, "expected a Map<String, ?> or Record, got "
          + (record == null ? "null" : record.getClass().getName()));
    }
    Map<?, ?> map = (Map<?, ?>) record;
    Object[] row = new Object[schema.size()];
    int matched = 0;
    for (int i = 0; i < row.length; i++) {
      Field f = schema.field(i);
      Object v = map.get(f.name());
      if (v == null) {
        if (f.isRequired()) {
          throw new RecordValidationException(index, f.name(),
              map.containsKey(f.name()) ? "null value for required field" : "missing required field");
        }
        if (map.containsKey(f.name())) {
          matched++;
        }
        continue;
      }
      matched++;
      row[i] = convert(f, v, index);
    }
    if (matched != map.size()) {
      for (Object key : map.keySet()) {
        if (!(key instanceof String) || schema.findField((String) key) == null) {
          throw new RecordValidationException(index, String.valueOf(key),
              "unknown field; table columns are " + schema.columnNames());
        }
      }
    }
    return row;
  }

  private Object[] fromRecord(Record r, long index) {
    Object[] row = r.toArray();
    for (int i = 0; i < row.length; i++) {
      Field f = schema.field(i);
      if (row[i] == null) {
        if (f.isRequired()) {
          throw new RecordValidationException(index, f.name(), "null value for required field");
        }
      } else {
        row[i] = convert(f, row[i], index);
      }
    }
    return row;
  }

  /** @return the value converted to the field type's canonical Java representation */
  static Object convert(Field f, Object v, long index) {
    Type t = f.type();
    switch (t.id()) {
      case BOOLEAN:
        if (v instanceof Boolean) {
          return v;
        }
        break;
      case INT:
        if (v instanceof Integer) {
          return v;
        }
        if (v instanceof Short || v instanceof Byte) {
          return ((Number) v).intValue();
        }
        break;
      case LONG:
        if (v instanceof Long) {
          return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
          return ((Number) v).longValue();
        }
        break;
      case FLOAT:
        if (v instanceof Float) {
          return v;
        }
        break;
      case DOUBLE:
        if (v instanceof Double) {
          return v;
        }
        if (v instanceof Float) {
          return ((Float) v).doubleValue();
        }
        break;
      case DECIMAL:
        if (v instanceof BigDecimal) {
          return decimal(f, (BigDecimal) v, index);
        }
        break;
      case DATE:
        if (v instanceof LocalDate) {
          return v;
        }
        break;
      case TIME:
        if (v instanceof LocalTime) {
          return ((LocalTime) v).truncatedTo(ChronoUnit.MICROS);
        }
        break;
      case TIMESTAMP:
        if (v instanceof LocalDateTime) {
          return ((LocalDateTime) v).truncatedTo(ChronoUnit.MICROS);
        }
        break;
      case TIMESTAMP_TZ:
        if (v instanceof OffsetDateTime) {
          OffsetDateTime odt = ((OffsetDateTime) v).truncatedTo(ChronoUnit.MICROS);
          return odt.getOffset().equals(ZoneOffset.UTC) ? odt : odt.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (v instanceof Instant) {
          return ((Instant) v).truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
        }
        if (v instanceof ZonedDateTime) {
          return ((ZonedDateTime) v).truncatedTo(ChronoUnit.MICROS).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
        }
        break;
      case STRING:
        if (v instanceof String) {
          checkWellFormed(f, (String) v, index);
          return v;
        }
        break;
      case UUID:
        if (v instanceof UUID) {
          return v;
        }
        break;
      case FIXED: {
        ByteBuffer b = bytes(v);
        if (b != null) {
          if (b.remaining() != t.length()) {
            throw new RecordValidationException(index, f.name(),
                "fixed[" + t.length() + "] value has " + b.remaining() + " bytes");
          }
          return b;
        }
        break;
      }
      case BINARY: {
        ByteBuffer b = bytes(v);
        if (b != null) {
          return b;
        }
        break;
      }
      default:
        break;
    }
    throw new RecordValidationException(index, f.name(), "expected " + expected(t) + " for type " + t + ", got "
        + v.getClass().getName() + (v instanceof CharSequence || v instanceof Number ? " (" + abbreviate(v) + ")" : ""));
  }

  /**
   * A lone UTF-16 surrogate has no UTF-8 form: written as is, it would silently become '?'. Refuse it instead.
   */
  private static void checkWellFormed(Field f, String s, long index) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new RecordValidationException(index, f.name(), String.format("string has an unpaired UTF-16 surrogate"
            + " \\u%04x at index %d, which UTF-8 cannot store", (int) c, i));
      }
    }
  }

  private static String abbreviate(Object v) {
    String s = String.valueOf(v);
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static ByteBuffer bytes(Object v) {
    if (v instanceof byte[]) {
      byte[] b = (byte[]) v;
      return ByteBuffer.wrap(b.clone()).asReadOnlyBuffer();
    }
    if (v instanceof ByteBuffer) {
      ByteBuffer src = ((ByteBuffer) v).duplicate();
      ByteBuffer copy = ByteBuffer.allocate(src.remaining());
      copy.put(src).flip();
      return copy.asReadOnlyBuffer();
    }
    return null;
  }

  private static BigDecimal decimal(Field f, BigDecimal d, long index) {
    Type t = f.type();
    BigDecimal scaled = d;
    if (d.scale() != t.scale()) {
      if (d.scale() > t.scale()) {
        throw new RecordValidationException(index, f.name(), "decimal " + d.toPlainString() + " has scale "
            + d.scale() + " but the column is " + t + " (would lose digits)");
      }
      scaled = d.setScale(t.scale(), RoundingMode.UNNECESSARY);
    }
    if (scaled.precision() > t.precision()) {
      throw new RecordValidationException(index, f.name(), "decimal " + d.toPlainString() + " needs precision "
          + scaled.precision() + " but the column is " + t);
    }
    return scaled;
  }

  private static String expected(Type t) {
    switch (t.id()) {
      case BOOLEAN: return "Boolean";
      case INT: return "Integer (or Short, Byte)";
      case LONG: return "Long (or Integer, Short, Byte)";
      case FLOAT: return "Float";
      case DOUBLE: return "Double (or Float)";
      case DECIMAL: return "BigDecimal";
      case DATE: return "LocalDate";
      case TIME: return "LocalTime";
      case TIMESTAMP: return "LocalDateTime";
      case TIMESTAMP_TZ: return "OffsetDateTime (or Instant, ZonedDateTime)";
      case STRING: return "String";
      case UUID: return "UUID";
      case FIXED: case BINARY: return "byte[] or ByteBuffer";
      default: return t.toString();
    }
  }
}
