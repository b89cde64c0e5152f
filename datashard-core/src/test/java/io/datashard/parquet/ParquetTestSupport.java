package io.datashard.parquet;

import static io.datashard.Field.optional;
import static io.datashard.Field.required;

import io.datashard.CloseableIterator;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Types;
import io.datashard.metadata.DataFile;
import java.util.ArrayList;
import java.util.List;

/** Shared schemas and helpers for the tests of this package. */
final class ParquetTestSupport {
  private ParquetTestSupport() {
  }

  /** One column of every type; only the first is required. */
  static final Schema ALL_TYPES = Schema.of(
      required(1, "b", Types.BOOLEAN),
      optional(2, "i", Types.INT),
      optional(3, "l", Types.LONG),
      optional(4, "f", Types.FLOAT),
      optional(5, "d", Types.DOUBLE),
      optional(6, "date", Types.DATE),
      optional(7, "time", Types.TIME),
      optional(8, "ts", Types.TIMESTAMP),
      optional(9, "tstz", Types.TIMESTAMP_TZ),
      optional(10, "s", Types.STRING),
      optional(11, "u", Types.UUID),
      optional(12, "fx", Types.fixed(3)),
      optional(13, "bin", Types.BINARY),
      optional(14, "dec9", Types.decimal(9, 2)),
      optional(15, "dec18", Types.decimal(18, 4)),
      optional(16, "dec38", Types.decimal(38, 10)));

  static DataFile write(TestLocalStorage storage, String location, Schema schema, ParquetOptions options,
      List<Object[]> rows) {
    DataFileWriter w = DataFileWriter.create(storage.newOutputFile(location), schema, options);
    try (w) {
      for (Object[] row : rows) {
        w.write(row);
      }
    }
    return w.dataFile();
  }

  static List<Object[]> readAll(TestLocalStorage storage, String location, Schema projection) {
    List<Object[]> out = new ArrayList<>();
    try (CloseableIterator<Row> it = DataFileReader.read(storage.newInputFile(location), projection)) {
      while (it.hasNext()) {
        out.add(it.next().toArray());
      }
    }
    return out;
  }
}
