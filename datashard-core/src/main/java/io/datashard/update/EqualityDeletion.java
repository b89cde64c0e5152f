package io.datashard.update;

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
 * Merge-on-read upserts: an Iceberg v2 equality delete file holding the keys (identifier-field values) of the rows
 * an upsert replaces. Nothing is read: the delete applies to every data file committed before it, and the upsert's
 * own new rows, committed in the same snapshot, are not deleted by it (the spec's sequence-number rule).
 *
 * <p>Written only for unpartitioned tables with top-level identifier fields; {@link #applies} says when.
 */
public final class EqualityDeletion {
  private EqualityDeletion() {
  }

  /**
   * @param metadata the table version
   * @return whether an upsert can use equality deletes: merge-on-read upserts ({@link WriteModes}), an unpartitioned
   *     current spec (a global equality delete must not miss an old row in another partition), top-level identifier
   *     fields, none of them encrypted (the delete file would hold their values in plaintext)
   */
  public static boolean applies(TableMetadata metadata) {
    if (!WriteModes.upsertsMergeOnRead(metadata.properties()) || !metadata.spec().isUnpartitioned()) {
      return false;
    }
    Schema schema = metadata.schema();
    Set<Integer> ids = schema.identifierFieldIds();
    if (ids.isEmpty() || !ids.stream().allMatch(id -> schema.positionOfId(id) >= 0)) {
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
    String writeId = UUID.randomUUID().toString();
    int[] n = {0};
    RollingDataWriter w = new RollingDataWriter(files.storage(), keySchema,
        ParquetOptions.fromProperties(metadata.properties()),
        () -> files.deleteFileLocation(null, writeId, n[0]++), null);
    List<DataFile> out = new ArrayList<>();
    try {
      for (Map<String, ?> r : records) {
        Object[] values = new Object[keyFields.size()];
        for (int k = 0; k < values.length; k++) {
          values[k] = RecordValidator.canonical(keyFields.get(k), r.get(keyFields.get(k).name()));
        }
        w.write(Row.wrap(keySchema, values));
      }
      for (DataFile f : w.complete()) {
        out.add(f.toBuilder().content(DataFile.CONTENT_EQUALITY_DELETES).equalityIds(ids)
            .specId(metadata.spec().specId()).partition(List.of()).build());
      }
    } finally {
      w.close();
    }
    return out;
  }
}
