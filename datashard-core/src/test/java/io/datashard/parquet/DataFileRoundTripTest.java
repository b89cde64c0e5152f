package io.datashard.parquet;

import static io.datashard.parquet.ParquetTestSupport.ALL_TYPES;
import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.CloseableIterator;
import io.datashard.Row;
import io.datashard.metadata.DataFile;
import io.datashard.types.DateTimeUtil;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DataFileRoundTripTest {
  @TempDir
  Path dir;

  static List<Object[]> extremeRows() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {true, Integer.MAX_VALUE, Long.MAX_VALUE, Float.MAX_VALUE, Double.MAX_VALUE,
        DateTimeUtil.dateFromDays(Integer.MAX_VALUE), LocalTime.of(23, 59, 59, 999_999_000),
        DateTimeUtil.timestampFromMicros(Long.MAX_VALUE), DateTimeUtil.timestamptzFromMicros(Long.MAX_VALUE),
        "", new UUID(-1L, -1L), ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}),
        ByteBuffer.allocate(0), new BigDecimal("9999999.99"), new BigDecimal("99999999999999.9999"),
        new BigDecimal("9999999999999999999999999999.9999999999")});
    rows.add(new Object[] {false, Integer.MIN_VALUE, Long.MIN_VALUE, -Float.MAX_VALUE, -Double.MAX_VALUE,
        DateTimeUtil.dateFromDays(Integer.MIN_VALUE), LocalTime.MIDNIGHT,
        DateTimeUtil.timestampFromMicros(Long.MIN_VALUE), DateTimeUtil.timestamptzFromMicros(Long.MIN_VALUE),
        "h\u00e9llo w\u00f6rld \u2713 \uD83D\uDE00\uD83C\uDF89 \u4e2d\u6587", new UUID(0L, 0L),
        ByteBuffer.wrap(new byte[] {0, 1, 2}), ByteBuffer.wrap(new byte[] {0, (byte) 0x80, (byte) 0xFF}),
        new BigDecimal("-9999999.99"), new BigDecimal("-99999999999999.9999"),
        new BigDecimal("-9999999999999999999999999999.9999999999")});
    rows.add(new Object[] {true, null, null, Float.NaN, Double.NaN, null, null, null, null, null, null, null,
        null, null, null, null});
    rows.add(new Object[] {false, 0, 0L, Float.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
        LocalDate.of(1970, 1, 1), LocalTime.of(12, 0, 0, 1000), LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000),
        OffsetDateTime.of(2024, 2, 29, 12, 30, 0, 123_456_000, ZoneOffset.UTC), "plain", UUID.randomUUID(),
        ByteBuffer.wrap(new byte[] {9, 8, 7}), ByteBuffer.wrap("bytes".getBytes()), new BigDecimal("0.01"),
        new BigDecimal("-0.0001"), new BigDecimal("0E-10")});
    rows.add(new Object[] {true, -1, -1L, -0.0f, -0.0d, LocalDate.of(1, 1, 1), LocalTime.of(0, 0, 0, 1000),
        LocalDateTime.of(2262, 4, 11, 23, 47, 16, 854_775_000), OffsetDateTime.of(1900, 1, 1, 0, 0, 0, 0,
        ZoneOffset.UTC), "x".repeat(10_000), UUID.fromString("80000000-0000-0000-8000-000000000000"),
        ByteBuffer.wrap(new byte[] {0, 0, 0}), ByteBuffer.wrap(new byte[] {0}), new BigDecimal("0.00"),
        new BigDecimal("1.0000"), new BigDecimal("1E-10")});
    rows.add(new Object[] {false, null, null, Float.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, null, null,
        null, null, null, null, null, null, null, null, null});
    rows.add(new Object[] {true, 1, 1L, Float.MIN_VALUE, Double.MIN_VALUE, null, null, null, null, null, null,
        null, null, null, null, null});
    return rows;
  }

  @ParameterizedTest
  @EnumSource(ParquetOptions.Codec.class)
  void everyTypeRoundTripsWithEveryCodec(ParquetOptions.Codec codec) throws Exception {
    TestLocalStorage storage = new TestLocalStorage(dir);
    String location = dir.resolve("data/all-" + codec + ".parquet").toString();
    List<Object[]> rows = extremeRows();
    DataFile file = ParquetTestSupport.write(storage, location, ALL_TYPES,
        ParquetOptions.defaults().withCodec(codec), rows);

    assertThat(file.location()).isEqualTo(location);
    assertThat(file.fileFormat()).isEqualTo("PARQUET");
    assertThat(file.recordCount()).isEqualTo(rows.size());
    assertThat(file.fileSizeInBytes()).isEqualTo(Files.size(Path.of(location)));

    // bounds of values longer than parquet-java's 4 KiB footer statistics limit are still collected
    assertThat(io.datashard.metadata.Conversions.fromByteBuffer(io.datashard.Types.STRING,
        file.upperBounds().get(10))).isEqualTo("x".repeat(15) + "y");
    assertThat(file.nullValueCounts()).containsEntry(1, 0L).containsEntry(2, 2L).containsEntry(16, 3L);
    assertThat(file.nanValueCounts()).containsEntry(4, 1L).containsEntry(5, 1L);

    List<Object[]> back = ParquetTestSupport.readAll(storage, location, ALL_TYPES);
    assertThat(back).hasSize(rows.size());
    for (int r = 0; r < rows.size(); r++) {
      // Double/Float equals distinguishes -0.0 from 0.0 and treats NaN as equal to NaN: exact comparison.
      assertThat(back.get(r)).as("row %d", r).containsExactly(rows.get(r));
    }
    // Decimals come back with the column's exact scale.
    assertThat(((BigDecimal) back.get(3)[14]).scale()).isEqualTo(4);
    assertThat(((BigDecimal) back.get(3)[13]).scale()).isEqualTo(2);
  }

  @Test
  void recordsAndWideningInputsAreWritten() {
    TestLocalStorage storage = new TestLocalStorage(dir);
    String location = dir.resolve("records.parquet").toString();
    Object[] values = new Object[ALL_TYPES.size()];
    values[0] = true;
    values[2] = 7; // Integer into a long column
    values[4] = 1.5f; // Float into a double column
    values[8] = Instant.parse("2020-01-01T00:00:00.000001Z");
    values[11] = new byte[] {1, 2, 3};
    values[12] = new byte[] {4};
    values[13] = new BigDecimal("1.5"); // smaller scale, rescaled exactly
    DataFileWriter w = DataFileWriter.create(storage.newOutputFile(location), ALL_TYPES,
        ParquetOptions.defaults());
    try (w) {
      w.write(Row.wrap(ALL_TYPES, values));
    }
    assertThat(w.dataFile().recordCount()).isEqualTo(1);

    try (CloseableIterator<Row> it = DataFileReader.read(storage.newInputFile(location), ALL_TYPES)) {
      Row r = it.next();
      assertThat(r.get("l")).isEqualTo(7L);
      assertThat(r.get("d")).isEqualTo(1.5d);
      assertThat(r.get("tstz")).isEqualTo(OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 1000, ZoneOffset.UTC));
      assertThat(r.get("fx")).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertThat(r.get("bin")).isEqualTo(ByteBuffer.wrap(new byte[] {4}));
      assertThat(r.get("dec9")).isEqualTo(new BigDecimal("1.50"));
      assertThat(r.get("s")).isNull();
      assertThat(it.hasNext()).isFalse();
    }
  }

  @Test
  void manyRowsAcrossRowGroupsAndDictionaryPagesRoundTrip() {
    TestLocalStorage storage = new TestLocalStorage(dir);
    String location = dir.resolve("many.parquet").toString();
    io.datashard.Schema schema = io.datashard.Schema.of(
        io.datashard.Field.required(1, "id", io.datashard.Types.LONG),
        io.datashard.Field.optional(2, "cat", io.datashard.Types.STRING),
        io.datashard.Field.optional(3, "name", io.datashard.Types.STRING));
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      rows.add(new Object[] {(long) i, i % 7 == 0 ? null : "cat-" + (i % 13), "name-" + i});
    }
    DataFile file = ParquetTestSupport.write(storage, location, schema,
        ParquetOptions.defaults().withRowGroupSizeBytes(64 * 1024).withPageSizeBytes(8 * 1024), rows);
    assertThat(file.splitOffsets()).hasSizeGreaterThan(1).isSorted();

    try (DataFileReader reader = DataFileReader.open(storage.newInputFile(location), schema)) {
      assertThat(reader.rowGroups()).hasSize(file.splitOffsets().size());
      assertThat(reader.rowGroups().stream().map(b -> b.getStartingPos()).toList())
          .isEqualTo(file.splitOffsets());
      assertThat(reader.recordCount()).isEqualTo(50_000);
    }
    List<Object[]> back = ParquetTestSupport.readAll(storage, location, schema);
    assertThat(back).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(back.get(i)).containsExactly(rows.get(i));
    }
  }

  @Test
  void aFailedWriteMakesTheFileUnusableInsteadOfCorruptingIt() {
    TestLocalStorage storage = new TestLocalStorage(dir);
    String location = dir.resolve("failed.parquet").toString();
    DataFileWriter w = DataFileWriter.create(storage.newOutputFile(location), ALL_TYPES, ParquetOptions.defaults());
    Object[] bad = new Object[ALL_TYPES.size()];
    bad[0] = true;
    bad[2] = "not a long";
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.write(bad)).isInstanceOf(ClassCastException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.write(new Object[ALL_TYPES.size()]))
        .isInstanceOf(IllegalStateException.class);
    w.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(w::dataFile).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(location);
  }
}
