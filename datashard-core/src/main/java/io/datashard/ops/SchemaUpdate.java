package io.datashard.ops;

import io.datashard.Field;
import io.datashard.PartitionField;
import io.datashard.Schema;
import io.datashard.Type;
import io.datashard.UpdateSchema;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * {@link UpdateSchema} implementation. Changes are recorded by column name and replayed on whatever version
 * is current at commit time, so a retry after a concurrent commit re-validates them.
 */
public final class SchemaUpdate implements UpdateSchema {
  private final TableOperations ops;
  private final List<BiConsumer<Working, TableMetadata>> changes = new ArrayList<>();

  public SchemaUpdate(TableOperations ops) {
    this.ops = ops;
  }

  /** The schema being built: a list of fields plus the next id to assign. */
  private static final class Working {
    final List<Field> fields;
    int lastColumnId;

    Working(Schema schema, int lastColumnId) {
      this.fields = new ArrayList<>(schema.fields());
      this.lastColumnId = lastColumnId;
    }

    int indexOf(String name) {
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).name().equals(name)) {
          return i;
        }
      }
      return -1;
    }

    int require(String name) {
      int i = indexOf(name);
      if (i < 0) {
        List<String> names = fields.stream().map(Field::name).toList();
        throw new ValidationException("schema update: no column '" + name + "'; columns are " + names);
      }
      return i;
    }

    void requireFree(String name) {
      if (name == null || name.isEmpty()) {
        throw new ValidationException("schema update: column name must not be empty");
      }
      if (indexOf(name) >= 0) {
        throw new ValidationException("schema update: a column named '" + name + "' already exists");
      }
    }
  }

  @Override
  public UpdateSchema addColumn(String name, Type type) {
    return addColumn(name, type, null);
  }

  @Override
  public UpdateSchema addColumn(String name, Type type, String doc) {
    Objects.requireNonNull(type, "type");
    changes.add((w, m) -> {
      w.requireFree(name);
      w.lastColumnId++;
      w.fields.add(Field.of(w.lastColumnId, name, type, false, doc));
    });
    return this;
  }

  @Override
  public UpdateSchema renameColumn(String name, String newName) {
    changes.add((w, m) -> {
      int i = w.require(name);
      w.requireFree(newName);
      Field f = w.fields.get(i);
      w.fields.set(i, Field.of(f.id(), newName, f.type(), f.isRequired(), f.doc()));
    });
    return this;
  }

  @Override
  public UpdateSchema deleteColumn(String name) {
    changes.add((w, m) -> {
      int i = w.require(name);
      int id = w.fields.get(i).id();
      for (io.datashard.PartitionSpec spec : m.specs()) {
        for (PartitionField pf : spec.fields()) {
          if (pf.sourceId() == id) {
            throw new ValidationException("schema update: column '" + name + "' cannot be dropped: partition field '"
                + pf.name() + "' is derived from it");
          }
        }
      }
      if (w.fields.size() == 1) {
        throw new ValidationException("schema update: cannot drop '" + name + "', the last column");
      }
      w.fields.remove(i);
    });
    return this;
  }

  @Override
  public UpdateSchema makeColumnOptional(String name) {
    changes.add((w, m) -> {
      int i = w.require(name);
      Field f = w.fields.get(i);
      w.fields.set(i, Field.of(f.id(), f.name(), f.type(), false, f.doc()));
    });
    return this;
  }

  @Override
  public UpdateSchema updateColumn(String name, Type newType) {
    changes.add((w, m) -> {
      int i = w.require(name);
      Field f = w.fields.get(i);
      if (!isPromotion(f.type(), newType)) {
        throw new ValidationException("schema update: cannot change column '" + name + "' from " + f.type() + " to "
            + newType + "; allowed: int to long, float to double, decimal(P,S) to decimal(P2,S) with P2 > P");
      }
      w.fields.set(i, Field.of(f.id(), f.name(), newType, f.isRequired(), f.doc()));
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
      default: return false;
    }
  }

  @Override
  public UpdateSchema updateColumnDoc(String name, String doc) {
    changes.add((w, m) -> {
      int i = w.require(name);
      Field f = w.fields.get(i);
      w.fields.set(i, Field.of(f.id(), f.name(), f.type(), f.isRequired(), doc));
    });
    return this;
  }

  @Override
  public UpdateSchema moveFirst(String name) {
    changes.add((w, m) -> w.fields.add(0, w.fields.remove(w.require(name))));
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
      Field f = w.fields.remove(w.require(name));
      w.fields.add(w.require(anchor) + offset, f);
    });
    return this;
  }

  private Schema applyTo(TableMetadata base, Working w) {
    for (BiConsumer<Working, TableMetadata> c : changes) {
      c.accept(w, base);
    }
    // Identifier fields (set by another engine) are carried; one that was dropped or made optional cannot be.
    java.util.Set<Integer> ids = base.schema().identifierFieldIds();
    for (int id : ids) {
      Field f = w.fields.stream().filter(x -> x.id() == id).findFirst().orElse(null);
      if (f == null || !f.isRequired()) {
        throw new ValidationException("schema update: column '" + base.schema().findField(id).name()
            + "' is an identifier field of the table (identifier-field-ids) and must stay a required column");
      }
    }
    return Schema.of(w.fields).withIdentifierFieldIds(ids);
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
