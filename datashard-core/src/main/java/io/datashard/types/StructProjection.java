package io.datashard.types;

import io.datashard.Field;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.StructType;
import io.datashard.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Projections through structs: a field reached by a path of structs becomes its top-level column pruned to that
 * path; pruned columns merge; rows read with a wider projection are cut back to a narrower one.
 */
public final class StructProjection {
  private StructProjection() {
  }

  /**
   * @param path the fields from a top-level column down to a field, each but the last a struct
   * @return the top-level column keeping only the structs on the path and the whole last field
   */
  public static Field prune(List<Field> path) {
    return prune(path, 0);
  }

  private static Field prune(List<Field> path, int depth) {
    Field f = path.get(depth);
    if (depth == path.size() - 1) {
      return f;
    }
    return Field.of(f.id(), f.name(), StructType.of(prune(path, depth + 1)), f.isRequired(), f.doc());
  }

  /**
   * @param a a field (possibly pruned)
   * @param b the same field, pruned another way
   * @return the field keeping everything either keeps (struct fields in a's order, then b's new ones)
   */
  public static Field merge(Field a, Field b) {
    if (a.type().equals(b.type())) {
      return a;
    }
    if (!a.type().isStruct() || !b.type().isStruct()) {
      return a.type().isStruct() ? b : a; // a non-struct on either side is the whole field
    }
    LinkedHashMap<Integer, Field> children = new LinkedHashMap<>();
    for (Field c : a.type().asStruct().fields()) {
      children.put(c.id(), c);
    }
    for (Field c : b.type().asStruct().fields()) {
      Field existing = children.get(c.id());
      children.put(c.id(), existing == null ? c : merge(existing, c));
    }
    return Field.of(a.id(), a.name(), StructType.of(new ArrayList<>(children.values())), a.isRequired(), a.doc());
  }

  /**
   * @param table the table schema
   * @param ids field ids of the table (columns, or fields reached through structs)
   * @return the table's columns that hold those fields, each pruned to them through its structs, in the ids' order
   */
  public static Schema columnsOf(Schema table, Iterable<Integer> ids) {
    LinkedHashMap<Integer, Field> top = new LinkedHashMap<>();
    for (int id : ids) {
      Field pruned = prune(table.pathTo(id));
      top.merge(pruned.id(), pruned, StructProjection::merge);
    }
    return Schema.of(new ArrayList<>(top.values()));
  }

  /**
   * @param table the table schema
   * @param wanted a projection of it
   * @param ids field ids that must be readable too (filter columns)
   * @return the projection widened so that every id is read (existing columns merged, new ones appended)
   */
  public static Schema widen(Schema table, Schema wanted, Iterable<Integer> ids) {
    LinkedHashMap<Integer, Field> top = new LinkedHashMap<>();
    for (Field f : wanted.fields()) {
      top.put(f.id(), f);
    }
    boolean changed = false;
    for (int id : ids) {
      if (wanted.findField(id) != null || table.findField(id) == null) {
        continue;
      }
      Field pruned = prune(table.pathTo(id));
      Field existing = top.get(pruned.id());
      top.put(pruned.id(), existing == null ? pruned : merge(existing, pruned));
      changed = true;
    }
    return changed ? Schema.of(new ArrayList<>(top.values())).withSchemaId(wanted.schemaId()) : wanted;
  }

  /**
   * @param row a row read with a projection at least as wide as the target (same ids)
   * @param target the projection to return
   * @return the row cut back to the target's columns and struct fields
   */
  public static Row project(Row row, Schema target) {
    Schema source = row.schema();
    Object[] values = new Object[target.size()];
    for (int i = 0; i < values.length; i++) {
      Field f = target.field(i);
      Object v = row.get(source.positionOfId(f.id()));
      Type sourceType = source.field(source.positionOfId(f.id())).type();
      if (v != null && f.type().isStruct() && !f.type().equals(sourceType)) {
        v = project((Row) v, f.type().asStruct().asSchema());
      }
      values[i] = v;
    }
    return Row.wrap(target, values);
  }
}
