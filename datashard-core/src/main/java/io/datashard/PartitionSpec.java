package io.datashard;

import java.util.List;
import java.util.Objects;

/**
 * How a table's rows are split into partitions. Immutable.
 *
 * <p>This release writes unpartitioned tables; specs with fields are read from metadata written by other
 * Iceberg writers so such tables load, and partitioned writes are built on this type.
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
}
