package io.datashard;

import java.util.List;
import java.util.Objects;

/**
 * A map type: keys of one type (never null) to values of another, key and value each having its own field id.
 * Values are {@link java.util.Map}s.
 *
 * <p>Immutable and compared by value. {@link Types#map(Type, Type)} makes a map of optional values whose ids are
 * assigned when the enclosing schema is built; {@link #of(int, Type, int, Type, boolean)} gives every attribute.
 */
public final class MapType extends Type {
  private final Field key;
  private final Field value;

  private MapType(Field key, Field value) {
    super(Id.MAP, 0, 0);
    this.key = key;
    this.value = value;
  }

  /**
   * @param keyId the key's field id (0 to have one assigned when the schema is built)
   * @param keyType the key type
   * @param valueId the value's field id (0 to have one assigned)
   * @param valueType the value type
   * @param valueRequired whether values may never be null
   * @return the map type (keys are always required)
   */
  public static MapType of(int keyId, Type keyType, int valueId, Type valueType, boolean valueRequired) {
    return new MapType(Field.of(keyId, "key", Objects.requireNonNull(keyType, "key type"), true, null),
        Field.of(valueId, "value", Objects.requireNonNull(valueType, "value type"), valueRequired, null));
  }

  /** @return the key as a field named {@code key} (always required) */
  public Field keyField() {
    return key;
  }

  /** @return the value as a field named {@code value} */
  public Field valueField() {
    return value;
  }

  /** @return the key's field id */
  public int keyId() {
    return key.id();
  }

  /** @return the key type */
  public Type keyType() {
    return key.type();
  }

  /** @return the value's field id */
  public int valueId() {
    return value.id();
  }

  /** @return the value type */
  public Type valueType() {
    return value.type();
  }

  /** @return whether values may never be null */
  public boolean isValueRequired() {
    return value.isRequired();
  }

  /** @return the key and value fields (for code that walks the type tree) */
  @Override
  public List<Field> fields() {
    return List.of(key, value);
  }

  @Override
  public MapType asMap() {
    return this;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MapType)) {
      return false;
    }
    MapType m = (MapType) o;
    return key.equals(m.key) && value.equals(m.value);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + value.hashCode() + 2;
  }

  @Override
  public String toString() {
    return "map<" + key.type() + ", " + value.type() + (value.isRequired() ? " not null" : "") + ">";
  }
}
