package io.datashard;

import java.util.ArrayList;
import java.util.List;

/**
 * A post-order walk of a schema's type tree: every consumer that builds something from a schema (a Parquet
 * message type, a flattened column list, a printed tree) implements this once instead of writing its own
 * recursion over structs, lists and maps.
 *
 * <p>Each method receives the {@link Field} that holds the type being visited (a column, a struct field, a list's
 * element, a map's key or value, all of which are fields with ids in the Iceberg model) and the results already
 * computed for its children, in {@link Type#fields()} order. {@link #enter(Field)} and {@link #leave(Field)} are
 * called around each field for visitors that track the path.
 *
 * <p>Per-primitive logic is not part of this walk: it is an exhaustive {@code switch} expression over
 * {@link Type.Id} in the one place that needs it, so that a new type fails compilation in every consumer rather
 * than falling into a default branch (see docs/architecture.md, "Types").
 *
 * <pre>{@code
 * List<String> leaves = TypeVisitor.visit(schema, new TypeVisitor<List<String>>() { ... });
 * }</pre>
 *
 * @param <R> the result built for each field and for the schema
 */
public interface TypeVisitor<R> {

  /**
   * @param schema the schema visited
   * @param columns the results of its top-level columns, in order
   * @return the result for the schema
   */
  R schema(Schema schema, List<R> columns);

  /**
   * @param field the field holding the struct
   * @param struct its type
   * @param fields the results of the struct's fields, in order
   * @return the result for the field
   */
  R struct(Field field, StructType struct, List<R> fields);

  /**
   * @param field the field holding the list
   * @param list its type
   * @param element the result of the element field
   * @return the result for the field
   */
  R list(Field field, ListType list, R element);

  /**
   * @param field the field holding the map
   * @param map its type
   * @param key the result of the key field
   * @param value the result of the value field
   * @return the result for the field
   */
  R map(Field field, MapType map, R key, R value);

  /**
   * @param field a field of a primitive type
   * @return the result for the field
   */
  R primitive(Field field);

  /** Called before a field's children are visited. */
  default void enter(Field field) {
  }

  /** Called after a field and its children are visited. */
  default void leave(Field field) {
  }

  /**
   * @param schema the schema to walk
   * @param visitor what to build
   * @param <R> the result type
   * @return the visitor's result for the schema
   */
  static <R> R visit(Schema schema, TypeVisitor<R> visitor) {
    List<R> columns = new ArrayList<>(schema.size());
    for (Field f : schema.fields()) {
      columns.add(visit(f, visitor));
    }
    return visitor.schema(schema, columns);
  }

  /**
   * @param field the field to walk (a column or any nested field)
   * @param visitor what to build
   * @param <R> the result type
   * @return the visitor's result for the field
   */
  static <R> R visit(Field field, TypeVisitor<R> visitor) {
    visitor.enter(field);
    try {
      Type type = field.type();
      if (type.isPrimitive()) {
        return visitor.primitive(field);
      }
      List<Field> children = type.fields();
      List<R> results = new ArrayList<>(children.size());
      for (Field child : children) {
        results.add(visit(child, visitor));
      }
      return switch (type.id()) {
        case STRUCT -> visitor.struct(field, type.asStruct(), results);
        case LIST -> visitor.list(field, type.asList(), results.get(0));
        case MAP -> visitor.map(field, type.asMap(), results.get(0), results.get(1));
        default -> throw new IllegalStateException("not a nested type: " + type);
      };
    } finally {
      visitor.leave(field);
    }
  }
}
