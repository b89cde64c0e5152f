package io.datashard;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The column types, named as in the Apache Iceberg v2 specification.
 *
 * <p>Java values accepted on write and returned on read:
 * <table>
 *   <caption>Java representation of each type</caption>
 *   <tr><th>type</th><th>returned as</th><th>also accepted on write (safe widenings)</th></tr>
 *   <tr><td>BOOLEAN</td><td>Boolean</td><td></td></tr>
 *   <tr><td>INT</td><td>Integer</td><td>Short, Byte</td></tr>
 *   <tr><td>LONG</td><td>Long</td><td>Integer, Short, Byte</td></tr>
 *   <tr><td>FLOAT</td><td>Float</td><td></td></tr>
 *   <tr><td>DOUBLE</td><td>Double</td><td>Float</td></tr>
 *   <tr><td>decimal(P,S)</td><td>BigDecimal with scale S</td><td>BigDecimal of smaller scale (rescaled exactly)</td></tr>
 *   <tr><td>DATE</td><td>LocalDate</td><td></td></tr>
 *   <tr><td>TIME</td><td>LocalTime (microsecond precision)</td><td></td></tr>
 *   <tr><td>TIMESTAMP</td><td>LocalDateTime (microsecond precision)</td><td></td></tr>
 *   <tr><td>TIMESTAMP_TZ</td><td>OffsetDateTime in UTC (microsecond precision)</td><td>Instant, ZonedDateTime</td></tr>
 *   <tr><td>TIMESTAMP_NS (v3)</td><td>LocalDateTime (nanosecond precision)</td><td></td></tr>
 *   <tr><td>TIMESTAMP_NS_TZ (v3)</td><td>OffsetDateTime in UTC (nanosecond precision)</td><td>Instant, ZonedDateTime</td></tr>
 *   <tr><td>STRING</td><td>String</td><td></td></tr>
 *   <tr><td>UUID</td><td>UUID</td><td></td></tr>
 *   <tr><td>fixed[L]</td><td>ByteBuffer of exactly L bytes</td><td>byte[] of exactly L bytes</td></tr>
 *   <tr><td>BINARY</td><td>ByteBuffer</td><td>byte[]</td></tr>
 *   <tr><td>struct</td><td>{@link Row}</td><td>Map&lt;String, ?&gt; (for example another row)</td></tr>
 *   <tr><td>list</td><td>java.util.List</td><td>any Collection, an array</td></tr>
 *   <tr><td>map</td><td>java.util.Map (insertion order kept)</td><td></td></tr>
 * </table>
 * Time values are stored with microsecond precision, as Apache Iceberg stores them: finer digits are truncated
 * (so {@code Instant.now()} goes straight into a {@code timestamptz} column).
 */
public final class Types {
  private Types() {
  }

  public static final Type BOOLEAN = new Type(Type.Id.BOOLEAN, 0, 0);
  public static final Type INT = new Type(Type.Id.INT, 0, 0);
  public static final Type LONG = new Type(Type.Id.LONG, 0, 0);
  public static final Type FLOAT = new Type(Type.Id.FLOAT, 0, 0);
  public static final Type DOUBLE = new Type(Type.Id.DOUBLE, 0, 0);
  public static final Type DATE = new Type(Type.Id.DATE, 0, 0);
  public static final Type TIME = new Type(Type.Id.TIME, 0, 0);
  public static final Type TIMESTAMP = new Type(Type.Id.TIMESTAMP, 0, 0);
  public static final Type TIMESTAMP_TZ = new Type(Type.Id.TIMESTAMP_TZ, 0, 0);
  /** Nanosecond timestamp without zone (format version 3 tables only). */
  public static final Type TIMESTAMP_NS = new Type(Type.Id.TIMESTAMP_NS, 0, 0);
  /** Nanosecond timestamp with zone, stored in UTC (format version 3 tables only). */
  public static final Type TIMESTAMP_NS_TZ = new Type(Type.Id.TIMESTAMP_NS_TZ, 0, 0);
  public static final Type STRING = new Type(Type.Id.STRING, 0, 0);
  public static final Type UUID = new Type(Type.Id.UUID, 0, 0);
  public static final Type BINARY = new Type(Type.Id.BINARY, 0, 0);

