package io.datashard.parquet;

import static io.datashard.Field.optional;
import static io.datashard.Field.required;
import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Schema;
import io.datashard.Type;
import io.datashard.Types;
import io.datashard.metadata.Conversions;
import io.datashard.metadata.DataFile;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMetricsTest {
  @TempDir
  Path dir;

  private static final Schema SCHEMA = Schema.of(
      required(1, "l", Types.LONG),
      optional(2, "d", Types.DOUBLE),
      optional(3, "f", Types.FLOAT),
      optional(4, "s", Types.STRING),
      optional(5, "bin", Types.BINARY),
      optional(6, "dec38", Types.decimal(38, 2)),
      optional(7, "u", Types.UUID),
      optional(8, "allnull", Types.INT),
      optional(9, "nan", Types.DOUBLE),
      optional(10, "date", Types.DATE),
      optional(11, "dec9", Types.decimal(9, 0)));

  private static Object bound(DataFile f, java.util.Map<Integer, ByteBuffer> bounds, int id) {
    Type t = SCHEMA.findField(id).type();
    ByteBuffer b = bounds.get(id);
    return b == null ? null : Conversions.fromByteBuffer(t, b);
  }

  private static ByteBuffer bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return ByteBuffer.wrap(out);
  }

  @Test
  void countsAndBoundsAreExact() {
    TestLocalStorage storage = new TestLocalStorage(dir);
    List<Object[]> rows = List.of(
        new Object[] {5L, 1.5d, 2.5f, "b", bytes(0x01), new BigDecimal("3.00"), new UUID(1, 0), null,
            Double.NaN, LocalDate.of(2020, 5, 1), new BigDecimal("-7")},
        new Object[] {-3L, Double.NaN, Float.NaN, "\u00e9", bytes(0x80), new BigDecimal("-5.00"),
            new UUID(0x8000000000000000L, 0), null, Double.NaN, LocalDate.of(1999, 1, 1), new BigDecimal("12")},
        new Object[] {100L, null, null, null, null, null, null, null, null, null, null},
        new Object[] {7L, Double.NEGATIVE_INFINITY, -0.0f, "a", bytes(0x7F, 0xFF), new BigDecimal("-0.01"),
            new UUID(2, 0), null, Double.NaN, LocalDate.of(2020, 5, 2), new BigDecimal("0")},
        new Object[] {8L, -2.0d, 0.0f, "", bytes(), new BigDecimal("0.00"), new UUID(0, 0), null, null, null,
            null});
    DataFile f = ParquetTestSupport.write(storage, dir.resolve("m.parquet").toString(), SCHEMA,
        ParquetOptions.defaults(), rows);

    assertThat(f.recordCount()).isEqualTo(5);
    for (int id = 1; id <= 11; id++) {
      assertThat(f.valueCounts()).containsEntry(id, 5L);
      assertThat(f.columnSizes().get(id)).isPositive();
    }
    assertThat(f.nullValueCounts()).containsEntry(1, 0L).containsEntry(2, 1L).containsEntry(4, 1L)
        .containsEntry(8, 5L).containsEntry(9, 2L).containsEntry(11, 2L);
    assertThat(f.nanValueCounts()).containsOnlyKeys(2, 3, 9)
        .containsEntry(2, 1L).containsEntry(3, 1L).containsEntry(9, 3L);

    assertThat(bound(f, f.lowerBounds(), 1)).isEqualTo(-3L);
    assertThat(bound(f, f.upperBounds(), 1)).isEqualTo(100L);
    // NaN is excluded from bounds; -Infinity is a real value
    assertThat(bound(f, f.lowerBounds(), 2)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(bound(f, f.upperBounds(), 2)).isEqualTo(1.5d);
    // -0.0 orders below 0.0
    assertThat(bound(f, f.lowerBounds(), 3)).isEqualTo(-0.0f);
    assertThat(bound(f, f.upperBounds(), 3)).isEqualTo(2.5f);
    // strings compare as unsigned UTF-8 bytes (code points): "é" (0xC3..) is above "b"; "" is the minimum
    assertThat(bound(f, f.lowerBounds(), 4)).isEqualTo("");
    assertThat(bound(f, f.upperBounds(), 4)).isEqualTo("\u00e9");
    // binary compares unsigned: 0x80 is above 0x7F 0xFF; the empty value is the minimum
    assertThat(bound(f, f.lowerBounds(), 5)).isEqualTo(bytes());
    assertThat(bound(f, f.upperBounds(), 5)).isEqualTo(bytes(0x80));
    // decimals stored as fixed bytes compare as signed integers
    assertThat(bound(f, f.lowerBounds(), 6)).isEqualTo(new BigDecimal("-5.00"));
    assertThat(bound(f, f.upperBounds(), 6)).isEqualTo(new BigDecimal("3.00"));
    assertThat(bound(f, f.lowerBounds(), 11)).isEqualTo(new BigDecimal("-7"));
    assertThat(bound(f, f.upperBounds(), 11)).isEqualTo(new BigDecimal("12"));
    // UUIDs have no min/max (see uuidColumnsHaveNoMinMax); their counts are exact
    assertThat(f.lowerBounds()).doesNotContainKey(7);
    assertThat(f.upperBounds()).doesNotContainKey(7);
    // all-null and all-NaN columns have no bounds
    assertThat(f.lowerBounds()).doesNotContainKeys(8, 9);
    assertThat(f.upperBounds()).doesNotContainKeys(8, 9);
    assertThat(bound(f, f.lowerBounds(), 10)).isEqualTo(LocalDate.of(1999, 1, 1));
    assertThat(bound(f, f.upperBounds(), 10)).isEqualTo(LocalDate.of(2020, 5, 2));
  }

  @Test
  void stringAndBinaryBoundsAreTruncatedTo16() {
    TestLocalStorage storage = new TestLocalStorage(dir);
    String longMax = "zzzzzzzzzzzzzzzzzzzz"; // 20 chars
    String longMin = "aaaaaaaaaaaaaaaaaaaaaaaa"; // 24 chars
    List<Object[]> rows = List.of(
        new Object[] {1L, null, null, longMin, ByteBuffer.wrap(new byte[20]), null, null, null, null, null, null},
        new Object[] {2L, null, null, longMax, bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0xFF, 0xFF,
            9), null, null, null, null, null, null});
    DataFile f = ParquetTestSupport.write(storage, dir.resolve("t.parquet").toString(), SCHEMA,
        ParquetOptions.defaults(), rows);
    assertThat(bound(f, f.lowerBounds(), 4)).isEqualTo("a".repeat(16));
    assertThat(bound(f, f.upperBounds(), 4)).isEqualTo("z".repeat(15) + "{");
    assertThat(bound(f, f.lowerBounds(), 5)).isEqualTo(ByteBuffer.wrap(new byte[16]));
    // the 16-byte prefix ends in 0xFF: that byte is dropped and the one before is incremented
    assertThat(bound(f, f.upperBounds(), 5)).isEqualTo(bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16));
  }

  @Test
  void upperBoundIsDroppedWhenItCannotBeIncremented() {
    TestLocalStorage storage = new TestLocalStorage(dir);
    String maxCodePoints = "\uDBFF\uDFFF".repeat(17); // U+10FFFF x 17
    byte[] ff = new byte[17];
    java.util.Arrays.fill(ff, (byte) 0xFF);
    List<Object[]> rows = List.<Object[]>of(new Object[] {1L, null, null, maxCodePoints, ByteBuffer.wrap(ff), null,
        null, null, null, null, null});
    DataFile f = ParquetTestSupport.write(storage, dir.resolve("d.parquet").toString(), SCHEMA,
        ParquetOptions.defaults(), rows);
    assertThat(bound(f, f.lowerBounds(), 4)).isEqualTo("\uDBFF\uDFFF".repeat(16));
    assertThat(f.upperBounds()).doesNotContainKeys(4, 5);
    assertThat(bound(f, f.lowerBounds(), 5)).isEqualTo(ByteBuffer.wrap(java.util.Arrays.copyOf(ff, 16)));
  }

  @Test
  void boundsAndSizesAreMergedAcrossRowGroups() {
    TestLocalStorage storage = new TestLocalStorage(dir);
    String location = dir.resolve("rg.parquet").toString();
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      rows.add(new Object[] {(long) i, i * 0.5, null, String.format("k%06d", i), null, null, null, null, null,
          null, null});
    }
    DataFile f = ParquetTestSupport.write(storage, location, SCHEMA,
        ParquetOptions.defaults().withRowGroupSizeBytes(16 * 1024), rows);
    assertThat(f.splitOffsets()).hasSizeGreaterThan(2);
    assertThat(bound(f, f.lowerBounds(), 1)).isEqualTo(0L);
    assertThat(bound(f, f.upperBounds(), 1)).isEqualTo(19_999L);
    assertThat(bound(f, f.upperBounds(), 2)).isEqualTo(9999.5d);
    assertThat(bound(f, f.lowerBounds(), 4)).isEqualTo("k000000");
    assertThat(bound(f, f.upperBounds(), 4)).isEqualTo("k019999");

    try (DataFileReader r = DataFileReader.open(storage.newInputFile(location), SCHEMA)) {
      long total = 0;
      for (BlockMetaData b : r.rowGroups()) {
        for (ColumnChunkMetaData c : b.getColumns()) {
          if (c.getPath().toDotString().equals("s")) {
            total += c.getTotalSize();
          }
        }
      }
      assertThat(f.columnSizes().get(4)).isEqualTo(total);
    }
  }

  /**
   * Iceberg's Java library (through 1.12) compares UUID min/max as signed java.util.UUID while Parquet orders them
   * as unsigned bytes, so it would skip the row group and file holding {@code 00000000-...} below: neither the
   * Parquet footer nor the manifest may carry a UUID min/max.
   */
  @Test
  void uuidColumnsHaveNoMinMax() {
    TestLocalStorage storage = new TestLocalStorage(dir);
    String location = dir.resolve("u.parquet").toString();
    List<Object[]> rows = List.of(
        new Object[] {1L, null, null, null, null, null, new UUID(0, 0), null, null, null, null},
        new Object[] {2L, null, null, null, null, null, new UUID(-1, -1), null, null, null, null},
        new Object[] {3L, null, null, null, null, null, null, null, null, null, null});
    DataFile f = ParquetTestSupport.write(storage, location, SCHEMA, ParquetOptions.defaults(), rows);
    assertThat(f.lowerBounds()).doesNotContainKey(7).containsKey(1);
    assertThat(f.upperBounds()).doesNotContainKey(7).containsKey(1);
    assertThat(f.valueCounts()).containsEntry(7, 3L);
    assertThat(f.nullValueCounts()).containsEntry(7, 1L);
    try (DataFileReader r = DataFileReader.open(storage.newInputFile(location), SCHEMA)) {
      for (BlockMetaData b : r.rowGroups()) {
        for (ColumnChunkMetaData c : b.getColumns()) {
          if (c.getPath().toDotString().equals("u")) {
            assertThat(c.getStatistics() == null || !c.getStatistics().hasNonNullValue())
                .as("footer min/max of the UUID column").isTrue();
          } else if (c.getPath().toDotString().equals("l")) {
            assertThat(c.getStatistics().hasNonNullValue()).isTrue();
          }
        }
      }
    }
    assertThat(ParquetTestSupport.readAll(storage, location, SCHEMA)).extracting(row -> row[6])
        .containsExactly(new UUID(0, 0), new UUID(-1, -1), null);
  }
}
