package io.datashard.update;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.ValidationException;
import io.datashard.expressions.Expression;
import io.datashard.expressions.Expressions;
import io.datashard.records.RecordValidator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The filter an upsert deletes by: the identifier-field values of the records it writes. */
public final class UpsertKeys {
  private UpsertKeys() {
  }

  /**
   * @param schema the table's current schema (its identifier fields name the key)
   * @param records the records to upsert
   * @return a filter matching exactly the rows whose key equals a record's
   * @throws ValidationException when the schema has no identifier fields, a record lacks a key value, or two
   *     records have the same key
   */
  public static Expression filter(Schema schema, List<? extends Map<String, ?>> records) {
    Set<Integer> ids = schema.identifierFieldIds();
    if (ids.isEmpty()) {
      throw new ValidationException("upsert needs the table's identifier fields: set them with "
          + "updateSchema().setIdentifierFields(List.of(\"id\")).commit()");
    }
    List<String> names = new ArrayList<>();
    List<Field> fields = new ArrayList<>();
    for (int id : ids) {
      names.add(schema.findColumnName(id));
      fields.add(schema.findField(id));
    }
    Map<List<Object>, Integer> seen = new HashMap<>();
    Set<List<Object>> keys = new LinkedHashSet<>();
    for (int i = 0; i < records.size(); i++) {
      Map<String, ?> r = records.get(i);
      List<Object> key = new ArrayList<>(names.size());
      for (int k = 0; k < names.size(); k++) {
        Object v = valueAt(r, names.get(k));
        if (v == null) {
          throw new ValidationException("upsert record " + i + " has no value for identifier field '"
              + names.get(k) + "'");
        }
        key.add(RecordValidator.canonical(fields.get(k), v));
      }
      Integer first = seen.putIfAbsent(key, i);
      if (first != null) {
        throw new ValidationException("upsert records " + first + " and " + i + " have the same key "
            + describe(names, key) + "; each key may appear once per upsert");
      }
      keys.add(key);
    }
    if (keys.isEmpty()) {
      return Expressions.alwaysFalse();
    }
    if (names.size() == 1) {
      List<Object> values = new ArrayList<>();
      keys.forEach(k -> values.add(k.get(0)));
      return Expressions.in(names.get(0), values);
    }
    List<Expression> perKey = new ArrayList<>(keys.size());
    for (List<Object> key : keys) {
      Expression one = null;
      for (int k = 0; k < names.size(); k++) {
        Expression eq = Expressions.equal(names.get(k), key.get(k));
        one = one == null ? eq : Expressions.and(one, eq);
      }
      perKey.add(one);
    }
    return anyOf(perKey, 0, perKey.size());
  }

  /** @return the disjunction of {@code e[from, to)} as a balanced tree (depth log n, whatever the key count) */
  private static Expression anyOf(List<Expression> e, int from, int to) {
    if (to - from == 1) {
      return e.get(from);
    }
    int mid = (from + to) >>> 1;
    return Expressions.or(anyOf(e, from, mid), anyOf(e, mid, to));
  }

  /** @return the value at a top-level name or dotted path through nested maps */
  private static Object valueAt(Map<String, ?> record, String path) {
    Object v = record;
    for (String part : path.split("\\.")) {
      if (!(v instanceof Map<?, ?> m)) {
        return null;
      }
      v = m.get(part);
    }
    return v;
  }

  private static String describe(List<String> names, List<Object> key) {
    StringBuilder b = new StringBuilder("(");
    for (int k = 0; k < names.size(); k++) {
      b.append(k == 0 ? "" : ", ").append(names.get(k)).append('=').append(key.get(k));
    }
    return b.append(')').toString();
  }
}
