package io.datashard;

import java.util.Objects;

/**
 * A column type of the Apache Iceberg v2 type system: a primitive type, or one of the nested types
 * {@link StructType}, {@link ListType} and {@link MapType}.
 *
 * <p>Instances are immutable and compared by value. Obtain primitive types from {@link Types}: the constants for
 * parameterless types and {@link Types#decimal(int, int)} / {@link Types#fixed(int)} for the others; nested
 * types from {@link Types#struct(Field...)}, {@link Types#list(Type)} and {@link Types#map(Type, Type)}.
 * {@link #toString()} of a primitive type is its Iceberg name ({@code long}, {@code decimal(10,2)},
 * {@code fixed[16]}), which is also its form in table metadata.
 */
public sealed class Type permits StructType, ListType, MapType {

  /** The kind of a type. */
  public enum Id {
    BOOLEAN, INT, LONG, FLOAT, DOUBLE, DECIMAL, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, TIMESTAMP_NS, TIMESTAMP_NS_TZ, STRING,
    UUID, FIXED, BINARY,
    STRUCT, LIST, MAP;

    /** @return whether this is the kind of a primitive type */
    public boolean isPrimitive() {
      return this != STRUCT && this != LIST && this != MAP;
    }
  }

  private final Id id;
  private final int precisionOrLength;
  private final int scale;

  Type(Id id, int precisionOrLength, int scale) {
    this.id = id;
    this.precisionOrLength = precisionOrLength;
    this.scale = scale;
  }

  /** @return the kind of this type */
  public Id id() {
    return id;
  }

  /** @return the precision of a decimal type; 0 for other types */
  public int precision() {
    return id == Id.DECIMAL ? precisionOrLength : 0;
  }

  /** @return the scale of a decimal type; 0 for other types */
  public int scale() {
    return scale;
  }

  /** @return the byte length of a fixed type; 0 for other types */
  public int length() {
    return id == Id.FIXED ? precisionOrLength : 0;
  }

  /** @return whether this is a primitive type (not a struct, list or map) */
  public boolean isPrimitive() {
    return id.isPrimitive();
  }

  /** @return whether this is a struct, list or map type */
  public boolean isNested() {
    return !id.isPrimitive();
  }

  /**
   * @return the direct children of a nested type as fields: a struct's fields, a list's {@code element}, a map's
   *     {@code key} and {@code value}; empty for a primitive type
   */
  public java.util.List<Field> fields() {
    return java.util.List.of();
  }

  /** @return whether this is a struct type */
  public boolean isStruct() {
    return id == Id.STRUCT;
  }

  /** @return whether this is a list type */
  public boolean isList() {
    return id == Id.LIST;
  }

  /** @return whether this is a map type */
  public boolean isMap() {
    return id == Id.MAP;
  }

  /**
   * @return this type as a struct type
   * @throws ValidationException when it is not one
   */
  public StructType asStruct() {
    throw new ValidationException("type " + this + " is not a struct");
  }

  /**
   * @return this type as a list type
   * @throws ValidationException when it is not one
   */
  public ListType asList() {
    throw new ValidationException("type " + this + " is not a list");
  }

  /**
   * @return this type as a map type
   * @throws ValidationException when it is not one
   */
  public MapType asMap() {
    throw new ValidationException("type " + this + " is not a map");
  }

  /** @return whether values of this type are floating point (and so may be NaN) */
  public boolean isFloatingPoint() {
    return id == Id.FLOAT || id == Id.DOUBLE;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Type)) {
      return false;
    }
    Type other = (Type) o;
    return id == other.id && precisionOrLength == other.precisionOrLength && scale == other.scale;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, precisionOrLength, scale);
  }

  @Override
  public String toString() {
    switch (id) {
      case BOOLEAN: return "boolean";
      case INT: return "int";
      case LONG: return "long";
      case FLOAT: return "float";
      case DOUBLE: return "double";
      case DECIMAL: return "decimal(" + precisionOrLength + "," + scale + ")";
      case DATE: return "date";
      case TIME: return "time";
      case TIMESTAMP: return "timestamp";
      case TIMESTAMP_TZ: return "timestamptz";
      case TIMESTAMP_NS: return "timestamp_ns";
      case TIMESTAMP_NS_TZ: return "timestamptz_ns";
      case STRING: return "string";
      case UUID: return "uuid";
      case FIXED: return "fixed[" + precisionOrLength + "]";
      case BINARY: return "binary";
      case STRUCT, LIST, MAP: // StructType, ListType and MapType override toString
      default: throw new IllegalStateException("unknown type " + id);
    }
  }
}
