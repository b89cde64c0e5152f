package io.datashard.update;

import java.util.LinkedHashMap;
import io.datashard.partition.Partitioner;
import io.datashard.PartitionSpec;
import io.datashard.Field;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.manifest.TableFiles;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.parquet.ParquetOptions;
import io.datashard.parquet.RollingDataWriter;
import io.datashard.records.RecordValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Merge-on-read upserts: Iceberg equality delete files holding the keys (identifier-field values) of the rows an
 * upsert replaces. Nothing is read: a delete applies to every data file committed before it (in its partition, for a
 * partitioned table), and the upsert's own new rows, committed in the same snapshot, are not deleted by it (the
 * spec's sequence-number rule).
 *
 * <p>Written for tables with top-level identifier fields that are unpartitioned, or partitioned only by identifier
 * fields (so a key's old and new rows are in one partition) under their only partition spec; {@link #applies} says
 * when. Other upserts delete by position.
 */
public final class EqualityDeletion {
  private EqualityDeletion() {
  }

  /**
   * @param metadata the table version
   * @return whether an upsert can use equality deletes: merge-on-read upserts ({@link WriteModes}), top-level
   *     identifier fields, none of them encrypted (the delete file would hold their values in plaintext), and an
   *     unpartitioned current spec (its deletes apply to every partition) or the table's only spec partitioning by
   *     identifier fields alone (every row of a key is in the key's partition; with an older spec, an old row could
   *     be in a partition the delete does not reach)
   */
  public static boolean applies(TableMetadata metadata) {
    if (!WriteModes.upsertsMergeOnRead(metadata.properties())) {
      return false;
    }
    Schema schema = metadata.schema();
    Set<Integer> ids = schema.identifierFieldIds();
    if (ids.isEmpty() || !ids.stream().allMatch(id -> schema.positionOfId(id) >= 0)) {
      return false;
    }
    PartitionSpec spec = metadata.spec();
    if (!spec.isUnpartitioned() && (metadata.specs().size() != 1
        || !spec.fields().stream().allMatch(f -> ids.contains(f.sourceId())))) {
      return false;
    }
    // An equality delete file holds the key values. They are written in plaintext, so an encrypted key column
    // gets position deletes instead (data-file paths and row positions only): nothing of it leaks.
    io.datashard.encryption.EncryptionSettings encryption =
        io.datashard.encryption.EncryptionSettings.fromProperties(metadata.properties());
    return encryption == null
        || ids.stream().noneMatch(encryption.encryptedFieldIds(schema, metadata.specs())::contains);
  }

  /**
   * Writes the equality delete file(s) for the keys of {@code records} (already checked by
   * {@link UpsertKeys#filter}: every key present and unique).
   *
   * @return the delete files (content equality deletes, equality ids = the identifier fields)
   */
  public static List<DataFile> write(TableFiles files, TableMetadata metadata,
                                     List<? extends Map<String, ?>> records) {
    Schema schema = metadata.schema();
    List<Field> keyFields = new ArrayList<>();
    List<Integer> ids = new ArrayList<>(schema.identifierFieldIds());
    for (int id : ids) {
      keyFields.add(schema.findField(id));
    }
    Schema keySchema = Schema.of(keyFields);
    PartitionSpec spec = metadata.spec();
    Partitioner partitioner = spec.isUnpartitioned() ? null : new Partitioner(spec, schema);
    // the keys by partition: a partitioned table's delete files apply within their partition only
    Map<List<Object>, List<Object[]>> byPartition = new LinkedHashMap<>();
    for (Map<String, ?> r : records) {
      Object[] values = new Object[keyFields.size()];
      Object[] row = new Object[schema.size()];
      for (int k = 0; k < values.length; k++) {
        values[k] = RecordValidator.canonical(keyFields.get(k), r.get(keyFields.get(k).name()));
        row[schema.positionOfId(ids.get(k))] = values[k];
      }
      List<Object> partition = partitioner == null ? List.of() : partitioner.partition(row);
      byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(values);
    }
    String writeId = UUID.randomUUID().toString();
    int[] n = {0};
    List<DataFile> out = new ArrayList<>();
    for (Map.Entry<List<Object>, List<Object[]>> group : byPartition.entrySet()) {
      String path = partitioner == null ? null : partitioner.path(group.getKey());
      RollingDataWriter w = new RollingDataWriter(files.storage(), keySchema,
          ParquetOptions.fromProperties(metadata.properties()),
          () -> files.deleteFileLocation(path, writeId, n[0]++), null);
      try {
        for (Object[] values : group.getValue()) {
          w.write(Row.wrap(keySchema, values));
        }
        for (DataFile f : w.complete()) {
          out.add(f.toBuilder().content(DataFile.CONTENT_EQUALITY_DELETES).equalityIds(ids)
              .specId(spec.specId()).partition(group.getKey()).build());
        }
      } catch (RuntimeException e) {
        files.deleteQuietly(out.stream().map(DataFile::location).toList());
        throw e;
      } finally {
        w.close();
      }
    }
    return out;
  }
}
