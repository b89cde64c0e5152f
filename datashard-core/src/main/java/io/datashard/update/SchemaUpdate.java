package io.datashard.update;

import io.datashard.Field;
import io.datashard.NoSuchColumnException;
import io.datashard.ListType;
import io.datashard.MapType;
import io.datashard.PartitionField;
import io.datashard.Schema;
import io.datashard.StructType;
import io.datashard.Type;
import io.datashard.UpdateSchema;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * {@link UpdateSchema} implementation. Changes are recorded by column name (or dotted path) and replayed on
 * whatever version is current at commit time, so a retry after a concurrent commit re-validates them.
 */
public final class SchemaUpdate implements UpdateSchema {
  private final TableOperations ops;
  private final List<BiConsumer<Working, TableMetadata>> changes = new ArrayList<>();
  private List<String> identifierNames; // null: keep the table's

  public SchemaUpdate(TableOperations ops) {
    this.ops = ops;
  }

  /**
   * The schema being built: the top-level fields plus the last assigned id. Nested fields are reached by paths of
   * names (a struct's field names; {@code element}; {@code key}, {@code value}) and edited by rebuilding the
   * types on the path.
   */
  private static final class Working {
    List<Field> fields;
    int lastColumnId;

    Working(Schema schema, int lastColumnId) {
      this.fields = new ArrayList<>(schema.fields());
      this.lastColumnId = lastColumnId;
    }

    /** @return the path of names to a field: the exact top-level name first, else the dotted path */
    List<String> path(String name) {
      if (name == null || name.isEmpty()) {
        throw new ValidationException("schema update: column name must not be empty");
      }
      if (indexOf(fields, name) >= 0 || !name.contains(".")) {
        return List.of(name);
      }
      return List.of(name.split("\\.", -1));
    }

    /** @return the field at the path */
    Field get(List<String> path) {
      List<Field> level = fields;
      Field f = null;
      for (int d = 0; d < path.size(); d++) {
        int i = indexOf(level, path.get(d));
        if (i < 0) {
          throw noSuch(path, d, level);
        }
        f = level.get(i);
        level = f.type().fields();
      }
      return f;
    }

    /** Replaces the children of the struct (or root) at {@code parent}. */
    void editChildren(List<String> parent, UnaryOperator<List<Field>> edit) {
      fields = edit(fields, parent, 0, edit);
    }

    private static List<Field> edit(List<Field> level, List<String> parent, int depth, UnaryOperator<List<Field>> op) {
      if (depth == parent.size()) {
        return op.apply(new ArrayList<>(level));
      }
      int i = indexOf(level, parent.get(depth));
      if (i < 0) {
        throw noSuch(parent, depth, level);
      }
      Field f = level.get(i);
      List<Field> newChildren = edit(f.type().fields(), parent, depth + 1, op);
      List<Field> out = new ArrayList<>(level);
      out.set(i, keepDefaults(f, Field.of(f.id(), f.name(), rebuild(f.type(), newChildren), f.isRequired(), f.doc())));
      return out;
    }

    /** Replaces the field at the path. */
    void editField(List<String> path, UnaryOperator<Field> edit) {
      String name = path.get(path.size() - 1);
      editChildren(path.subList(0, path.size() - 1), level -> {
        int i = indexOf(level, name);
        level.set(i, edit.apply(level.get(i)));
        return level;
      });
    }

    /** Checks that the field at {@code parent} is a struct (or the root) whose fields can be added, dropped, moved. */
    void requireStruct(List<String> parent, String what) {
      if (!parent.isEmpty() && !get(parent).type().isStruct()) {
        throw new ValidationException("schema update: cannot " + what + " in '" + String.join(".", parent)
            + "', which is a " + get(parent).type() + "; fields are added, dropped and moved in structs");
      }
    }

    void requireFree(List<String> parent, String name) {
      if (name == null || name.isEmpty()) {
        throw new ValidationException("schema update: column name must not be empty");
      }
      List<Field> level = parent.isEmpty() ? fields : get(parent).type().fields();
      if (indexOf(level, name) >= 0) {
        throw new ValidationException("schema update: a " + (parent.isEmpty() ? "column" : "field of '"
            + String.join(".", parent) + "'") + " named '" + name + "' already exists");
      }
    }

    private static ValidationException noSuch(List<String> path, int depth, List<Field> level) {
      List<String> names = level.stream().map(Field::name).toList();
      if (depth == 0) {
        return new ValidationException("schema update: no column '" + String.join(".", path) + "'; columns are "
            + names);
      }
      return new ValidationException("schema update: no field '" + String.join(".", path) + "'; fields of '"
          + String.join(".", path.subList(0, depth)) + "' are " + names);
    }

