package io.datashard;

/**
 * Partition evolution: changes how new data is partitioned. Files already written keep the spec they were
 * written with (scans and pruning handle both); nothing is rewritten. Partition field ids of fields that stay
 * are kept, new fields get new ids, and a removed field's id is never reused.
 * <pre>{@code
 * table.updateSpec().addField("ts", "hour").removeField("ts_day").commit();
 * }</pre>
 */
public interface UpdatePartitionSpec {
  /**
   * Adds a partition field.
   *
   * @param column source column name
   * @param transform identity, year, month, day, hour, bucket[N], truncate[W]
   */
  UpdatePartitionSpec addField(String column, String transform);

  /** Adds a partition field with an explicit name. */
  UpdatePartitionSpec addField(String name, String column, String transform);

  /** Removes a partition field by name. */
  UpdatePartitionSpec removeField(String name);

  /**
   * Commits the new spec as the default for new data.
   *
   * @return the new default spec
   * @throws ValidationException for an unknown column or field, a transform that does not apply, a duplicate
   */
  PartitionSpec commit();
}
