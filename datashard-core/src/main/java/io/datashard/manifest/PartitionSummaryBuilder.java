package io.datashard.manifest;

import io.datashard.Type;
import io.datashard.metadata.Conversions;
import io.datashard.metadata.PartitionFieldSummary;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Accumulates the {@code field_summary} of each partition field over a manifest's entries: whether any value
 * is null or NaN, and the lower and upper bounds of the other values in the type's order.
 */
final class PartitionSummaryBuilder {
  private final List<Type> types;
  private final List<Comparator<Object>> comparators;
  private final boolean[] containsNull;
  private final boolean[] containsNan;
  private final Object[] min;
  private final Object[] max;

  PartitionSummaryBuilder(List<Type> types) {
    this.types = types;
    this.comparators = new ArrayList<>(types.size());
    for (Type t : types) {
      comparators.add(comparator(t));
    }
    this.containsNull = new boolean[types.size()];
    this.containsNan = new boolean[types.size()];
    this.min = new Object[types.size()];
    this.max = new Object[types.size()];
  }

  /** @param values normalized partition values, in spec order */
  void update(List<Object> values) {
    for (int i = 0; i < types.size(); i++) {
      Object v = values.get(i);
      if (v == null) {
        containsNull[i] = true;
      } else if (isNan(v)) {
        containsNan[i] = true;
      } else {
        Comparator<Object> c = comparators.get(i);
        if (min[i] == null || c.compare(v, min[i]) < 0) {
          min[i] = v;
        }
        if (max[i] == null || c.compare(v, max[i]) > 0) {
          max[i] = v;
        }
      }
    }
  }

  List<PartitionFieldSummary> summaries() {
    List<PartitionFieldSummary> out = new ArrayList<>(types.size());
    for (int i = 0; i < types.size(); i++) {
      Type t = types.get(i);
      out.add(new PartitionFieldSummary(containsNull[i], containsNan[i],
          min[i] == null ? null : Conversions.toByteBuffer(t, min[i]).asReadOnlyBuffer(),
          max[i] == null ? null : Conversions.toByteBuffer(t, max[i]).asReadOnlyBuffer()));
    }
    return out;
  }

  private static boolean isNan(Object v) {
    return (v instanceof Double && ((Double) v).isNaN()) || (v instanceof Float && ((Float) v).isNaN());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Comparator<Object> comparator(Type type) {
    switch (type.id()) {
      case STRING:
        // Unicode code point order, which is the order of the UTF-8 bytes Iceberg compares bounds by.
        return (a, b) -> compareUnsigned(ByteBuffer.wrap(((String) a).getBytes(StandardCharsets.UTF_8)),
            ByteBuffer.wrap(((String) b).getBytes(StandardCharsets.UTF_8)));
      case FIXED:
      case BINARY:
        return (a, b) -> compareUnsigned((ByteBuffer) a, (ByteBuffer) b);
      case FLOAT:
        // Float.compare orders -0.0 before +0.0, as the spec requires for bounds.
        return (a, b) -> Float.compare((Float) a, (Float) b);
      case DOUBLE:
        return (a, b) -> Double.compare((Double) a, (Double) b);
      case BOOLEAN, INT, LONG, DECIMAL, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, TIMESTAMP_NS, TIMESTAMP_NS_TZ, UUID, STRUCT,
          LIST, MAP:
      default:
        // Integer, Long, Boolean, LocalDate, LocalTime, LocalDateTime, OffsetDateTime (all UTC), UUID
        // (Java's signed order, which is what Iceberg's comparator uses), BigDecimal of one scale.
        return (a, b) -> ((Comparable) a).compareTo(b);
    }
  }

  private static int compareUnsigned(ByteBuffer a, ByteBuffer b) {
    int n = Math.min(a.remaining(), b.remaining());
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(a.get(a.position() + i) & 0xFF, b.get(b.position() + i) & 0xFF);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.remaining(), b.remaining());
  }
}