    static int indexOf(List<Field> level, String name) {
      for (int i = 0; i < level.size(); i++) {
        if (level.get(i).name().equals(name)) {
          return i;
        }
      }
      return -1;
    }

    /** @return a type with every nested id replaced by fresh ones */
    Type fresh(Type t) {
      switch (t.id()) {
        case STRUCT: {
          List<Field> out = new ArrayList<>();
          for (Field f : t.asStruct().fields()) {
            out.add(keepDefaults(f, Field.of(++lastColumnId, f.name(), f.type(), f.isRequired(), f.doc())));
          }
          for (int i = 0; i < out.size(); i++) {
            Field f = out.get(i);
            out.set(i, keepDefaults(f, Field.of(f.id(), f.name(), fresh(f.type()), f.isRequired(), f.doc())));
          }
          return StructType.of(out);
        }
        case LIST: {
          ListType l = t.asList();
          int id = ++lastColumnId;
          return ListType.of(id, fresh(l.elementType()), l.isElementRequired());
        }
        case MAP: {
          MapType m = t.asMap();
          int k = ++lastColumnId;
          int v = ++lastColumnId;
          return MapType.of(k, fresh(m.keyType()), v, fresh(m.valueType()), m.isValueRequired());
        }
        default:
          return t;
      }
    }
  }

  static Type rebuild(Type t, List<Field> children) {
    switch (t.id()) {
      case STRUCT:
        return StructType.of(children);
      case LIST: {
        Field e = children.get(0);
        return ListType.of(e.id(), e.type(), e.isRequired());
      }
      case MAP: {
        Field k = children.get(0);
        Field v = children.get(1);
        return MapType.of(k.id(), k.type(), v.id(), v.type(), v.isRequired());
      }
      default:
        throw new IllegalStateException(t + " has no children");
    }
  }

  private static void collectIds(Field f, Set<Integer> out) {
    out.add(f.id());
    for (Field c : f.type().fields()) {
      collectIds(c, out);
    }
  }

  @Override
  public UpdateSchema addColumn(String name, Type type) {
    return addColumn(null, name, type, null);
  }

  @Override
  public UpdateSchema addColumn(String name, Type type, String doc) {
    return addColumn(null, name, type, doc);
  }

  @Override
  public UpdateSchema addColumn(String parent, String name, Type type) {
    return addColumn(parent, name, type, null);
  }

  @Override
  public UpdateSchema addColumnWithDefault(String name, Type type, Object defaultValue) {
    return addColumn(null, name, type, null, false, defaultValue);
  }

  @Override
  public UpdateSchema addRequiredColumn(String name, Type type, Object defaultValue) {
    if (defaultValue == null) {
      throw new ValidationException("schema update: required column '" + name + "' needs a default value (rows "
          + "written before it have none)");
    }
    return addColumn(null, name, type, null, true, defaultValue);
  }

  @Override
  public UpdateSchema updateColumnDefault(String name, Object writeDefault) {
    changes.add((w, m) -> {
      requireDefaults(m, name);
      List<String> path = w.path(name);
      Field f = w.get(path);
      Object value = defaultOf(f, writeDefault);
      if (f.isRequired() && value == null) {
        throw new ValidationException("schema update: required column '" + name + "' needs a non-null write default");
      }
      w.editField(path, x -> x.withDefaults(x.initialDefault(), value));
    });
    return this;
  }

  /** @return the field's values kept on a copy: its defaults */
  private static Field keepDefaults(Field from, Field copy) {
    return from.initialDefault() == null && from.writeDefault() == null ? copy
        : copy.withDefaults(from.initialDefault(), from.writeDefault());
  }

  /** @return a default value as the promoted type holds it (int to long, float to double; decimals unchanged) */
  private static Object promoted(Object value, Type type) {
    if (value instanceof Integer i && type.id() == Type.Id.LONG) {
      return i.longValue();
    }
    if (value instanceof Float f && type.id() == Type.Id.DOUBLE) {
      return f.doubleValue();
    }
    return value;
  }

  private static void requireDefaults(TableMetadata m, String column) {
    if (m.formatVersion() < 3) {
      throw new ValidationException("schema update: column '" + column + "': default values need format version 3 "
          + "(set the table property format-version=3 first)");
    }
  }

