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
}
