package io.datashard.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Field;
import io.datashard.Type;
import io.datashard.Types;
import io.datashard.ValidationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Converting the literals a user writes in a filter to the column's type, including absurd ones. */
class LiteralsTest {
  private static Object convert(Type type, Object value) {
    return Literals.convert(Field.optional(1, "c", type), value, "c = ?");
  }

  private static void assertRejected(Type type, Object value) {
    assertThatThrownBy(() -> convert(type, value)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("column 'c'").hasMessageContaining("c = ?");
  }

  @Test
  void convertsEachTypesAcceptedForms() {
    assertThat(convert(Types.BOOLEAN, " TRUE ")).isEqualTo(true);
    assertThat(convert(Types.INT, new BigDecimal("12.000"))).isEqualTo(12);
    assertThat(convert(Types.LONG, " -9223372036854775808 ")).isEqualTo(Long.MIN_VALUE);
    assertThat(convert(Types.LONG, BigInteger.TEN)).isEqualTo(10L);
    assertThat(convert(Types.DOUBLE, "1e3")).isEqualTo(1000.0);
    assertThat(convert(Types.FLOAT, 0.5)).isEqualTo(0.5f);
    assertThat(convert(Types.decimal(9, 2), "1.5")).isEqualTo(new BigDecimal("1.50"));
    assertThat(convert(Types.decimal(9, 2), 3)).isEqualTo(new BigDecimal("3.00"));
    assertThat(convert(Types.decimal(9, 2), "1.234")).isEqualTo(new BigDecimal("1.234")); // kept, compared numerically
    assertThat(convert(Types.DATE, " 2024-02-29 ")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(convert(Types.TIMESTAMP_TZ, "2024-05-01T02:00:00+02:00"))
        .isEqualTo(OffsetDateTime.of(2024, 5, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(convert(Types.TIMESTAMP_TZ, Instant.EPOCH)).isEqualTo(Instant.EPOCH.atOffset(ZoneOffset.UTC));
    assertThat(convert(Types.STRING, 'x')).isEqualTo("x");
    UUID u = UUID.randomUUID();
    assertThat(convert(Types.UUID, u.toString().toUpperCase())).isEqualTo(u);
    assertThat(convert(Types.fixed(2), new byte[] {1, 2})).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2}));
  }

  @Test
  void valuesThatDoNotFitTheTypeAreRejectedNamingColumnAndExpression() {
    assertRejected(Types.BOOLEAN, "yes");
    assertRejected(Types.BOOLEAN, 1);
    assertRejected(Types.INT, 2_147_483_648L);
    assertRejected(Types.INT, "1.5");
    assertRejected(Types.INT, "1e10");
    assertRejected(Types.LONG, "9223372036854775808");
    assertRejected(Types.LONG, "");
    assertRejected(Types.LONG, "0x10");
    assertRejected(Types.LONG, 1.0);
    assertRejected(Types.DOUBLE, "NaN");
    assertRejected(Types.DOUBLE, Double.NaN);
    assertRejected(Types.FLOAT, "abc");
    assertRejected(Types.decimal(9, 2), Double.POSITIVE_INFINITY);
    assertRejected(Types.decimal(9, 2), "1,5");
    assertRejected(Types.DATE, "2023-02-29");
    assertRejected(Types.DATE, "yesterday");
    assertRejected(Types.TIME, "25:00");
    assertRejected(Types.TIMESTAMP, "2024-13-01T00:00:00");
    assertRejected(Types.STRING, 42);
    assertRejected(Types.UUID, "not-a-uuid");
    assertRejected(Types.fixed(2), new byte[] {1, 2, 3});
    assertRejected(Types.BINARY, "text");
  }

  @Test
  void nullIsRejectedWithAHintToUseIsNull() {
    assertThatThrownBy(() -> convert(Types.LONG, null)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("isNull");
  }

  @Test
  void binaryLiteralsAreCopiedSoLaterChangesByTheCallerDoNotLeakIn() {
    byte[] raw = {1, 2};
    Object converted = convert(Types.BINARY, raw);
    raw[0] = 9;
    assertThat(converted).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2}));
  }

  @Test
  void hugeExponentsAreRejectedOrKeptQuicklyInsteadOfExpandedDigitByDigit() {
    // "1e999999999" is ten characters a user can type; expanding it to an integer would take a billion digits.
    assertRejected(Types.LONG, "1e999999999");
    assertRejected(Types.INT, new BigDecimal("-1e999999999"));
    assertRejected(Types.LONG, "1e-999999999");
    assertThat(convert(Types.LONG, "0e999999999")).isEqualTo(0L);
    assertThat(convert(Types.LONG, "1.5e1")).isEqualTo(15L);
    Object big = convert(Types.decimal(9, 2), "1e999999999");
    assertThat(((BigDecimal) big).compareTo(new BigDecimal("9999999.99"))).isPositive();
    Object tiny = convert(Types.decimal(9, 2), "1e-999999999");
    assertThat(((BigDecimal) tiny).signum()).isPositive();
    assertThat(((BigDecimal) tiny).compareTo(new BigDecimal("0.01"))).isNegative();
  }
}
