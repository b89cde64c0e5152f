package io.datashard.partition;

import io.datashard.transforms.Transforms;
import io.datashard.transforms.Transform;
import io.datashard.Field;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.types.FieldAccessor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Computes the partition of rows under one spec: the partition values (in the Java representation of the
 * partition field types) and the partition's directory path ({@code name=value/...}) for data files.
 */
public final class Partitioner {
  private final PartitionSpec spec;
  private final FieldAccessor[] sources;
  private final Transform[] transforms;

  /**
   * @param spec the spec
   * @param schema the schema of the rows (must hold every source column)
   */
  public Partitioner(PartitionSpec spec, Schema schema) {
    this.spec = spec;
    int n = spec.fields().size();
    this.sources = new FieldAccessor[n];
    this.transforms = new Transform[n];
    for (int i = 0; i < n; i++) {
      PartitionField pf = spec.fields().get(i);
      FieldAccessor accessor = FieldAccessor.of(schema, pf.sourceId());
      if (accessor == null) {
        throw new IllegalArgumentException("partition field '" + pf.name() + "' refers to column id "
            + pf.sourceId() + ", which is not in the schema (or lies inside a list or a map)");
      }
      Field source = schema.findField(pf.sourceId());
      Transform t = Transforms.fromName(pf.transform());
      if (!t.canTransform(source.type())) {
        throw new IllegalArgumentException("transform " + t + " cannot be applied to column '" + source.name()
            + "' of type " + source.type());
      }
      sources[i] = accessor;
      transforms[i] = t;
    }
  }

  /** @return the spec */
  public PartitionSpec spec() {
    return spec;
  }

  /**
   * @param row values in schema order
   * @return the row's partition values, in spec order (an immutable list that may hold nulls)
   */
  public List<Object> partition(Object[] row) {
    Object[] values = new Object[transforms.length];
    for (int i = 0; i < transforms.length; i++) {
      Object source = sources[i].get(row);
      values[i] = source == null ? null : transforms[i].apply(source);
    }
    return java.util.Collections.unmodifiableList(Arrays.asList(values));
  }

  /** @return the relative directory of a partition, e.g. {@code ts_day=2024-03-05/region=eu} */
  public String path(List<Object> partition) {
    List<String> parts = new ArrayList<>(transforms.length);
    for (int i = 0; i < transforms.length; i++) {
      String human = transforms[i].toHumanString(partition.get(i));
      parts.add(escape(spec.fields().get(i).name()) + "=" + escape(human));
    }
    return String.join("/", parts);
  }

  private static String escape(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
