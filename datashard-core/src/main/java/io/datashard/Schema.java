package io.datashard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An ordered list of top-level {@link Field}s (columns) with unique names, and field ids unique across the
 * whole nested tree: every struct field, list element, map key and map value has its own id. Immutable.
 *
 * <p>A schema read from a table also carries the table's schema id; a schema built by a user has id 0
 * until the table assigns one.
 *
 * <p>Two ways to build one: with ids given by hand ({@code Schema.of(Field.required(1, "id", Types.LONG),
 * ...)}), or without ids ({@code Schema.builder().required("id", Types.LONG).optional("tags",
 * Types.list(Types.STRING)).build()}); fields, elements, keys and values without an id get fresh ids above
 * every id given explicitly, top-level columns first.
 *
 * <p>Lookups by name accept a top-level column name, or a dotted path through structs
 * ({@code payload.user.id}); the children of lists and maps are named as in Apache Iceberg
 * ({@code items.element.sku}, {@code attrs.key}, {@code attrs.value}).
 */
public final class Schema {
  private final int schemaId;
  private final List<Field> fields;
  private final Map<String, Integer> positionByName;
  private final Map<Integer, Integer> positionById;
  private final Set<Integer> identifierFieldIds;
  private final Map<Integer, Field> fieldById;
  private final Map<Integer, Integer> parentById;
  private final Map<Integer, String> nameById;
  private final Map<String, Integer> idByName;

  private Schema(int schemaId, List<Field> fields, Set<Integer> identifierFieldIds) {
    if (fields.isEmpty()) {
      throw new ValidationException("a schema needs at least one field");
    }
    this.schemaId = schemaId;
    this.fields = List.copyOf(fields);
    Map<String, Integer> byName = new HashMap<>();
    Map<Integer, Integer> byId = new HashMap<>();
    for (int i = 0; i < this.fields.size(); i++) {
      Field f = Objects.requireNonNull(this.fields.get(i), "field");
      if (byName.put(f.name(), i) != null) {
        throw new ValidationException("duplicate field name '" + f.name() + "' in schema");
      }
      byId.put(f.id(), i);
    }
    this.positionByName = Collections.unmodifiableMap(byName);
    this.positionById = Collections.unmodifiableMap(byId);
    Map<Integer, Field> all = new HashMap<>();
    Map<Integer, Integer> parents = new HashMap<>();
    Map<Integer, String> names = new HashMap<>();
    Map<String, Integer> ids = new HashMap<>();
    for (Field f : this.fields) {
      index(f, null, 0, all, parents, names, ids);
    }
    this.fieldById = Collections.unmodifiableMap(all);
    this.parentById = Collections.unmodifiableMap(parents);
    this.nameById = Collections.unmodifiableMap(names);
    this.idByName = Collections.unmodifiableMap(ids);
    this.identifierFieldIds = Collections.unmodifiableSet(new TreeSet<>(identifierFieldIds));
    for (int id : this.identifierFieldIds) {
      Field f = fieldById.get(id);
      if (f == null) {
        throw new ValidationException("identifier field id " + id + " is not a field of the schema");
      }
      if (!f.isRequired()) {
        throw new ValidationException("identifier field '" + nameById.get(id) + "' must be required");
      }
      if (!f.type().isPrimitive()) {
        throw new ValidationException("identifier field '" + nameById.get(id) + "' must be a primitive column");
      }
      for (Integer p = parentById.get(id); p != null; p = parentById.get(p)) {
        Field parent = fieldById.get(p);
        if (!parent.type().isStruct() || parent.isOptional()) {
          throw new ValidationException("identifier field '" + nameById.get(id)
              + "' must not be nested in a list, a map or an optional struct");
        }
      }
    }
  }

  private static void index(Field f, String parentName, int parentId, Map<Integer, Field> all,
      Map<Integer, Integer> parents, Map<Integer, String> names, Map<String, Integer> ids) {
    String name = parentName == null ? f.name() : parentName + "." + f.name();
    if (f.id() <= 0) {
      throw new ValidationException("field '" + name + "' has no id: give every field an id, or build the schema "
          + "with Schema.of(...) or Schema.builder() from fields without ids to have them assigned");
    }
    Field previous = all.put(f.id(), f);
    if (previous != null) {
      throw new ValidationException("duplicate field id " + f.id() + " in schema ('" + names.get(f.id())
          + "' and '" + name + "')");
    }
    names.put(f.id(), name);
    ids.putIfAbsent(name, f.id());
    if (parentName != null) {
      parents.put(f.id(), parentId);
    }
    for (Field child : f.type().fields()) {
      index(child, name, f.id(), all, parents, names, ids);
    }
  }

