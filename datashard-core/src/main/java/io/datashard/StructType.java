package io.datashard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A struct type: an ordered list of named {@link Field}s, each with its own field id. Values are {@link Row}s.
 *
 * <p>Immutable and compared by value. Build one with {@link Types#struct(Field...)}; fields created without an
 * id (for example {@link Field#optional(String, Type)}) get fresh ids when the enclosing schema is built.
 */
public final class StructType extends Type {
  private final List<Field> fields;
  private final Map<String, Integer> positionByName;
  private volatile Schema asSchema;

  private StructType(List<Field> fields) {
    super(Id.STRUCT, 0, 0);
    if (fields.isEmpty()) {
      throw new ValidationException("a struct needs at least one field (Parquet cannot store an empty struct)");
    }
    this.fields = List.copyOf(fields);
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < this.fields.size(); i++) {
      if (byName.put(this.fields.get(i).name(), i) != null) {
        throw new ValidationException("duplicate field name '" + this.fields.get(i).name() + "' in struct");
      }
    }
    this.positionByName = byName;
  }

  /**
   * @param fields the struct's fields, in order
   * @return the struct type
   * @throws ValidationException when there are none or a name repeats
   */
  public static StructType of(List<Field> fields) {
    return new StructType(fields);
  }

  /** @see #of(List) */
  public static StructType of(Field... fields) {
    return new StructType(Arrays.asList(fields));
  }

  /** @return the fields in order */
  @Override
  public List<Field> fields() {
    return fields;
  }

  /** @return the field with that name, or null */
  public Field field(String name) {
    Integer pos = positionByName.get(name);
    return pos == null ? null : fields.get(pos);
  }

  /** @return the position of the named field, or -1 */
  public int positionOf(String name) {
    Integer pos = positionByName.get(name);
    return pos == null ? -1 : pos;
  }

  /** @return the field names in order */
  public List<String> fieldNames() {
    List<String> names = new ArrayList<>(fields.size());
    for (Field f : fields) {
      names.add(f.name());
    }
    return names;
  }

  /**
   * @return a schema of this struct's fields (schema id 0), the schema of the {@link Row}s that hold its values
   */
  public Schema asSchema() {
    Schema s = asSchema;
    if (s == null) {
      s = Schema.ofStruct(this);
      asSchema = s;
    }
    return s;
  }

  @Override
  public StructType asStruct() {
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof StructType && fields.equals(((StructType) o).fields));
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("struct<");
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      sb.append(i == 0 ? "" : ", ").append(f.name()).append(": ").append(f.type());
      if (f.isRequired()) {
        sb.append(" not null");
      }
    }
    return sb.append('>').toString();
  }
}
