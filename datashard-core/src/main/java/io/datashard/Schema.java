package io.datashard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ordered list of {@link Field}s with unique names and unique ids. Immutable.
 *
 * <p>A schema read from a table also carries the table's schema id; a schema built by a user has id 0
 * until the table assigns one.
 */
public final class Schema {
  private final int schemaId;
  private final List<Field> fields;
  private final Map<String, Integer> positionByName;
  private final Map<Integer, Integer> positionById;
  private final java.util.Set<Integer> identifierFieldIds;

  private Schema(int schemaId, List<Field> fields) {
    this(schemaId, fields, java.util.Set.of());
  }

  private Schema(int schemaId, List<Field> fields, java.util.Set<Integer> identifierFieldIds) {
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("a schema needs at least one field");
    }
    this.schemaId = schemaId;
    this.fields = List.copyOf(fields);
    Map<String, Integer> byName = new HashMap<>();
    Map<Integer, Integer> byId = new HashMap<>();
    for (int i = 0; i < this.fields.size(); i++) {
      Field f = Objects.requireNonNull(this.fields.get(i), "field");
      if (byName.put(f.name(), i) != null) {
        throw new IllegalArgumentException("duplicate field name '" + f.name() + "' in schema");
      }
      if (byId.put(f.id(), i) != null) {
        throw new IllegalArgumentException("duplicate field id " + f.id() + " in schema (field '" + f.name() + "')");
      }
    }
    this.positionByName = Collections.unmodifiableMap(byName);
    this.positionById = Collections.unmodifiableMap(byId);
    this.identifierFieldIds = Collections.unmodifiableSet(new java.util.TreeSet<>(identifierFieldIds));
    for (int id : this.identifierFieldIds) {
      Field f = byId.containsKey(id) ? this.fields.get(byId.get(id)) : null;
      if (f == null) {
        throw new ValidationException("identifier field id " + id + " is not a field of the schema");
      }
      if (!f.isRequired()) {
        throw new ValidationException("identifier field '" + f.name() + "' must be required");
      }
    }
  }

  /**
   * @param fields the columns, in order
   * @return a schema
   * @throws IllegalArgumentException when empty or when names or ids repeat
   */
  public static Schema of(Field... fields) {
    return new Schema(0, Arrays.asList(fields));
  }

  /** @see #of(Field...) */
  public static Schema of(List<Field> fields) {
    return new Schema(0, fields);
  }

  /** @return this schema carrying the given schema id */
  public Schema withSchemaId(int id) {
    return id == schemaId ? this : new Schema(id, fields, identifierFieldIds);
  }

  /**
   * @param ids the field ids that identify a row (Iceberg's {@code identifier-field-ids}: required columns whose
   *     values together are unique, used by engines for upserts)
   * @return this schema with those identifier fields
   * @throws ValidationException when an id is not a required field of this schema
   */
  public Schema withIdentifierFieldIds(java.util.Collection<Integer> ids) {
    return new Schema(schemaId, fields, new java.util.HashSet<>(ids));
  }

  /** @return the identifier field ids (empty when none are declared), ascending */
  public java.util.Set<Integer> identifierFieldIds() {
    return identifierFieldIds;
  }

  /** @return the schema id assigned by the table (0 for a schema not yet part of a table) */
  public int schemaId() {
    return schemaId;
  }

  /** @return the fields in order */
  public List<Field> fields() {
    return fields;
  }

  /** @return the number of fields */
  public int size() {
    return fields.size();
  }

  /** @return the field at a position */
  public Field field(int position) {
    return fields.get(position);
  }

  /** @return the field with that name, or null */
  public Field findField(String name) {
    Integer pos = positionByName.get(name);
    return pos == null ? null : fields.get(pos);
  }

  /** @return the field with that id, or null */
  public Field findField(int id) {
    Integer pos = positionById.get(id);
    return pos == null ? null : fields.get(pos);
  }

  /** @return the position of the named field, or -1 */
  public int positionOf(String name) {
    Integer pos = positionByName.get(name);
    return pos == null ? -1 : pos;
  }

  /** @return the position of the field with that id, or -1 */
  public int positionOfId(int id) {
    Integer pos = positionById.get(id);
    return pos == null ? -1 : pos;
  }

  /** @return the highest field id used */
  public int highestFieldId() {
    int max = 0;
    for (Field f : fields) {
      max = Math.max(max, f.id());
    }
    return max;
  }

  /**
   * @param names column names, in the order wanted
   * @return a schema of just those columns
   * @throws IllegalArgumentException naming the first column that does not exist
   */
  public Schema select(List<String> names) {
    List<Field> selected = new ArrayList<>(names.size());
    for (String n : names) {
      Field f = findField(n);
      if (f == null) {
        throw new IllegalArgumentException("unknown column '" + n + "'; table columns are " + columnNames());
      }
      selected.add(f);
    }
    return new Schema(schemaId, selected);
  }

  /** @return the column names in order */
  public List<String> columnNames() {
    List<String> names = new ArrayList<>(fields.size());
    for (Field f : fields) {
      names.add(f.name());
    }
    return names;
  }

  /** @return whether both schemas have the same fields and identifier fields, ignoring schema ids */
  public boolean sameFieldsAs(Schema other) {
    return fields.equals(other.fields) && identifierFieldIds.equals(other.identifierFieldIds);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Schema)) {
      return false;
    }
    Schema s = (Schema) o;
    return schemaId == s.schemaId && fields.equals(s.fields) && identifierFieldIds.equals(s.identifierFieldIds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(schemaId, fields, identifierFieldIds);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("table {\n");
    for (Field f : fields) {
      sb.append("  ").append(f).append('\n');
    }
    return sb.append('}').toString();
  }
}
