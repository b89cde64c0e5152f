package io.datashard.expressions;

import io.datashard.Type;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.UUID;

/**
 * The order of each column type over its Java representation, as expressions and column statistics use it:
 * numbers numerically (NaN above everything and equal to itself, {@code -0.0} equal to {@code 0.0}), strings by
 * code point (equivalently by UTF-8 bytes, which is how Parquet and Iceberg order them, and not
 * {@link String#compareTo}'s UTF-16 order), binary/fixed/UUID values as unsigned bytes, temporal values
 * chronologically.
 */
public final class Comparators {
  private Comparators() {
  }

  private static final Comparator<Object> NATURAL = (a, b) -> {
    @SuppressWarnings({"unchecked", "rawtypes"})
    int c = ((Comparable) a).compareTo(b);
    return c;
  };
  private static final Comparator<Object> FLOATS = (a, b) -> compareFloats(((Float) a), ((Float) b));
  private static final Comparator<Object> DOUBLES = (a, b) -> compareDoubles(((Double) a), ((Double) b));
  private static final Comparator<Object> STRINGS = (a, b) -> compareStrings((String) a, (String) b);
  private static final Comparator<Object> BYTES = (a, b) -> compareUnsigned((ByteBuffer) a, (ByteBuffer) b);
  private static final Comparator<Object> UUIDS = (a, b) -> compareUuids((UUID) a, (UUID) b);
  private static final Comparator<Object> DECIMALS = (a, b) -> ((BigDecimal) a).compareTo((BigDecimal) b);
  private static final Comparator<Object> TIMESTAMPTZ = (a, b) -> {
    OffsetDateTime x = (OffsetDateTime) a;
    OffsetDateTime y = (OffsetDateTime) b;
    return x.toInstant().compareTo(y.toInstant());
  };

  /**
   * @param type a column type
   * @return the order of its values (non-null values of the type's Java representation)
   */
  public static Comparator<Object> forType(Type type) {
    switch (type.id()) {
      case FLOAT: return FLOATS;
      case DOUBLE: return DOUBLES;
      case STRING: return STRINGS;
      case FIXED:
      case BINARY: return BYTES;
      case UUID: return UUIDS;
      case DECIMAL: return DECIMALS;
      case TIMESTAMP_TZ:
      case TIMESTAMP_NS_TZ: return TIMESTAMPTZ;
      case BOOLEAN:
      case INT:
      case LONG:
      case DATE:
      case TIME:
      case TIMESTAMP:
      case TIMESTAMP_NS:
        return NATURAL;
      case STRUCT, LIST, MAP:
      default:
        throw new IllegalArgumentException("no order for type " + type);
    }
  }

  /** Numeric order, NaN greatest and equal to itself, -0.0 equal to 0.0. */
  public static int compareDoubles(double a, double b) {
    if (a == b) {
      return 0;
    }
    if (a < b) {
      return -1;
    }
    if (a > b) {
      return 1;
    }
    boolean an = Double.isNaN(a);
    boolean bn = Double.isNaN(b);
    return an == bn ? 0 : an ? 1 : -1;
  }

  /** @see #compareDoubles(double, double) */
  public static int compareFloats(float a, float b) {
    return compareDoubles(a, b);
  }

  /** Compares strings by Unicode code point. */
  public static int compareStrings(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        boolean xs = Character.isSurrogate(x);
        boolean ys = Character.isSurrogate(y);
        if (xs == ys) {
          return x - y; // both in the BMP (or both surrogates, whose order matches code point order)
        }
        return xs ? 1 : -1; // a surrogate starts a supplementary code point, above every BMP character
      }
    }
    return a.length() - b.length();
  }

  /** Compares the remaining bytes of two buffers as unsigned bytes, shorter prefix first. */
  public static int compareUnsigned(ByteBuffer a, ByteBuffer b) {
    int pa = a.position();
    int pb = b.position();
    int n = Math.min(a.remaining(), b.remaining());
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(a.get(pa + i) & 0xFF, b.get(pb + i) & 0xFF);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.remaining(), b.remaining());
  }

  /** Compares UUIDs as their 16 big-endian bytes, unsigned (Java's {@link UUID#compareTo} is signed). */
  public static int compareUuids(UUID a, UUID b) {
    int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
    return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
  }
}