  /** @return a default value checked against the field's type, in its Java representation */
  private static Object defaultOf(Field f, Object value) {
    if (value == null) {
      return null;
    }
    if (!f.type().isPrimitive()) {
      throw new ValidationException("schema update: column '" + f.name() + "': DataShard sets defaults of primitive "
          + "columns only");
    }
    try {
      return io.datashard.records.RecordValidator.canonical(f, value);
    } catch (io.datashard.RecordValidationException e) {
      throw new ValidationException("schema update: default value " + value + " does not fit column '" + f.name()
          + "' of type " + f.type() + ": " + e.getMessage(), e);
    }
  }

  private UpdateSchema addColumn(String parent, String name, Type type, String doc) {
    return addColumn(parent, name, type, doc, false, null);
  }

  private UpdateSchema addColumn(String parent, String name, Type type, String doc, boolean required,
                                 Object defaultValue) {
    Objects.requireNonNull(type, "type");
    changes.add((w, m) -> {
      List<String> parentPath = parent == null ? List.of() : w.path(parent);
      if (!parentPath.isEmpty()) {
        w.get(parentPath);
      }
      w.requireStruct(parentPath, "add a field");
      w.requireFree(parentPath, name);
      if (defaultValue != null) {
        requireDefaults(m, name);
      }
      int id = ++w.lastColumnId;
      Field plain = Field.of(id, name, w.fresh(type), required, doc);
      Object value = defaultOf(plain, defaultValue);
      // the initial default (rows written before the column) and the write default start equal, as the spec says
      Field added = value == null ? plain : plain.withDefaults(value, value);
      w.editChildren(parentPath, level -> {
        level.add(added);
        return level;
      });
    });
    return this;
  }

  @Override
  public UpdateSchema renameColumn(String name, String newName) {
    changes.add((w, m) -> {
      List<String> path = w.path(name);
      w.get(path);
      List<String> parent = path.subList(0, path.size() - 1);
      w.requireStruct(parent, "rename a field");
      w.requireFree(parent, newName);
      w.editField(path, f -> keepDefaults(f, Field.of(f.id(), newName, f.type(), f.isRequired(), f.doc())));
    });
    return this;
  }

  @Override
  public UpdateSchema deleteColumn(String name) {
    changes.add((w, m) -> {
      List<String> path = w.path(name);
      Field dropped = w.get(path);
      List<String> parent = path.subList(0, path.size() - 1);
      w.requireStruct(parent, "drop a field");
      Set<Integer> ids = new HashSet<>();
      collectIds(dropped, ids);
      for (io.datashard.PartitionSpec spec : m.specs()) {
        for (PartitionField pf : spec.fields()) {
          if (ids.contains(pf.sourceId())) {
            throw new ValidationException("schema update: column '" + name + "' cannot be dropped: partition field '"
                + pf.name() + "' is derived from " + (pf.sourceId() == dropped.id() ? "it" : "a field inside it"));
          }
        }
      }
      w.editChildren(parent, level -> {
        if (level.size() == 1) {
          throw new ValidationException("schema update: cannot drop '" + name + "', the last "
              + (parent.isEmpty() ? "column" : "field of '" + String.join(".", parent) + "'"));
        }
        level.remove(Working.indexOf(level, path.get(path.size() - 1)));
        return level;
      });
    });
    return this;
  }

  @Override
  public UpdateSchema makeColumnOptional(String name) {
    changes.add((w, m) -> {
      List<String> path = w.path(name);
      w.get(path);
      List<String> parent = path.subList(0, path.size() - 1);
      if (!parent.isEmpty() && w.get(parent).type().isMap() && path.get(path.size() - 1).equals("key")) {
        throw new ValidationException("schema update: map keys are always required ('" + name + "')");
      }
      w.editField(path, f -> keepDefaults(f, Field.of(f.id(), f.name(), f.type(), false, f.doc())));
    });
    return this;
  }

  @Override
  public UpdateSchema updateColumn(String name, Type newType) {
    changes.add((w, m) -> {
      List<String> path = w.path(name);
      Field f = w.get(path);
      if (!isPromotion(f.type(), newType)) {
        throw new ValidationException("schema update: cannot change column '" + name + "' from " + f.type() + " to "
            + newType + "; allowed: int to long, float to double, decimal(P,S) to decimal(P2,S) with P2 > P");
      }
      w.editField(path, x -> Field.of(x.id(), x.name(), newType, x.isRequired(), x.doc())
          .withDefaults(promoted(x.initialDefault(), newType), promoted(x.writeDefault(), newType)));
    });
    return this;
  }

