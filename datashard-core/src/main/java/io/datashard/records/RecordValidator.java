package io.datashard.records;

import io.datashard.Field;
import io.datashard.ListType;
import io.datashard.MapType;
import io.datashard.StructType;
import io.datashard.Row;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
   * @param record a {@code Map<String, ?>} (a {@link Row} is one)
   * @param index the record's position in its append, for error messages
   * @return the values in schema order
   */
  public Object[] toRow(Object record, long index) {
    if (record instanceof Row && ((Row) record).schema().sameFieldsAs(schema)) {
      return fromRecord((Row) record, index); // positional: no name lookups
    }
    if (JavaObjects.isMappable(record)) {
      record = JavaObjects.toMap(record);
    }
    if (!(record instanceof Map)) {
      throw new RecordValidationException(index, null, "expected a Map<String, ?>, a Row or a Java record, got "
          + (record == null ? "null" : record.getClass().getName()));
    }
    return structValues(schema, (Map<?, ?>) record, null, index);
  }

  /**
   * Converts a map to the values of a struct (or the top-level row), in field order.
   *
   * @param parent the struct's path ({@link Path} or String), null for the top-level row
   */
  private static Object[] structValues(Schema fields, Map<?, ?> map, Object parent, long index) {
    Object[] row = new Object[fields.size()];
    int matched = 0;
    for (int i = 0; i < row.length; i++) {
      Field f = fields.field(i);
      Object path = parent == null ? f.name() : Path.field(parent, f.name());
      // a Row of another schema answers a name it lacks with an error, a plain map with null
      Object v = map instanceof Row r ? r.getOrDefault(f.name(), null) : map.get(f.name());
      if (v == null && f.writeDefault() != null && !map.containsKey(f.name())) {
        v = f.writeDefault(); // format version 3: a field the writer does not supply gets its write default
      }
      if (v == null) {
        if (f.isRequired()) {
          throw new RecordValidationException(index, path.toString(),
              map.containsKey(f.name()) ? "null value for required field" : "missing required field");
        }
        if (map.containsKey(f.name())) {
          matched++;
        }
        continue;
      }
      matched++;
      row[i] = convert(f, path, v, index);
    }
    if (matched != map.size()) {
      for (Object key : map.keySet()) {
        if (!(key instanceof String) || fields.positionOf((String) key) < 0) {
          throw new RecordValidationException(index, parent == null ? String.valueOf(key) : parent + "." + key,
              "unknown field; " + (parent == null ? "table columns are " : "fields of '" + parent + "' are ")
                  + fields.columnNames());
        }
      }
    }
    return row;
  }

  private Object[] fromRecord(Row r, long index) {
    Object[] row = r.toArray();
    for (int i = 0; i < row.length; i++) {
      Field f = schema.field(i);
      if (row[i] == null) {
        if (f.isRequired()) {
          throw new RecordValidationException(index, f.name(), "null value for required field");
        }
      } else {
        row[i] = convert(f, f.name(), row[i], index);
      }
    }
    return row;
  }

  /**
   * Converts one value of a field (a primitive or a whole nested value) to its canonical Java representation, for
   * writers that check a row while they write it. Errors name the field only: a caller that reports them to a user
   * validates the whole record again with {@link #toRow} for the full path and record index.
   *
   * @param f the field
   * @param v a non-null value
   * @return the canonical value
   * @throws RecordValidationException when the value does not fit the field
   */
  public static Object canonical(Field f, Object v) {
    return convert(f, f.name(), v, -1);
  }

  /**
   * @param s a string
   * @return whether it contains a UTF-16 surrogate (then {@link #canonical} decides whether it is well formed)
   */
  public static boolean hasSurrogate(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** @return the value converted to the field type's canonical Java representation */
  static Object convert(Field f, Object v, long index) {
    return convert(f, f.name(), v, index);
  }

  private static Object nested(Field f, Object path, Object v, long index) {
    Type t = f.type();
    switch (t.id()) {
      case STRUCT:
        if (!(v instanceof Row) && JavaObjects.isMappable(v)) { // a Row is never a bean; skip the class checks
          v = JavaObjects.toMap(v);
        }
        if (v instanceof Map) {
          StructType struct = t.asStruct();
          // Same fields: the struct's own schema (rows built with struct.asSchema(), and rows read back), else the
          // field lists compared, without building a StructType per value.
          if (v instanceof Row && (((Row) v).schema() == struct.asSchema()
              || ((Row) v).schema().fields().equals(struct.fields()))) {
            Row r = (Row) v;
            Object[] values = null; // copied only once a value changes: rows are written at once, never kept
            int n = struct.fields().size();
            for (int i = 0; i < n; i++) {
              Field c = struct.fields().get(i);
              Object value = r.get(i);
              if (value == null) {
                if (c.isRequired()) {
                  throw new RecordValidationException(index, path + "." + c.name(), "null value for required field");
                }
                continue;
              }
              Object converted = convert(c, Path.field(path, c.name()), value, index);
              if (converted != value && values == null) {
                values = r.toArray();
              }
              if (values != null) {
                values[i] = converted;
              }
            }
            return values == null && r.schema() == struct.asSchema() ? r
                : Row.wrap(struct.asSchema(), values == null ? r.toArray() : values);
          }
          return Row.wrap(struct.asSchema(), structValues(struct.asSchema(), (Map<?, ?>) v, path, index));
        }
        return null;
      case LIST: {
        ListType l = t.asList();
        Iterable<?> items;
        if (v instanceof Collection) {
          items = (Collection<?>) v;
        } else if (v instanceof Object[]) {
          items = Arrays.asList((Object[]) v);
        } else {
          return null;
        }
        // A List whose elements all stay as they are is passed on as it is (rows are written at once, never
        // kept); the copy starts at the first element that changes, and is always made for arrays and other
        // collections.
        List<Object> out = v instanceof List ? null : new ArrayList<>();
        int i = 0;
        for (Object e : items) {
          Object converted = null;
          if (e == null) {
            if (l.isElementRequired()) {
              throw new RecordValidationException(index, path + "[" + i + "]",
                  "null element in a list of required elements");
            }
          } else {
            converted = convert(l.elementField(), Path.element(path, i), e, index);
          }
          if (out == null && converted != e) {
            out = new ArrayList<>(((List<?>) v).subList(0, i));
          }
          if (out != null) {
            out.add(converted);
          }
          i++;
        }
        return out == null ? v : Collections.unmodifiableList(out);
      }
      case MAP: {
        if (!(v instanceof Map)) {
          return null;
        }
        MapType m = t.asMap();
        // As for lists: the map is passed on as it is unless a key or value changes; then copied in its order.
        Map<Object, Object> out = null;
        int done = 0;
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
          if (e.getKey() == null) {
            throw new RecordValidationException(index, path.toString(), "null map key (map keys are required)");
          }
          Object key = convert(m.keyField(), Path.field(path, "key"), e.getKey(), index);
          Object value = e.getValue();
          if (value == null) {
            if (m.isValueRequired()) {
              throw new RecordValidationException(index, path + "[" + abbreviate(e.getKey()) + "]",
                  "null value in a map of required values");
            }
          } else {
            value = convert(m.valueField(), Path.value(path, e.getKey()), value, index);
          }
          if (out == null && (key != e.getKey() || value != e.getValue())) {
            out = new LinkedHashMap<>();
            int k = 0;
            for (Map.Entry<?, ?> before : ((Map<?, ?>) v).entrySet()) {
              if (k++ == done) {
                break;
              }
              out.put(before.getKey(), before.getValue()); // unchanged by conversion
            }
          }
          if (out != null) {
            out.put(key, value);
          }
          done++;
        }
        if (out == null) {
          return v;
        }
        // Keys that become equal after conversion (Integer 1 and Long 1 into a long key) would lose a value.
        if (out.size() != ((Map<?, ?>) v).size()) {
          throw new RecordValidationException(index, path.toString(), "two keys become the same " + m.keyType()
              + " value; a map cannot hold both");
        }
        return Collections.unmodifiableMap(out);
      }
      default:
        return null;
    }
  }

  /**
   * @param path where the value is, for error messages: a String, or a {@link Path} that becomes one only when a
   *     message needs it
   * @return the value converted to the field type's canonical Java representation
   */
  private static Object convert(Field f, Object path, Object v, long index) {
    Type t = f.type();
    if (t.isNested()) {
      Object converted = nested(f, path, v, index);
      if (converted != null) {
        return converted;
      }
      throw new RecordValidationException(index, path.toString(), "expected " + expected(t) + " for type " + t
          + ", got " + v.getClass().getName());
    }
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
          return decimal(f, path, (BigDecimal) v, index);
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
      case TIMESTAMP_NS:
        if (v instanceof LocalDateTime) {
          return v;
        }
        break;
      case TIMESTAMP_NS_TZ:
        if (v instanceof OffsetDateTime || v instanceof Instant || v instanceof ZonedDateTime) {
          OffsetDateTime odt = v instanceof OffsetDateTime o ? o : v instanceof Instant i ? i.atOffset(ZoneOffset.UTC)
              : ((ZonedDateTime) v).toOffsetDateTime();
          return odt.getOffset().equals(ZoneOffset.UTC) ? odt : odt.withOffsetSameInstant(ZoneOffset.UTC);
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
          checkWellFormed(path, (String) v, index);
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
            throw new RecordValidationException(index, path.toString(),
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
      case STRUCT, LIST, MAP:
      default:
        break;
    }
    throw new RecordValidationException(index, path.toString(), "expected " + expected(t) + " for type " + t
        + ", got " + v.getClass().getName()
        + (v instanceof CharSequence || v instanceof Number ? " (" + abbreviate(v) + ")" : ""));
  }

  /**
   * A lone UTF-16 surrogate has no UTF-8 form: written as is, it would silently become '?'. Refuse it instead.
   * The scan is kept small enough to be inlined into the caller (it runs for every string value); strings with
   * surrogates, rare, are checked pair by pair in {@link #checkSurrogates}.
   */
  private static void checkWellFormed(Object path, String s, long index) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        checkSurrogates(path, s, i, index);
        return;
      }
    }
  }

  /** {@link #checkWellFormed} from the first surrogate, at {@code from}, on. */
  private static void checkSurrogates(Object path, String s, int from, long index) {
    for (int i = from, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new RecordValidationException(index, path.toString(), String.format(
            "string has an unpaired UTF-16 surrogate \\u%04x at index %d, which UTF-8 cannot store", (int) c, i));
      }
    }
  }

  /**
   * The path of a nested value ({@code items[3].price}, {@code attrs[k1]}), turned into text only when an error
   * message needs it: building the string for every value of every row costs more than checking the value.
   */
  private static final class Path {
    private final Object parent;
    private final String field;
    private final int element;
    private final Object key;

    private Path(Object parent, String field, int element, Object key) {
      this.parent = parent;
      this.field = field;
      this.element = element;
      this.key = key;
    }

    /** @return {@code parent.name} */
    static Path field(Object parent, String name) {
      return new Path(parent, name, -1, null);
    }

    /** @return {@code parent[i]} */
    static Path element(Object parent, int i) {
      return new Path(parent, null, i, null);
    }

    /** @return {@code parent[key]} (the key abbreviated) */
    static Path value(Object parent, Object key) {
      return new Path(parent, null, -1, key);
    }

    @Override
    public String toString() {
      if (field != null) {
        return parent + "." + field;
      }
      return parent + "[" + (key != null ? abbreviate(key) : String.valueOf(element)) + "]";
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

  private static BigDecimal decimal(Field f, Object path, BigDecimal d, long index) {
    Type t = f.type();
    BigDecimal scaled = d;
    if (d.scale() != t.scale()) {
      if (d.scale() > t.scale()) {
        throw new RecordValidationException(index, path.toString(), "decimal " + d.toPlainString() + " has scale "
            + d.scale() + " but the column is " + t + " (would lose digits)");
      }
      scaled = d.setScale(t.scale(), RoundingMode.UNNECESSARY);
    }
    if (scaled.precision() > t.precision()) {
      throw new RecordValidationException(index, path.toString(), "decimal " + d.toPlainString() + " needs precision "
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
      case TIMESTAMP_NS: return "LocalDateTime";
      case TIMESTAMP_NS_TZ: return "OffsetDateTime (or Instant, ZonedDateTime)";
      case STRING: return "String";
      case UUID: return "UUID";
      case FIXED: case BINARY: return "byte[] or ByteBuffer";
      case STRUCT: return "a Map<String, ?> or Row";
      case LIST: return "a List (or any Collection, or an Object[])";
      case MAP: return "a Map";
      default: return t.toString();
    }
  }
}
