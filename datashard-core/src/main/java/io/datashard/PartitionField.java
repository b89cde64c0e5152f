package io.datashard;

/**
 * One field of a partition spec: a transform applied to a source column.
 *
 * @param sourceId field id of the source column
 * @param fieldId partition field id (1000 and up, unique across the table's specs)
 * @param name partition field name
 * @param transform Iceberg transform name: {@code identity}, {@code year}, {@code month}, {@code day},
 *     {@code hour}, {@code bucket[N]}, {@code truncate[W]}, {@code void}
 */
public record PartitionField(int sourceId, int fieldId, String name, String transform) {
}
