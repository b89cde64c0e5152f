package io.datashard;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * One row: values positioned by a {@link Schema}, readable by column name, dotted path or position.
 *
 * <p>A row is an unmodifiable {@code Map<String, Object>} from column name to value (nulls included), so it
 * can be passed back to {@link Table#appendRecords(java.util.List)} and compared with plain maps. Values use
 * the Java representations listed in {@link Types}: a struct value is a {@code Row}, a list a
 * {@link java.util.List}, a map a {@link java.util.Map}.
 *
 * <p>Unlike a plain map, asking a row for a column it does not have is an error
 * ({@link NoSuchColumnException} naming the columns it has), never a silent null: {@code get("evnt")} fails
 * instead of hiding a typo.
 */
public final class Row extends AbstractMap<String, Object> {
  private final Schema schema;
  private final Object[] values;

  private Row(Schema schema, Object[] values) {
    this.schema = schema;
    this.values = values;
  }

  /**
   * Wraps values already in the schema's Java representation. The array is not copied; callers hand over
   * ownership. Use {@link Table#appendRecords(java.util.List)} with maps to get input validated.
   *
   * @param schema the schema the values follow
   * @param values one value per top-level field, in schema order
   * @return the row
   * @throws ValidationException when the number of values does not match the schema
   */
  public static Row wrap(Schema schema, Object[] values) {
    if (values.length != schema.size()) {
      throw new ValidationException("expected " + schema.size() + " values, got " + values.length);
    }
    return new Row(schema, values);
  }

  /** @return the schema of this row (for a struct value, the struct's fields) */
  public Schema schema() {
    return schema;
  }

  /** @return the value at a position (schema order) */
  public Object get(int position) {
    if (position < 0 || position >= values.length) {
      throw new NoSuchColumnException("no column at position " + position + "; the row has " + values.length
          + " columns " + schema.columnNames(), String.valueOf(position));
    }
    return values[position];
  }

  /**
   * @param name a column name, or a dotted path into struct values ({@code payload.user.id})
   * @return the value, or null when the value (or a struct on the path) is null
   * @throws NoSuchColumnException when the row has no such column
   */
  public Object getField(String name) {
    int pos = schema.positionOf(name);
    if (pos >= 0) {
      return values[pos];
    }
    int dot = name.indexOf('.');
    while (dot > 0) {
      int head = schema.positionOf(name.substring(0, dot));
      if (head >= 0 && schema.field(head).type().isStruct()) {
        Object inner = values[head];
        if (inner == null) {
          if (schema.findField(name) == null) {
            throw new NoSuchColumnException(name, schema.columnNames());
          }
          return null;
        }
        return ((Row) inner).getField(name.substring(dot + 1));
      }
      dot = name.indexOf('.', dot + 1);
    }
    throw new NoSuchColumnException(name, schema.columnNames());
  }

  /**
   * Typed access by name.
   *
   * @param name column name or dotted path
   * @param type expected Java class
   * @param <T> value type
   * @return the value cast to the type (null when null)
   * @throws NoSuchColumnException when there is no such column
   * @throws ValidationException when the value is of another class
   */
  public <T> T get(String name, Class<T> type) {
    Object v = getField(name);
    if (v != null && !type.isInstance(v)) {
      throw new ValidationException("column '" + name + "' holds a " + v.getClass().getSimpleName() + ", not a "
          + type.getSimpleName());
    }
    return type.cast(v);
  }

  /** @return the value of a {@code long} column (or path), null when null */
  public Long getLong(String name) {
    return get(name, Long.class);
  }

  /** @return the value of an {@code int} column (or path), null when null */
  public Integer getInt(String name) {
    return get(name, Integer.class);
  }

  /** @return the value of a {@code string} column (or path), null when null */
  public String getString(String name) {
    return get(name, String.class);
  }

  /** @return the value of a {@code double} column (or path), null when null */
  public Double getDouble(String name) {
    return get(name, Double.class);
  }

  /** @return the value of a {@code boolean} column (or path), null when null */
  public Boolean getBoolean(String name) {
    return get(name, Boolean.class);
  }

  /** @return the value of a {@code decimal} column (or path), null when null */
  public java.math.BigDecimal getDecimal(String name) {
    return get(name, java.math.BigDecimal.class);
  }

  /** @return the value of a struct column (or path), null when null */
  public Row getStruct(String name) {
    return get(name, Row.class);
  }

  /**
   * @param name column name or dotted path of a list column
   * @param <E> the element class the caller expects (not checked per element)
   * @return the list, null when null
   */
  @SuppressWarnings("unchecked")
  public <E> java.util.List<E> getList(String name) {
    return (java.util.List<E>) get(name, java.util.List.class);
  }

  /**
   * @param name column name or dotted path of a map column
   * @param <K> the key class the caller expects (not checked per entry)
   * @param <V> the value class the caller expects
   * @return the map, null when null
   */
  @SuppressWarnings("unchecked")
  public <K, V> Map<K, V> getMap(String name) {
    return (Map<K, V>) get(name, Map.class);
  }

  /**
   * The {@link Map} view's lookup, strict: a name the row does not have is an error, not null.
   *
   * @param key a column name (a dotted path works too)
   * @return the value, or null when the value is null
   * @throws NoSuchColumnException when the row has no such column, or the key is not a String (use
   *     {@link #get(int)} for positions)
   */
  @Override
  public Object get(Object key) {
    if (!(key instanceof String)) {
      throw new NoSuchColumnException("rows are looked up by column name (a String), got " + key
          + (key instanceof Integer ? "; use get(int) for a position" : ""), String.valueOf(key));
    }
    return getField((String) key);
  }

  /** @return the value, or the default when the row has no such column (a plain map lookup) */
  @Override
  public Object getOrDefault(Object key, Object defaultValue) {
    return containsKey(key) ? values[schema.positionOf((String) key)] : defaultValue;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof Map)) {
      return false;
    }
    Map<?, ?> other = (Map<?, ?>) o;
    if (other.size() != values.length) {
      return false;
    }
    for (int i = 0; i < values.length; i++) {
      String name = schema.field(i).name();
      if (!other.containsKey(name) || !java.util.Objects.equals(values[i], other.get(name))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < values.length; i++) {
      h += schema.field(i).name().hashCode() ^ java.util.Objects.hashCode(values[i]);
    }
    return h;
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
