package io.datashard.expressions;

import static io.datashard.expressions.Expressions.and;
import static io.datashard.expressions.Expressions.equal;
import static io.datashard.expressions.Expressions.greaterThan;
import static io.datashard.expressions.Expressions.in;
import static io.datashard.expressions.Expressions.isNull;
import static io.datashard.expressions.Expressions.lessThan;
import static io.datashard.expressions.Expressions.not;
import static io.datashard.expressions.Expressions.notIn;
import static io.datashard.expressions.Expressions.notNull;
import static io.datashard.expressions.Expressions.or;
import static io.datashard.expressions.Expressions.startsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Types;
import org.junit.jupiter.api.Test;

class ExpressionsTest {
  static final Schema SCHEMA = Schema.of(Field.required(1, "id", Types.LONG), Field.optional(2, "s", Types.STRING),
      Field.optional(3, "d", Types.DOUBLE));

  @Test
  void bindingPushesNotDownAndFoldsConstants() {
    Expression e = Binder.bind(SCHEMA, not(and(lessThan("id", 5), in("s", "a", "b"))));
    assertThat(e.op()).isEqualTo(Expression.Operation.OR);
    assertThat(e.toString()).isEqualTo("(id >= 5 or s not in ('a', 'b'))");
    // id is required: isNull is false, notNull is true
    assertThat(Binder.bind(SCHEMA, isNull("id")).op()).isEqualTo(Expression.Operation.FALSE);
    assertThat(Binder.bind(SCHEMA, or(notNull("id"), equal("s", "x"))).op()).isEqualTo(Expression.Operation.TRUE);
    assertThat(Binder.bind(SCHEMA, in("s")).op()).isEqualTo(Expression.Operation.FALSE);
    assertThat(Binder.bind(SCHEMA, notIn("s")).toString()).isEqualTo("s is not null");
    assertThat(Binder.referencedFieldIds(Binder.bind(SCHEMA, and(equal("s", "x"), greaterThan("d", 1)))))
        .containsExactly(2, 3);
  }

  @Test
  void stringsCompareByCodePointNotUtf16() {
    // U+FFFF is below U+1F389 in code point (and UTF-8) order, above it in UTF-16 order
    assertThat(Comparators.compareStrings("\uFFFF", "\uD83C\uDF89")).isNegative();
    assertThat("\uFFFF".compareTo("\uD83C\uDF89")).isPositive();
    assertThat(Comparators.compareDoubles(Double.NaN, Double.POSITIVE_INFINITY)).isPositive();
    assertThat(Comparators.compareDoubles(-0.0, 0.0)).isZero();
    assertThat(Comparators.compareUuids(new java.util.UUID(-1, 0), new java.util.UUID(1, 0))).isPositive();
  }

  @Test
  void metricsPruneSoundlyWithTruncatedStringBoundsAndNaN() {
    // a file whose strings run from "abcdefghijklmnopXYZ" to "abcdefghijklmnopZZZ", truncated to 16 chars:
    // lower "abcdefghijklmnop", upper incremented to "abcdefghijklmnoq"
    MapContentStats f = new MapContentStats(10).bounds(2, "abcdefghijklmnop", "abcdefghijklmnoq").nulls(2, 0);
    assertThat(mightMatch(equal("s", "abcdefghijklmnopXYZ"), f)).isTrue();
    assertThat(mightMatch(equal("s", "abcdefghijklmnoo"), f)).isFalse();
    assertThat(mightMatch(startsWith("s", "abcdefghijklmnopZ"), f)).isTrue();
    assertThat(mightMatch(startsWith("s", "abcdefghijklmnoq"), f)).isTrue(); // upper is not exact
    assertThat(mightMatch(startsWith("s", "abd"), f)).isFalse();
    assertThat(mightMatch(isNull("s"), f)).isFalse();

    MapContentStats d = new MapContentStats(10).bounds(3, 1.0, 2.0).nulls(3, 0).nans(3, 1);
    assertThat(mightMatch(greaterThan("d", 5.0), d)).isTrue(); // the NaN row is > 5
    assertThat(mightMatch(lessThan("d", 1.0), d)).isFalse();
    MapContentStats noNan = new MapContentStats(10).bounds(3, 1.0, 2.0).nulls(3, 0).nans(3, 0);
    assertThat(mightMatch(greaterThan("d", 5.0), noNan)).isFalse();
    MapContentStats unknownNan = new MapContentStats(10).bounds(3, 1.0, 2.0);
    assertThat(mightMatch(greaterThan("d", 5.0), unknownNan)).isTrue();
    MapContentStats allNull = new MapContentStats(10).nulls(3, 10).values(3, 10);
    assertThat(mightMatch(not(equal("d", 1.0)), allNull)).isFalse();
    assertThat(mightMatch(Expressions.notNaN("d"), allNull)).isTrue(); // notNaN(null) is true
  }

  private static boolean mightMatch(Expression e, ContentStats s) {
    return InclusiveMetricsEvaluator.mightMatch(Binder.bind(SCHEMA, e), s);
  }
}
