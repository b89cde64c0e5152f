package io.datashard;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * One row: values positioned by a {@link Schema}, readable by column name or position.
 *
 * <p>A record is an unmodifiable {@code Map<String, Object>} from column name to value (nulls included), so it
 * can be passed back to {@link Table#appendRecords(java.util.List)} and compared with plain maps. Values use
 * the Java representations listed in {@link Types}.
 */
public final class Record extends AbstractMap<String, Object> {
  private final Schema schema;
  private final Object[] values;

  private Record(Schema schema, Object[] values) {
    this.schema = schema;
    this.values = values;
  }

  /**
   * Wraps values already in the schema's Java representation. The array is not copied; callers hand over
   * ownership. Use {@link Table#appendRecords(java.util.List)} with maps to get input validated.
   *
   * @param schema the schema the values follow
   * @param values one value per field, in schema order
   * @return the record
   */
  public static Record wrap(Schema schema, Object[] values) {
    if (values.length != schema.size()) {
      throw new IllegalArgumentException("expected " + schema.size() + " values, got " + values.length);
    }
    return new Record(schema, values);
  }

  /** @return the schema of this record */
  public Schema schema() {
    return schema;
  }

  /** @return the value at a position (schema order) */
  public Object get(int position) {
    return values[position];
  }

  /**
   * @param name column name
   * @return the value, or null when the value is null
   * @throws IllegalArgumentException when the record has no such column
   */
  public Object getField(String name) {
    int pos = schema.positionOf(name);
    if (pos < 0) {
      throw new IllegalArgumentException("record has no column '" + name + "'; columns are " + schema.columnNames());
    }
    return values[pos];
  }

  /**
   * Typed access by name.
   *
   * @param name column name
   * @param type expected Java class
   * @param <T> value type
   * @return the value cast to the type
   */
  public <T> T get(String name, Class<T> type) {
    return type.cast(getField(name));
  }

  @Override
  public Object get(Object key) {
    if (!(key instanceof String)) {
      return null;
    }
    int pos = schema.positionOf((String) key);
    return pos < 0 ? null : values[pos];
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String && schema.positionOf((String) key) >= 0;
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int i = 0;

          @Override
          public boolean hasNext() {
            return i < values.length;
          }

          @Override
          public Map.Entry<String, Object> next() {
            if (i >= values.length) {
              throw new NoSuchElementException();
            }
            Map.Entry<String, Object> e = new SimpleImmutableEntry<>(schema.field(i).name(), values[i]);
            i++;
            return e;
          }
        };
      }

      @Override
      public int size() {
        return values.length;
      }
    };
  }

  /** @return a copy of the values in schema order (positions as in {@link #schema()}) */
  public Object[] toArray() {
    return Arrays.copyOf(values, values.length);
  }
}