  static boolean isPromotion(Type from, Type to) {
    if (from.equals(to)) {
      return true;
    }
    switch (from.id()) {
      case INT: return to.id() == Type.Id.LONG;
      case FLOAT: return to.id() == Type.Id.DOUBLE;
      case DECIMAL: return to.id() == Type.Id.DECIMAL && to.scale() == from.scale() && to.precision() >= from.precision();
      case BOOLEAN, LONG, DOUBLE, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, TIMESTAMP_NS, TIMESTAMP_NS_TZ, STRING, UUID, FIXED, BINARY, STRUCT,
          LIST, MAP:
      default: return false;
    }
  }

  @Override
  public UpdateSchema updateColumnDoc(String name, String doc) {
    changes.add((w, m) -> {
      List<String> path = w.path(name);
      w.get(path);
      w.editField(path, f -> keepDefaults(f, Field.of(f.id(), f.name(), f.type(), f.isRequired(), doc)));
    });
    return this;
  }

  @Override
  public UpdateSchema setIdentifierFields(List<String> names) {
    if (names == null) {
      throw new ValidationException("identifier fields must not be null; pass an empty list to clear them");
    }
    this.identifierNames = List.copyOf(names);
    return this;
  }

  @Override
  public UpdateSchema moveFirst(String name) {
    changes.add((w, m) -> {
      List<String> path = w.path(name);
      w.get(path);
      List<String> parent = path.subList(0, path.size() - 1);
      w.requireStruct(parent, "move a field");
      w.editChildren(parent, level -> {
        level.add(0, level.remove(Working.indexOf(level, path.get(path.size() - 1))));
        return level;
      });
    });
    return this;
  }

  @Override
  public UpdateSchema moveAfter(String name, String afterName) {
    return move(name, afterName, 1);
  }

  @Override
  public UpdateSchema moveBefore(String name, String beforeName) {
    return move(name, beforeName, 0);
  }

  private UpdateSchema move(String name, String anchor, int offset) {
    changes.add((w, m) -> {
      if (name.equals(anchor)) {
        throw new ValidationException("schema update: cannot move '" + name + "' relative to itself");
      }
      List<String> path = w.path(name);
      List<String> anchorPath = w.path(anchor);
      w.get(path);
      w.get(anchorPath);
      List<String> parent = path.subList(0, path.size() - 1);
      if (!parent.equals(anchorPath.subList(0, anchorPath.size() - 1))) {
        throw new ValidationException("schema update: cannot move '" + name + "' next to '" + anchor
            + "': fields move only within their own struct");
      }
      w.requireStruct(parent, "move a field");
      w.editChildren(parent, level -> {
        Field f = level.remove(Working.indexOf(level, path.get(path.size() - 1)));
        level.add(Working.indexOf(level, anchorPath.get(anchorPath.size() - 1)) + offset, f);
        return level;
      });
    });
    return this;
  }

  private Schema applyTo(TableMetadata base, Working w) {
    for (BiConsumer<Working, TableMetadata> c : changes) {
      c.accept(w, base);
    }
    Schema updated = Schema.of(w.fields);
    if (identifierNames != null) {
      Set<Integer> ids = new java.util.TreeSet<>();
      for (String name : identifierNames) {
        Field f = updated.findField(name);
        if (f == null) {
          throw new NoSuchColumnException(name, updated.columnNames());
        }
        ids.add(f.id());
      }
      return updated.withIdentifierFieldIds(ids); // checks they are required primitive columns
    }
    // Identifier fields (set by another engine) are carried; one that was dropped or made optional cannot be.
    Set<Integer> ids = base.schema().identifierFieldIds();
    for (int id : ids) {
      Field f = updated.findField(id);
      if (f == null || !f.isRequired()) {
        throw new ValidationException("schema update: column '" + base.schema().findColumnName(id)
            + "' is an identifier field of the table (identifier-field-ids) and must stay a required column");
      }
    }
    return updated.withIdentifierFieldIds(ids);
  }

  @Override
  public Schema apply() {
    TableMetadata base = ops.refresh();
    return applyTo(base, new Working(base.schema(), base.lastColumnId()));
  }

  @Override
  public Schema commit() {
    TableMetadata start = ops.refresh();
    CommitLoop.Result r = CommitLoop.run(ops, start, "schema update", (base, attempt) -> {
      Working w = new Working(base.schema(), base.lastColumnId());
      Schema updated = applyTo(base, w);
      if (updated.sameFieldsAs(base.schema())) {
        return base;
      }
      return base.withCurrentSchema(updated, w.lastColumnId, Math.max(System.currentTimeMillis(),
          base.lastUpdatedMillis()));
    });
    return r.metadata().schema();
  }
}
