package io.datashard;

import java.util.List;
import java.util.Objects;

/**
 * How a table's rows are split into partitions. Immutable.
 *
 * <p>Build one with {@link #builderFor(Schema)}:
 * <pre>{@code
 * PartitionSpec spec = PartitionSpec.builderFor(schema).day("ts").bucket("user_id", 16).build();
 * }</pre>
 * Partition values are derived from column values by Iceberg's transforms; rows are never asked for them.
 */
public final class PartitionSpec {
  /** Field ids of partition fields start here, as in Iceberg. */
  public static final int PARTITION_DATA_ID_START = 1000;

  private static final PartitionSpec UNPARTITIONED = new PartitionSpec(0, List.of());

  private final int specId;
  private final List<PartitionField> fields;

  private PartitionSpec(int specId, List<PartitionField> fields) {
    this.specId = specId;
    this.fields = List.copyOf(fields);
  }

  /** @return the spec of an unpartitioned table (spec id 0, no fields) */
  public static PartitionSpec unpartitioned() {
    return UNPARTITIONED;
  }

  /**
   * @param specId the spec id
   * @param fields partition fields in order
   * @return a spec
   */
  public static PartitionSpec of(int specId, List<PartitionField> fields) {
    return fields.isEmpty() && specId == 0 ? UNPARTITIONED : new PartitionSpec(specId, fields);
  }

  /**
   * @param schema the table schema the spec's source columns come from
   * @return a builder for a spec over that schema (spec id 0, field ids from 1000)
   */
  public static Builder builderFor(Schema schema) {
    return new Builder(schema);
  }

  public int specId() {
    return specId;
  }

  public List<PartitionField> fields() {
    return fields;
  }

  public boolean isUnpartitioned() {
    return fields.isEmpty();
  }

  /** @return the highest partition field id, or 999 when there are none (Iceberg's convention) */
  public int lastAssignedFieldId() {
    int max = PARTITION_DATA_ID_START - 1;
    for (PartitionField f : fields) {
      max = Math.max(max, f.fieldId());
    }
    return max;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PartitionSpec)) {
      return false;
    }
    PartitionSpec s = (PartitionSpec) o;
    return specId == s.specId && fields.equals(s.fields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(specId, fields);
  }

  @Override
  public String toString() {
    return fields.isEmpty() ? "unpartitioned" : "PartitionSpec{id=" + specId + ", fields=" + fields + "}";
  }

  /** Builds a {@link PartitionSpec}, checking every transform against its source column's type. */
  public static final class Builder {
    private final Schema schema;
    private final java.util.List<PartitionField> fields = new java.util.ArrayList<>();
    private int specId = 0;
    private int nextFieldId = PARTITION_DATA_ID_START;

    private Builder(Schema schema) {
      this.schema = schema;
    }

    /** Sets the spec id (0 for a new table). */
    public Builder withSpecId(int id) {
      this.specId = id;
      return this;
    }

    /** Partitions by the column's value. */
    public Builder identity(String column) {
      return add(column, column, "identity");
    }

    /** Partitions a date or timestamp column by year. */
    public Builder year(String column) {
      return add(column, column + "_year", "year");
    }

    /** Partitions a date or timestamp column by month. */
    public Builder month(String column) {
      return add(column, column + "_month", "month");
    }

    /** Partitions a date or timestamp column by day. */
    public Builder day(String column) {
      return add(column, column + "_day", "day");
    }

    /** Partitions a timestamp column by hour. */
    public Builder hour(String column) {
      return add(column, column + "_hour", "hour");
    }

    /** Partitions by a hash of the column into {@code buckets} buckets. */
    public Builder bucket(String column, int buckets) {
      return add(column, column + "_bucket", "bucket[" + buckets + "]");
    }

    /** Partitions by the column truncated to {@code width} (numbers rounded down, strings cut). */
    public Builder truncate(String column, int width) {
      return add(column, column + "_trunc", "truncate[" + width + "]");
    }

    /**
     * Adds a field with an explicit name and transform name.
     *
     * @throws ValidationException for an unknown column, an unknown transform, a transform that does not
     *     apply to the column's type, or a repeated name
     */
    public Builder add(String column, String name, String transform) {
      Field source = schema.findField(column);
      if (source == null) {
        throw new ValidationException("cannot partition by unknown column '" + column + "'; columns are "
            + schema.columnNames());
      }
      if (!source.type().isPrimitive() || schema.isInsideListOrMap(source.id())) {
        throw new ValidationException("cannot partition by '" + column + "': partition sources are primitive "
            + "columns or fields of structs, not " + (source.type().isPrimitive() ? "fields inside a list or a map"
            : source.type().id().name().toLowerCase(java.util.Locale.ROOT) + " columns"));
      }
      io.datashard.transforms.Transform t = io.datashard.transforms.Transforms.fromName(transform);
      if (!t.canTransform(source.type())) {
        throw new ValidationException("cannot partition column '" + column + "' of type " + source.type()
            + " by " + t);
      }
      for (PartitionField f : fields) {
        if (f.name().equals(name)) {
          throw new ValidationException("duplicate partition field name '" + name + "'");
        }
      }
      fields.add(new PartitionField(source.id(), nextFieldId++, name, t.toString()));
      return this;
    }

    public PartitionSpec build() {
      return PartitionSpec.of(specId, fields);
    }
  }
}