  /**
   * @param fields the columns, in order; fields, elements, keys and values with id 0 get fresh ids
   * @return a schema
   * @throws ValidationException when empty or when names or ids repeat
   */
  public static Schema of(Field... fields) {
    return of(Arrays.asList(fields));
  }

  /** @see #of(Field...) */
  public static Schema of(List<Field> fields) {
    return new Schema(0, IdAssignment.assign(fields), Set.of());
  }

  /** @return the schema of a struct's fields (the schema of the rows holding the struct's values) */
  static Schema ofStruct(StructType struct) {
    return new Schema(0, struct.fields(), Set.of());
  }

  /** @return a builder that assigns fresh field ids */
  public static Builder builder() {
    return new Builder();
  }

  /** @return this schema carrying the given schema id */
  public Schema withSchemaId(int id) {
    return id == schemaId ? this : new Schema(id, fields, identifierFieldIds);
  }

  /**
   * @param ids the field ids that identify a row (Iceberg's {@code identifier-field-ids}: required primitive
   *     columns, possibly inside required structs, whose values together are unique, used for upserts)
   * @return this schema with those identifier fields
   * @throws ValidationException when an id is not such a field of this schema
   */
  public Schema withIdentifierFieldIds(Collection<Integer> ids) {
    return new Schema(schemaId, fields, new HashSet<>(ids));
  }

  /** @return the identifier field ids (empty when none are declared), ascending */
  public Set<Integer> identifierFieldIds() {
    return identifierFieldIds;
  }

  /** @return the schema id assigned by the table (0 for a schema not yet part of a table) */
  public int schemaId() {
    return schemaId;
  }

  /** @return the top-level fields (columns) in order */
  public List<Field> fields() {
    return fields;
  }

  /** @return the number of top-level fields */
  public int size() {
    return fields.size();
  }

  /** @return the top-level field at a position */
  public Field field(int position) {
    return fields.get(position);
  }

  /** @return this schema's columns as a struct type */
  public StructType asStruct() {
    return StructType.of(fields);
  }

  /**
   * @param name a top-level column name, or a dotted path to a nested field ({@code payload.user.id})
   * @return the field, or null
   */
  public Field findField(String name) {
    Integer pos = positionByName.get(name);
    if (pos != null) {
      return fields.get(pos);
    }
    Integer id = idByName.get(name);
    return id == null ? null : fieldById.get(id);
  }

  /**
   * @param name a column name or dotted path
   * @return the field
   * @throws NoSuchColumnException naming the column and the columns that exist
   */
  public Field field(String name) {
    Field f = findField(name);
    if (f == null) {
      throw new NoSuchColumnException(name, columnNames());
    }
    return f;
  }

  /** @return the field with that id anywhere in the tree, or null */
  public Field findField(int id) {
    return fieldById.get(id);
  }

  /** @return the full dotted name of the field with that id, or null */
  public String findColumnName(int id) {
    return nameById.get(id);
  }

  /**
   * @param id a field id
   * @return the fields from the top-level column down to that field (one element for a top-level column), or an
   *     empty list when the schema has no such field
   */
  public List<Field> pathTo(int id) {
    if (!fieldById.containsKey(id)) {
      return List.of();
    }
    List<Field> path = new ArrayList<>();
    for (Integer cur = id; cur != null; cur = parentById.get(cur)) {
      path.add(0, fieldById.get(cur));
    }
    return path;
  }

  /** @return whether the field with that id lies (at any depth) inside a list or a map */
  public boolean isInsideListOrMap(int id) {
    for (Integer p = parentById.get(id); p != null; p = parentById.get(p)) {
      if (!fieldById.get(p).type().isStruct()) {
        return true;
      }
    }
    return false;
  }

  /** @return the position of the named top-level field, or -1 */
  public int positionOf(String name) {
    Integer pos = positionByName.get(name);
    return pos == null ? -1 : pos;
  }

  /** @return the position of the top-level field with that id, or -1 */
  public int positionOfId(int id) {
    Integer pos = positionById.get(id);
    return pos == null ? -1 : pos;
  }

  /** @return the highest field id used anywhere in the tree */
  public int highestFieldId() {
    int max = 0;
    for (int id : fieldById.keySet()) {
      max = Math.max(max, id);
    }
    return max;
  }

