package io.datashard.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Types;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TransformsTest {

  /** The hash test vectors of the Iceberg spec, Appendix B. */
  @Test
  void bucketHashMatchesTheSpecsTestVectors() {
    assertThat(Murmur3.hashLong(34)).isEqualTo(2017239379);
    assertThat(Transforms.bucketHash(34)).isEqualTo(2017239379);
    assertThat(Transforms.bucketHash(34L)).isEqualTo(2017239379);
    assertThat(Transforms.bucketHash(new BigDecimal("14.20"))).isEqualTo(-500754589);
    assertThat(Transforms.bucketHash(LocalDate.of(2017, 11, 16))).isEqualTo(-653330422);
    assertThat(Transforms.bucketHash(LocalTime.of(22, 31, 8))).isEqualTo(-662762989);
    assertThat(Transforms.bucketHash(LocalDateTime.of(2017, 11, 16, 22, 31, 8))).isEqualTo(-2047944441);
    assertThat(Transforms.bucketHash(OffsetDateTime.of(2017, 11, 16, 14, 31, 8, 0, ZoneOffset.ofHours(-8))))
        .isEqualTo(-2047944441);
    assertThat(Transforms.bucketHash("iceberg")).isEqualTo(1210000089);
    assertThat(Transforms.bucketHash(UUID.fromString("f79c3e09-677c-4bbd-a479-3f349cb785e7"))).isEqualTo(1488055340);
    assertThat(Transforms.bucketHash(ByteBuffer.wrap(new byte[] {0, 1, 2, 3}))).isEqualTo(-188683207);
  }

  @Test
  void bucketIsNonNegativeModulo() {
    Transform b = Transforms.bucket(16);
    assertThat(b.apply(34)).isEqualTo((2017239379 & Integer.MAX_VALUE) % 16);
    assertThat(b.apply("iceberg")).isEqualTo((1210000089 & Integer.MAX_VALUE) % 16);
    assertThat(b.toString()).isEqualTo("bucket[16]");
    assertThat(b.canTransform(Types.DOUBLE)).isFalse();
  }

  @Test
  void timeTransformsCountUnitsSinceTheEpoch() {
    LocalDateTime ts = LocalDateTime.of(2024, 3, 5, 13, 45);
    assertThat(Transforms.year().apply(ts)).isEqualTo(54);
    assertThat(Transforms.month().apply(ts)).isEqualTo(54 * 12 + 2);
    assertThat(Transforms.day().apply(ts)).isEqualTo(LocalDate.of(2024, 3, 5));
    assertThat(Transforms.hour().apply(LocalDateTime.of(1970, 1, 2, 1, 0))).isEqualTo(25);
    assertThat(Transforms.hour().apply(LocalDateTime.of(1969, 12, 31, 23, 59))).isEqualTo(-1);
    assertThat(Transforms.month().apply(LocalDate.of(1969, 12, 1))).isEqualTo(-1);
    assertThat(Transforms.day().apply(OffsetDateTime.of(2024, 3, 5, 23, 0, 0, 0, ZoneOffset.ofHours(-2))))
        .isEqualTo(LocalDate.of(2024, 3, 6));
    assertThat(Transforms.month().toHumanString(54 * 12 + 2)).isEqualTo("2024-03");
    assertThat(Transforms.hour().toHumanString(25)).isEqualTo("1970-01-02-01");
    assertThat(Transforms.year().toHumanString(54)).isEqualTo("2024");
    assertThat(Transforms.hour().canTransform(Types.DATE)).isFalse();
  }

  @Test
  void truncateRoundsDownAndCutsStrings() {
    Transform t = Transforms.truncate(10);
    assertThat(t.apply(1)).isEqualTo(0);
    assertThat(t.apply(-1)).isEqualTo(-10);
    assertThat(t.apply(15L)).isEqualTo(10L);
    assertThat(t.apply(new BigDecimal("10.65"))).isEqualTo(new BigDecimal("10.60"));
    assertThat(Transforms.truncate(3).apply("iceberg")).isEqualTo("ice");
    assertThat(Transforms.truncate(2).apply("🎉🎉🎉")).isEqualTo("🎉🎉");
    assertThat(Transforms.truncate(2).apply(ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(ByteBuffer.wrap("ab".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void namesRoundTripAndUnknownTransformsAreRejected() {
    for (String n : new String[] {"identity", "year", "month", "day", "hour", "bucket[7]", "truncate[4]", "void"}) {
      assertThat(Transforms.fromName(n).toString()).isEqualTo(n);
    }
    assertThatThrownBy(() -> Transforms.fromName("zorder")).hasMessageContaining("zorder");
  }
}
