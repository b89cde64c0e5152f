package io.datashard;

import java.util.Objects;

/**
 * A primitive column type of the Apache Iceberg v2 type system.
 *
 * <p>Instances are immutable and compared by value. Obtain them from {@link Types}: the constants for
 * parameterless types and {@link Types#decimal(int, int)} / {@link Types#fixed(int)} for the others.
 * {@link #toString()} is the type's Iceberg name ({@code long}, {@code decimal(10,2)}, {@code fixed[16]}),
 * which is also its form in table metadata.
 */
public final class Type {

  /** The kind of a type. */
  public enum Id {
    BOOLEAN, INT, LONG, FLOAT, DOUBLE, DECIMAL, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, STRING, UUID, FIXED, BINARY
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
      case STRING: return "string";
      case UUID: return "uuid";
      case FIXED: return "fixed[" + precisionOrLength + "]";
      case BINARY: return "binary";
      default: throw new IllegalStateException("unknown type " + id);
    }
  }
}
