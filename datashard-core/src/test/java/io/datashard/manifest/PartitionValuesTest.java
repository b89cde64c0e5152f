package io.datashard.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Type;
import io.datashard.Types;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

/** Partition values: normalization of what callers pass, and the Avro round trip Iceberg readers see. */
class PartitionValuesTest {
  private static Object roundTrip(Type type, Object value) {
    Schema avro = ManifestSchemas.avroType(type);
    Object datum = PartitionValues.toAvro(type, PartitionValues.normalize(type, value), avro);
    Object raw = datum instanceof GenericData.Fixed ? ((GenericData.Fixed) datum).bytes() : datum;
    return PartitionValues.fromAvro(avro, raw);
  }

  @Test
  void everyTypeSurvivesTheAvroRoundTrip() {
    assertThat(roundTrip(Types.INT, Integer.MIN_VALUE)).isEqualTo(Integer.MIN_VALUE);
    assertThat(roundTrip(Types.LONG, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(roundTrip(Types.BOOLEAN, true)).isEqualTo(true);
    assertThat(roundTrip(Types.DOUBLE, -0.0)).isEqualTo(-0.0);
    assertThat(roundTrip(Types.STRING, "日本 ✓")).isEqualTo("日本 ✓");
    assertThat(roundTrip(Types.DATE, LocalDate.of(1, 1, 1))).isEqualTo(LocalDate.of(1, 1, 1));
    assertThat(roundTrip(Types.DATE, LocalDate.of(1969, 12, 31))).isEqualTo(LocalDate.of(1969, 12, 31));
    assertThat(roundTrip(Types.TIME, LocalTime.of(23, 59, 59, 999_999_000))).isEqualTo(LocalTime.of(23, 59, 59, 999_999_000));
    assertThat(roundTrip(Types.TIMESTAMP, LocalDateTime.of(1900, 1, 1, 0, 0, 0, 1000)))
        .isEqualTo(LocalDateTime.of(1900, 1, 1, 0, 0, 0, 1000));
    assertThat(roundTrip(Types.TIMESTAMP_TZ, OffsetDateTime.of(2024, 1, 1, 1, 0, 0, 0, ZoneOffset.ofHours(1))))
        .isEqualTo(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    UUID u = new UUID(-1L, 1L);
    assertThat(roundTrip(Types.UUID, u)).isEqualTo(u);
    assertThat(roundTrip(Types.fixed(3), new byte[] {0, -1, 2})).isEqualTo(ByteBuffer.wrap(new byte[] {0, -1, 2}));
    assertThat(roundTrip(Types.BINARY, ByteBuffer.wrap(new byte[0]))).isEqualTo(ByteBuffer.wrap(new byte[0]));
    for (String d : new String[] {"0.00", "-0.01", "9999999.99", "-9999999.99", "1.5"}) {
      assertThat(roundTrip(Types.decimal(9, 2), new BigDecimal(d))).isEqualTo(new BigDecimal(d).setScale(2));
    }
  }

  @Test
  void widensSmallerJavaTypesAndNormalizesZonesToUtc() {
    assertThat(PartitionValues.normalize(Types.INT, (short) 7)).isEqualTo(7);
    assertThat(PartitionValues.normalize(Types.LONG, 7)).isEqualTo(7L);
    assertThat(PartitionValues.normalize(Types.DOUBLE, 1.5f)).isEqualTo(1.5);
    assertThat(PartitionValues.normalize(Types.TIMESTAMP_TZ, Instant.EPOCH))
        .isEqualTo(Instant.EPOCH.atOffset(ZoneOffset.UTC));
    assertThat(PartitionValues.normalize(Types.TIMESTAMP_TZ, ZonedDateTime.of(2024, 1, 1, 9, 0, 0, 0,
        java.time.ZoneId.of("Asia/Tokyo")))).isEqualTo(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(PartitionValues.normalize(Types.LONG, null)).isNull();
  }

  @Test
  void valuesThatDoNotFitTheTypeAreRejected() {
    assertRejected(Types.INT, 1L);
    assertRejected(Types.INT, "1");
    assertRejected(Types.LONG, 1.0);
    assertRejected(Types.DOUBLE, 1);
    assertRejected(Types.FLOAT, 1.0);
    assertRejected(Types.BOOLEAN, "true");
    assertRejected(Types.DATE, LocalDateTime.of(2024, 1, 1, 0, 0));
    assertRejected(Types.TIMESTAMP, OffsetDateTime.now());
    assertRejected(Types.UUID, "00000000-0000-0000-0000-000000000000");
    assertThatThrownBy(() -> PartitionValues.normalize(Types.fixed(2), new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 2 bytes, got 3");
    assertRejected(Types.decimal(9, 2), new BigDecimal("1.555"));
    assertRejected(Types.decimal(9, 2), 1);
  }

  @Test
  void aDecimalWithMoreDigitsThanItsPrecisionIsRejectedEvenWhenItsBytesWouldFit() {
    // 10000000.00 has 10 digits: it does not fit decimal(9, 2), although its unscaled value fits 4 bytes
    assertRejected(Types.decimal(9, 2), new BigDecimal("10000000.00"));
    assertRejected(Types.decimal(9, 2), new BigDecimal("-10000000"));
    assertThat(PartitionValues.normalize(Types.decimal(9, 2), new BigDecimal("9999999.9")))
        .isEqualTo(new BigDecimal("9999999.90"));
  }

  @Test
  void decimalBytesAreMinimalTwosComplementSignExtended() {
    assertThat(PartitionValues.decimalBytes(new BigDecimal("-1"), 4)).containsExactly(-1, -1, -1, -1);
    assertThat(PartitionValues.decimalBytes(new BigDecimal("255"), 3)).containsExactly(0, 0, -1);
    assertThatThrownBy(() -> PartitionValues.decimalBytes(new BigDecimal("2147483648"), 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 bytes");
  }

  private static void assertRejected(Type type, Object value) {
    assertThatThrownBy(() -> PartitionValues.normalize(type, value)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(type.toString());
  }
}