  /**
   * Projects the schema: top-level columns whole, or nested fields by dotted path through structs, in which case
   * the enclosing struct is kept with only the selected fields (several paths into one struct are merged).
   *
   * @param names column names or dotted paths, top-level columns in the order wanted
   * @return a schema of just those columns (with this schema's id)
   * @throws NoSuchColumnException naming the first column that does not exist
   */
  public Schema select(List<String> names) {
    LinkedHashMap<Integer, Field> selected = new LinkedHashMap<>();
    for (String n : names) {
      Field f = findField(n);
      if (f == null) {
        throw new NoSuchColumnException("unknown column '" + n + "'; table columns are " + columnNames(), n);
      }
      List<Field> path = pathTo(f.id());
      if (positionByName.containsKey(n) || path.size() == 1) {
        selected.put(path.get(0).id(), path.get(0));
        continue;
      }
      if (isInsideListOrMap(f.id())) {
        throw new ValidationException("cannot select '" + n + "': only fields of structs can be selected by path, "
            + "not fields inside a list or a map; select '" + nameById.get(path.get(0).id()) + "' instead");
      }
      Field top = path.get(0);
      Field already = selected.get(top.id());
      Field pruned = io.datashard.types.StructProjection.prune(path);
      selected.put(top.id(), already == null ? pruned : io.datashard.types.StructProjection.merge(already, pruned));
    }
    return new Schema(schemaId, new ArrayList<>(selected.values()), Set.of());
  }

  /** @return the top-level column names in order */
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

  /**
   * Builds a schema without hand-assigned ids: columns get ids 1, 2, ... in order (unless given), then the
   * fields, elements, keys and values of their nested types.
   */
  public static final class Builder {
    private final List<Field> fields = new ArrayList<>();

    private Builder() {
    }

    /** Adds a column whose values may never be null. */
    public Builder required(String name, Type type) {
      fields.add(Field.required(name, type));
      return this;
    }

    /** Adds a column whose values may be null. */
    public Builder optional(String name, Type type) {
      fields.add(Field.optional(name, type));
      return this;
    }

    /** Adds a column as given (with or without an id). */
    public Builder field(Field field) {
      fields.add(Objects.requireNonNull(field, "field"));
      return this;
    }

    /**
     * @return the schema
     * @throws ValidationException when there are no columns, or names or explicit ids repeat
     */
    public Schema build() {
      return Schema.of(fields);
    }
  }

  /** Gives fields without an id fresh ids above the highest explicit id, level by level. */
  private static final class IdAssignment {
    private int next;

    static List<Field> assign(List<Field> fields) {
      IdAssignment a = new IdAssignment();
      for (Field f : fields) {
        a.next = Math.max(a.next, maxId(f));
      }
      return a.assignLevel(fields);
    }

    private static int maxId(Field f) {
      int max = f.id();
      for (Field c : f.type().fields()) {
        max = Math.max(max, maxId(c));
      }
      return max;
    }

    private List<Field> assignLevel(List<Field> level) {
      int[] ids = new int[level.size()];
      boolean changed = false;
      for (int i = 0; i < level.size(); i++) {
        ids[i] = level.get(i).id() > 0 ? level.get(i).id() : ++next;
      }
      List<Field> out = new ArrayList<>(level.size());
      for (int i = 0; i < level.size(); i++) {
        Field f = level.get(i);
        Type t = assignType(f.type());
        if (ids[i] != f.id() || t != f.type()) {
          changed = true;
          f = f.withIdAndType(ids[i], t);
        }
        out.add(f);
      }
      return changed ? out : level;
    }

    private Type assignType(Type type) {
      switch (type.id()) {
        case STRUCT: {
          List<Field> in = type.asStruct().fields();
          List<Field> assigned = assignLevel(in);
          return assigned == in ? type : StructType.of(assigned);
        }
        case LIST: {
          ListType l = type.asList();
          List<Field> assigned = assignLevel(l.fields());
          Field e = assigned.get(0);
          return e == l.elementField() ? type : ListType.of(e.id(), e.type(), e.isRequired());
        }
        case MAP: {
          MapType m = type.asMap();
          List<Field> assigned = assignLevel(m.fields());
          Field k = assigned.get(0);
          Field v = assigned.get(1);
          return k == m.keyField() && v == m.valueField() ? type
              : MapType.of(k.id(), k.type(), v.id(), v.type(), v.isRequired());
        }
        default:
          return type;
      }
    }
  }
}
