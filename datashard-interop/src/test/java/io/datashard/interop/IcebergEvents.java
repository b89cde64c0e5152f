package io.datashard.interop;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/** An (id, event, value) table written and read with Apache Iceberg's own generic writers and reader. */
final class IcebergEvents {
  /** id is required and the identifier field. */
  static final Schema SCHEMA = new Schema(List.of(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.required(2, "event", Types.StringType.get()),
      Types.NestedField.optional(3, "value", Types.DoubleType.get())), Set.of(1));

  /** The same columns (ids, names, types) as DataShard spells them, for tables DataShard creates. */
  static final io.datashard.Schema DATASHARD_SCHEMA = io.datashard.Schema.of(
      io.datashard.Field.required(1, "id", io.datashard.Types.LONG),
      io.datashard.Field.required(2, "event", io.datashard.Types.STRING),
      io.datashard.Field.optional(3, "value", io.datashard.Types.DOUBLE));

  private IcebergEvents() {
  }

  /** @return a new output file in the table's data folder */
  static EncryptedOutputFile newFile(Table t) {
    return EncryptedFiles.plainAsEncryptedOutput(
        t.io().newOutputFile(t.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet")));
  }

  /** @return a data file (not committed) holding rows {@code (id, "e" + id)} in the table's current spec */
  static DataFile write(Table t, long... ids) throws IOException {
    var writer = new GenericFileWriterFactory.Builder(t).build().newDataWriter(newFile(t), t.spec(), null);
    try (writer) {
      for (long id : ids) {
        GenericRecord r = GenericRecord.create(t.schema());
        r.setField("id", id);
        r.setField("event", "e" + id);
        writer.write(r);
      }
    }
    return writer.toDataFile();
  }

  /** @return the ids Iceberg's generic reader returns for the current snapshot (each must appear once) */
  static Set<Long> ids(Table t) throws IOException {
    Set<Long> ids = new HashSet<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
      for (Record r : rows) {
        if (!ids.add((Long) r.getField("id"))) {
          throw new AssertionError("row " + r + " appears twice");
        }
      }
    }
    return ids;
  }

  /** @return the partition of a row with this id in the table's current spec (null when unpartitioned) */
  static org.apache.iceberg.PartitionKey partitionOf(Table t, long id) {
    if (t.spec().isUnpartitioned()) {
      return null;
    }
    GenericRecord r = GenericRecord.create(t.schema());
    r.setField("id", id);
    r.setField("event", "e" + id);
    org.apache.iceberg.PartitionKey key = new org.apache.iceberg.PartitionKey(t.spec(), t.schema());
    key.partition(r);
    return key;
  }

  /** @return data files (not committed) holding rows {@code (id, "e" + id)}, one per partition of the ids */
  static java.util.List<DataFile> writePartitioned(Table t, java.util.List<Long> ids) throws IOException {
    java.util.Map<org.apache.iceberg.StructLike, java.util.List<Long>> byPartition = new java.util.LinkedHashMap<>();
    for (long id : ids) {
      org.apache.iceberg.PartitionKey k = partitionOf(t, id);
      byPartition.computeIfAbsent(k == null ? null : k.copy(), x -> new java.util.ArrayList<>()).add(id);
    }
    java.util.List<DataFile> out = new java.util.ArrayList<>();
    for (var e : byPartition.entrySet()) {
      var writer = new GenericFileWriterFactory.Builder(t).build().newDataWriter(newFile(t), t.spec(), e.getKey());
      try (writer) {
        for (long id : e.getValue()) {
          GenericRecord r = GenericRecord.create(t.schema());
          r.setField("id", id);
          r.setField("event", "e" + id);
          writer.write(r);
        }
      }
      out.add(writer.toDataFile());
    }
    return out;
  }

  /** @return equality delete files on {@code id}, one per partition of the ids */
  static java.util.List<org.apache.iceberg.DeleteFile> equalityDeletesPartitioned(Table t, long... ids)
      throws IOException {
    org.apache.iceberg.Schema idOnly = t.schema().select("id");
    java.util.Map<org.apache.iceberg.StructLike, java.util.List<Long>> byPartition = new java.util.LinkedHashMap<>();
    for (long id : ids) {
      org.apache.iceberg.PartitionKey k = partitionOf(t, id);
      byPartition.computeIfAbsent(k == null ? null : k.copy(), x -> new java.util.ArrayList<>()).add(id);
    }
    java.util.List<org.apache.iceberg.DeleteFile> out = new java.util.ArrayList<>();
    for (var e : byPartition.entrySet()) {
      org.apache.iceberg.deletes.EqualityDeleteWriter<Record> eq = new GenericFileWriterFactory.Builder(t)
          .equalityFieldIds(new int[] {1}).equalityDeleteRowSchema(idOnly).build()
          .newEqualityDeleteWriter(newFile(t), t.spec(), e.getKey());
      try (eq) {
        for (long id : e.getValue()) {
          GenericRecord key = GenericRecord.create(idOnly);
          key.setField("id", id);
          eq.write(key);
        }
      }
      out.add(eq.toDeleteFile());
    }
    return out;
  }

  /** @return a position delete file deleting the given rows of one data file, in that file's partition */
  static org.apache.iceberg.DeleteFile positionDeletes(Table t, DataFile file, long... positions) throws IOException {
    org.apache.iceberg.PartitionSpec spec = t.specs().get(file.specId());
    org.apache.iceberg.PartitionKey key = null;
    if (!spec.isUnpartitioned()) {
      key = new org.apache.iceberg.PartitionKey(spec, t.schema());
      for (int i = 0; i < spec.fields().size(); i++) {
        key.set(i, file.partition().get(i, Object.class));
      }
    }
    org.apache.iceberg.deletes.PositionDeleteWriter<Record> pos = new GenericFileWriterFactory.Builder(t).build()
        .newPositionDeleteWriter(newFile(t), spec, key);
    long[] sorted = positions.clone();
    java.util.Arrays.sort(sorted);
    try (pos) {
      for (long p : sorted) {
        org.apache.iceberg.deletes.PositionDelete<Record> d = org.apache.iceberg.deletes.PositionDelete.create();
        pos.write(d.set(file.location(), p));
      }
    }
    return pos.toDeleteFile();
  }

  /**
   * Commits a deletion vector (format version 3) deleting rows of one data file with Iceberg's own DV writer: the
   * data file's earlier deletion vector, if any, is merged into the new one and removed in the same commit, as the
   * spec requires (one vector per data file).
   */
  static void commitDeletionVector(Table t, DataFile file, long... positions) throws IOException {
    java.util.Map<String, org.apache.iceberg.DeleteFile> previous = new java.util.HashMap<>();
    try (CloseableIterable<org.apache.iceberg.FileScanTask> tasks = t.newScan().planFiles()) {
      for (org.apache.iceberg.FileScanTask task : tasks) {
        for (org.apache.iceberg.DeleteFile d : task.deletes()) {
          if (d.format() == org.apache.iceberg.FileFormat.PUFFIN) {
            previous.put(d.referencedDataFile(), d);
          }
        }
      }
    }
    org.apache.iceberg.data.BaseDeleteLoader loader = new org.apache.iceberg.data.BaseDeleteLoader(
        d -> t.io().newInputFile(d.location()));
    org.apache.iceberg.io.OutputFileFactory files = org.apache.iceberg.io.OutputFileFactory.builderFor(t, 1, 1)
        .format(org.apache.iceberg.FileFormat.PUFFIN).build();
    org.apache.iceberg.deletes.BaseDVFileWriter writer = new org.apache.iceberg.deletes.BaseDVFileWriter(files,
        path -> previous.containsKey(path) ? loader.loadPositionDeletes(List.of(previous.get(path)), path) : null);
    org.apache.iceberg.PartitionSpec spec = t.specs().get(file.specId());
    try (writer) {
      for (long p : positions) {
        writer.delete(file.location(), p, spec, file.partition());
      }
    }
    org.apache.iceberg.io.DeleteWriteResult result = writer.result();
    // Validates from the snapshot the earlier vectors were read from (as engines do), not from the table's start.
    org.apache.iceberg.RowDelta delta = t.newRowDelta().validateFromSnapshot(t.currentSnapshot().snapshotId());
    result.deleteFiles().forEach(delta::addDeletes);
    result.rewrittenDeleteFiles().forEach(delta::removeDeletes);
    delta.commit();
  }

  /** @return the ids Iceberg's generic reader returns, sorted, duplicates kept */
  static java.util.List<Long> idList(Table t) throws IOException {
    java.util.List<Long> ids = new java.util.ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
      for (Record r : rows) {
        ids.add((Long) r.getField("id"));
      }
    }
    ids.sort(null);
    return ids;
  }
}
