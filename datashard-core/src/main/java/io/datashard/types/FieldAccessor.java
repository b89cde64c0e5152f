package io.datashard.types;

import io.datashard.Field;
import io.datashard.Row;
import io.datashard.Schema;
import java.util.List;

/**
 * Reads one field of rows of a schema: a top-level column by position, or a struct field through its enclosing
 * structs (null when any struct on the way is null). Built once, used per row without lookups.
 */
public final class FieldAccessor {
  private final int top;
  private final int[] nested;

  private FieldAccessor(int top, int[] nested) {
    this.top = top;
    this.nested = nested;
  }

  /**
   * @param schema the schema of the rows
   * @param fieldId a top-level column, or a field reached from one through structs only
   * @return the accessor, or null when the schema has no such field or it lies inside a list or a map
   */
  public static FieldAccessor of(Schema schema, int fieldId) {
    List<Field> path = schema.pathTo(fieldId);
    if (path.isEmpty() || schema.isInsideListOrMap(fieldId)) {
      return null;
    }
    int[] nested = new int[path.size() - 1];
    for (int i = 1; i < path.size(); i++) {
      nested[i - 1] = path.get(i - 1).type().asStruct().fields().indexOf(path.get(i));
    }
    return new FieldAccessor(schema.positionOfId(path.get(0).id()), nested);
  }

  /** @return the value in a row */
  public Object get(Row row) {
    return descend(row.get(top));
  }

  /** @return the value in a row given as top-level values in schema order */
  public Object get(Object[] row) {
    return descend(row[top]);
  }

  private Object descend(Object v) {
    for (int i = 0; i < nested.length && v != null; i++) {
      v = ((Row) v).get(nested[i]);
    }
    return v;
  }
}
