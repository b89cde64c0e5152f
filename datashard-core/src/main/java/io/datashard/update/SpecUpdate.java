package io.datashard.update;

import io.datashard.Field;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.UpdatePartitionSpec;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.TableMetadata;
import io.datashard.transforms.Transform;
import io.datashard.transforms.Transforms;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@link UpdatePartitionSpec} implementation; changes are replayed on the latest version at commit. */
public final class SpecUpdate implements UpdatePartitionSpec {
  private final TableOperations ops;
  private final List<String[]> adds = new ArrayList<>();   // {name or null, column, transform}
  private final Set<String> removes = new LinkedHashSet<>();

  public SpecUpdate(TableOperations ops) {
    this.ops = ops;
  }

  @Override
  public UpdatePartitionSpec addField(String column, String transform) {
    adds.add(new String[] {null, column, transform});
    return this;
  }

  @Override
  public UpdatePartitionSpec addField(String name, String column, String transform) {
    adds.add(new String[] {name, column, transform});
    return this;
  }

  @Override
  public UpdatePartitionSpec removeField(String name) {
    removes.add(name);
    return this;
  }

  private PartitionSpec apply(TableMetadata base) {
    PartitionSpec current = base.spec();
    List<PartitionField> fields = new ArrayList<>();
    for (String r : removes) {
      if (current.fields().stream().noneMatch(f -> f.name().equals(r))) {
        throw new ValidationException("partition spec update: no partition field '" + r + "'; fields are "
            + current.fields().stream().map(PartitionField::name).toList());
      }
    }
    for (PartitionField f : current.fields()) {
      if (!removes.contains(f.name())) {
        fields.add(f);
      }
    }
    int nextId = base.lastPartitionId() + 1;
    for (String[] a : adds) {
      Field source = base.schema().findField(a[1]);
      if (source == null) {
        throw new ValidationException("partition spec update: unknown column '" + a[1] + "'; columns are "
            + base.schema().columnNames());
      }
      if (!source.type().isPrimitive() || base.schema().isInsideListOrMap(source.id())) {
        throw new ValidationException("partition spec update: cannot partition by '" + a[1] + "': partition "
            + "sources are primitive columns or fields of structs");
      }
      Transform t;
      try {
        t = Transforms.fromName(a[2]);
      } catch (IllegalArgumentException e) {
        throw new ValidationException("partition spec update: " + e.getMessage(), e);
      }
      if (!t.canTransform(source.type())) {
        throw new ValidationException("partition spec update: cannot partition column '" + a[1] + "' of type "
            + source.type() + " by " + t);
      }
      String name = a[0] != null ? a[0] : defaultName(a[1], t);
      for (PartitionField f : fields) {
        if (f.name().equals(name)) {
          throw new ValidationException("partition spec update: a partition field named '" + name + "' exists");
        }
        if (f.sourceId() == source.id() && f.transform().equals(t.toString())) {
          throw new ValidationException("partition spec update: column '" + a[1] + "' is already partitioned by " + t);
        }
      }
      // A field some earlier spec already had (same source and transform) keeps its id, as Iceberg v2 does.
      Integer reused = null;
      for (PartitionSpec old : base.specs()) {
        for (PartitionField f : old.fields()) {
          if (f.sourceId() == source.id() && f.transform().equals(t.toString())) {
            reused = f.fieldId();
          }
        }
      }
      fields.add(new PartitionField(source.id(), reused != null ? reused : nextId++, name, t.toString()));
    }
    if (fields.equals(current.fields())) {
      return current;
    }
    // Reuse the id of an identical earlier spec; otherwise a new one.
    for (PartitionSpec s : base.specs()) {
      if (s.fields().equals(fields)) {
        return s;
      }
    }
    int specId = base.specs().stream().mapToInt(PartitionSpec::specId).max().orElse(-1) + 1;
    return PartitionSpec.of(specId, fields);
  }

  private static String defaultName(String column, Transform t) {
    String n = t.toString();
    if (n.equals("identity")) {
      return column;
    }
    if (n.startsWith("bucket")) {
      return column + "_bucket";
    }
    if (n.startsWith("truncate")) {
      return column + "_trunc";
    }
    return column + "_" + n.toLowerCase(Locale.ROOT);
  }

  @Override
  public PartitionSpec commit() {
    TableMetadata start = ops.refresh();
    CommitLoop.Result r = CommitLoop.run(ops, start, "partition spec update", (base, attempt) -> {
      PartitionSpec spec = apply(base);
      return spec.equals(base.spec()) ? base
          : base.withDefaultSpec(spec, Math.max(System.currentTimeMillis(), base.lastUpdatedMillis()));
    });
    return r.metadata().spec();
  }
}
