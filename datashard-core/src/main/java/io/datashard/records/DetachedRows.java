package io.datashard.records;

import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies validated rows so that they can be kept after the caller's {@code add} returns.
 *
 * <p>{@link RecordValidator#toRow} passes nested values that need no conversion on as the caller gave them (a row is
 * normally written at once and never kept). A row that is held for later (a small append waiting to be written with
 * others in a group commit) must not change when the caller reuses its list, map, array or buffer: this copies every
 * mutable container of the row (lists, maps, struct rows, binary buffers) and shares only immutable leaves (strings,
 * numbers, dates, decimals, UUIDs).
 */
public final class DetachedRows {
  private DetachedRows() {
  }

  /**
   * @param schema the schema the row was validated against
   * @param row the values in schema order, as {@link RecordValidator#toRow} returns them
   * @return a copy sharing no mutable object with {@code row}
   */
  public static Object[] detach(Schema schema, Object[] row) {
    Object[] out = new Object[row.length];
    for (int i = 0; i < row.length; i++) {
      out[i] = detach(schema.field(i).type(), row[i]);
    }
    return out;
  }

  private static Object detach(Type type, Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof ByteBuffer b) {
      ByteBuffer copy = ByteBuffer.allocate(b.remaining());
      copy.put(b.duplicate()).flip();
      return copy.asReadOnlyBuffer();
    }
    if (v instanceof byte[] bytes) {
      return bytes.clone();
    }
    switch (type.id()) {
      case STRUCT: {
        Schema struct = type.asStruct().asSchema();
        Row r = (Row) v;
        return Row.wrap(r.schema(), detach(struct, r.toArray()));
      }
      case LIST: {
        Type element = type.asList().elementField().type();
        List<Object> out = new ArrayList<>(((List<?>) v).size());
        for (Object e : (List<?>) v) {
          out.add(detach(element, e));
        }
        return Collections.unmodifiableList(out);
      }
      case MAP: {
        Type keyType = type.asMap().keyType();
        Type valueType = type.asMap().valueType();
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
          out.put(detach(keyType, e.getKey()), detach(valueType, e.getValue()));
        }
        return Collections.unmodifiableMap(out);
      }
      default:
        return v; // primitives are immutable Java values (String, Long, BigDecimal, LocalDate, UUID, ...)
    }
  }
}