  /** The largest decimal precision Iceberg allows. */
  public static final int MAX_DECIMAL_PRECISION = 38;

  private static final Pattern DECIMAL = Pattern.compile("decimal\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");
  private static final Pattern FIXED = Pattern.compile("fixed\\[\\s*(\\d+)\\s*]");

  /**
   * @param precision total number of digits, 1 to 38
   * @param scale digits after the decimal point, 0 to precision
   * @return the decimal type
   */
  public static Type decimal(int precision, int scale) {
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
      throw new ValidationException("decimal precision must be 1.." + MAX_DECIMAL_PRECISION + ", got " + precision);
    }
    if (scale < 0 || scale > precision) {
      throw new ValidationException("decimal scale must be 0.." + precision + ", got " + scale);
    }
    return new Type(Type.Id.DECIMAL, precision, scale);
  }

  /**
   * @param length number of bytes of every value, at least 1
   * @return the fixed-length binary type
   */
  public static Type fixed(int length) {
    if (length < 1) {
      throw new ValidationException("fixed length must be positive, got " + length);
    }
    return new Type(Type.Id.FIXED, length, 0);
  }

  /**
   * @param fields the struct's fields; fields made without an id get one when the schema is built
   * @return the struct type
   */
  public static StructType struct(Field... fields) {
    return StructType.of(fields);
  }

  /** @see #struct(Field...) */
  public static StructType struct(java.util.List<Field> fields) {
    return StructType.of(fields);
  }

  /**
   * @param elementType the element type
   * @return a list whose elements may be null (the element id is assigned when the schema is built)
   */
  public static ListType list(Type elementType) {
    return ListType.of(0, elementType, false);
  }

  /**
   * @param elementType the element type
   * @return a list whose elements may never be null (the element id is assigned when the schema is built)
   */
  public static ListType listOfRequired(Type elementType) {
    return ListType.of(0, elementType, true);
  }

  /**
   * @param keyType the key type (keys are never null)
   * @param valueType the value type
   * @return a map whose values may be null (key and value ids are assigned when the schema is built)
   */
  public static MapType map(Type keyType, Type valueType) {
    return MapType.of(0, keyType, 0, valueType, false);
  }

  /**
   * @param keyType the key type (keys are never null)
   * @param valueType the value type
   * @return a map whose values may never be null (ids are assigned when the schema is built)
   */
  public static MapType mapOfRequired(Type keyType, Type valueType) {
    return MapType.of(0, keyType, 0, valueType, true);
  }

  /**
   * Parses a type from its Iceberg name, as written in table metadata.
   *
   * @param name e.g. {@code long}, {@code decimal(9,2)}, {@code fixed[16]}
   * @return the type
   * @throws ValidationException if the name is not a known primitive type
   */
  public static Type fromName(String name) {
    String n = name.trim().toLowerCase(java.util.Locale.ROOT);
    switch (n) {
      case "boolean": return BOOLEAN;
      case "int": case "integer": return INT;
      case "long": return LONG;
      case "float": return FLOAT;
      case "double": return DOUBLE;
      case "date": return DATE;
      case "time": return TIME;
      case "timestamp": return TIMESTAMP;
      case "timestamptz": return TIMESTAMP_TZ;
      case "timestamp_ns": return TIMESTAMP_NS;
      case "timestamptz_ns": return TIMESTAMP_NS_TZ;
      case "string": return STRING;
      case "uuid": return UUID;
      case "binary": return BINARY;
      default:
        Matcher d = DECIMAL.matcher(n);
        if (d.matches()) {
          return decimal(Integer.parseInt(d.group(1)), Integer.parseInt(d.group(2)));
        }
        Matcher f = FIXED.matcher(n);
        if (f.matches()) {
          return fixed(Integer.parseInt(f.group(1)));
        }
        throw new ValidationException("unknown or unsupported type: " + name);
    }
  }
}
