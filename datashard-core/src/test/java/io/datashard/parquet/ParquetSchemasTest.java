package io.datashard.parquet;

import static io.datashard.parquet.ParquetTestSupport.ALL_TYPES;
import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Field;
import io.datashard.Types;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetSchemasTest {
  @TempDir
  Path dir;

  private static void check(MessageType m, String name, int id, Repetition rep, PrimitiveTypeName physical,
      LogicalTypeAnnotation logical, int length) {
    PrimitiveType t = m.getType(name).asPrimitiveType();
    assertThat(t.getId()).as(name).isNotNull();
    assertThat(t.getId().intValue()).as(name).isEqualTo(id);
    assertThat(t.getRepetition()).as(name).isEqualTo(rep);
    assertThat(t.getPrimitiveTypeName()).as(name).isEqualTo(physical);
    assertThat(t.getLogicalTypeAnnotation()).as(name).isEqualTo(logical);
    if (length > 0) {
      assertThat(t.getTypeLength()).as(name).isEqualTo(length);
    }
  }

  /** The schema written into the file footer carries the ids and Iceberg's type mapping. */
  @Test
  void writtenFileSchemaCarriesIdsAndIcebergTypes() {
    TestLocalStorage storage = new TestLocalStorage(dir);
    String location = dir.resolve("s.parquet").toString();
    ParquetTestSupport.write(storage, location, ALL_TYPES, ParquetOptions.defaults(),
        DataFileRoundTripTest.extremeRows());
    MessageType m;
    try (DataFileReader r = DataFileReader.open(storage.newInputFile(location), ALL_TYPES)) {
      m = r.fileSchema();
    }
    assertThat(m.getName()).isEqualTo("table");
    assertThat(m.getFieldCount()).isEqualTo(ALL_TYPES.size());
    Repetition opt = Repetition.OPTIONAL;
    check(m, "b", 1, Repetition.REQUIRED, PrimitiveTypeName.BOOLEAN, null, 0);
    check(m, "i", 2, opt, PrimitiveTypeName.INT32, null, 0);
    check(m, "l", 3, opt, PrimitiveTypeName.INT64, null, 0);
    check(m, "f", 4, opt, PrimitiveTypeName.FLOAT, null, 0);
    check(m, "d", 5, opt, PrimitiveTypeName.DOUBLE, null, 0);
    check(m, "date", 6, opt, PrimitiveTypeName.INT32, LogicalTypeAnnotation.dateType(), 0);
    check(m, "time", 7, opt, PrimitiveTypeName.INT64, LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS), 0);
    check(m, "ts", 8, opt, PrimitiveTypeName.INT64, LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS), 0);
    check(m, "tstz", 9, opt, PrimitiveTypeName.INT64, LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS), 0);
    check(m, "s", 10, opt, PrimitiveTypeName.BINARY, LogicalTypeAnnotation.stringType(), 0);
    check(m, "u", 11, opt, PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, LogicalTypeAnnotation.uuidType(), 16);
    check(m, "fx", 12, opt, PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, null, 3);
    check(m, "bin", 13, opt, PrimitiveTypeName.BINARY, null, 0);
    check(m, "dec9", 14, opt, PrimitiveTypeName.INT32, LogicalTypeAnnotation.decimalType(2, 9), 0);
    check(m, "dec18", 15, opt, PrimitiveTypeName.INT64, LogicalTypeAnnotation.decimalType(4, 18), 0);
    check(m, "dec38", 16, opt, PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, LogicalTypeAnnotation.decimalType(10, 38),
        16);
  }

  @Test
  void decimalStorageFollowsPrecision() {
    MessageType m = ParquetSchemas.toMessageType(io.datashard.Schema.of(List.of(
        Field.required(1, "p1", Types.decimal(1, 0)),
        Field.required(2, "p9", Types.decimal(9, 0)),
        Field.required(3, "p10", Types.decimal(10, 0)),
        Field.required(4, "p18", Types.decimal(18, 0)),
        Field.required(5, "p19", Types.decimal(19, 0)),
        Field.required(6, "p28", Types.decimal(28, 0)))));
    assertThat(m.getType("p1").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT32);
    assertThat(m.getType("p9").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT32);
    assertThat(m.getType("p10").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT64);
    assertThat(m.getType("p18").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT64);
    assertThat(m.getType("p19").asPrimitiveType().getTypeLength()).isEqualTo(9);
    assertThat(m.getType("p28").asPrimitiveType().getTypeLength()).isEqualTo(12);
    // the same byte counts Iceberg's TypeUtil.decimalRequiredBytes gives
    int[] expected = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 8, 8, 9, 9, 9, 10, 10, 11, 11, 11, 12, 12,
        13, 13, 13, 14, 14, 15, 15, 16, 16, 16};
    for (int p = 1; p <= 38; p++) {
      assertThat(ParquetSchemas.decimalBytes(p)).as("precision %d", p).isEqualTo(expected[p]);
    }
  }
}
