package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.expressions.Expressions;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code --where} syntax, including what a user can mistype. */
class WhereParserTest {
  @Test
  void parsesComparisonsWithPrecedenceAndCaseInsensitiveKeywords() {
    assertThat(WhereParser.parse("event = 'login' AND user_id >= 100 or NOT (region IN ('eu', \"us\"))"))
        .isEqualTo(Expressions.or(
            Expressions.and(Expressions.equal("event", "login"),
                Expressions.greaterThanOrEqual("user_id", new BigDecimal("100"))),
            Expressions.not(Expressions.in("region", List.of("eu", "us")))));
  }

  @Test
  void everyOperatorMapsToItsPredicate() {
    assertThat(WhereParser.parse("a == 1")).isEqualTo(Expressions.equal("a", new BigDecimal("1")));
    assertThat(WhereParser.parse("a<>1")).isEqualTo(Expressions.notEqual("a", new BigDecimal("1")));
    assertThat(WhereParser.parse("a!=-1.5")).isEqualTo(Expressions.notEqual("a", new BigDecimal("-1.5")));
    assertThat(WhereParser.parse("a<1")).isEqualTo(Expressions.lessThan("a", new BigDecimal("1")));
    assertThat(WhereParser.parse("a<=1")).isEqualTo(Expressions.lessThanOrEqual("a", new BigDecimal("1")));
    assertThat(WhereParser.parse("a>1")).isEqualTo(Expressions.greaterThan("a", new BigDecimal("1")));
    assertThat(WhereParser.parse("a is null")).isEqualTo(Expressions.isNull("a"));
    assertThat(WhereParser.parse("a IS NOT NULL")).isEqualTo(Expressions.notNull("a"));
    assertThat(WhereParser.parse("a not in (1, 2)"))
        .isEqualTo(Expressions.notIn("a", List.of(new BigDecimal("1"), new BigDecimal("2"))));
    assertThat(WhereParser.parse("a like 'ab%'")).isEqualTo(Expressions.startsWith("a", "ab"));
    assertThat(WhereParser.parse("a not like 'ab%'")).isEqualTo(Expressions.notStartsWith("a", "ab"));
    assertThat(WhereParser.parse("flag = TRUE")).isEqualTo(Expressions.equal("flag", true));
  }

  @Test
  void quotedStringsKeepKeywordsSpacesAndDoubledQuotes() {
    assertThat(WhereParser.parse("name = 'it''s and or'")).isEqualTo(Expressions.equal("name", "it's and or"));
    assertThat(WhereParser.parse("name = ''")).isEqualTo(Expressions.equal("name", ""));
    assertThat(WhereParser.parse("name = 'null'")).isEqualTo(Expressions.equal("name", "null"));
    assertThat(WhereParser.parse("name = '日本語 ✓'")).isEqualTo(Expressions.equal("name", "日本語 ✓"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "a", "a =", "= 1", "a = 1 and", "(a = 1", "a = 1)", "a = 'open", "a = \"open",
      "a => 1", "a =< 1", "a ! 1", "a = = 1", "'a' = 1", "a in ()", "a in (1,", "a in 1", "a is 1", "a is not",
      "a not = 1", "a like abc%", "a like 'a%c%'", "a like 'a_c%'", "a like 'abc'", "a = null", "a != NULL",
      "a = NaN", "a = 1e", "a = 0x10", "a = 1 b = 2", "not", "()", "a = 1 or or b = 2", "a in ('x' 'y')", ", = 1", ") = 1", "a = 1 and , = 2"})
  void hostileInputIsRejectedAsInvalidInputNamingTheProblem(String where) {
    assertThatThrownBy(() -> WhereParser.parse(where)).isInstanceOfSatisfying(CliException.class, e -> {
      assertThat(e.exitCode()).isEqualTo(DataShardCli.ExitCodes.INVALID_INPUT);
      assertThat(e.getMessage()).startsWith("invalid --where: ").contains(where.strip());
    });
  }

  @Test
  void errorsSayWhereTheProblemIs() {
    assertThatThrownBy(() -> WhereParser.parse("a = 1 and b ~ 2")).hasMessageContaining("unknown operator '~' near token 6 ('~')");
    assertThatThrownBy(() -> WhereParser.parse("a ~ b")).hasMessageContaining("unknown operator '~'");
    assertThatThrownBy(() -> WhereParser.parse("a = 1 and")).hasMessageContaining("at the end");
    assertThatThrownBy(() -> WhereParser.parse("x = 'abc")).hasMessageContaining("character 5");
    assertThatThrownBy(() -> WhereParser.parse("a = null")).hasMessageContaining("is null");
  }

  @Test
  void absurdlyDeepNestingIsAnInputErrorNotACrash() {
    String deep = "(".repeat(100_000) + "a = 1" + ")".repeat(100_000);
    assertThatThrownBy(() -> WhereParser.parse(deep)).isInstanceOf(CliException.class)
        .hasMessageContaining("nested");
    String nots = "not ".repeat(100_000) + "a = 1";
    assertThatThrownBy(() -> WhereParser.parse(nots)).isInstanceOf(CliException.class)
        .hasMessageContaining("nested");
    String ok = "(".repeat(50) + "a = 1" + ")".repeat(50);
    assertThat(WhereParser.parse(ok)).isEqualTo(Expressions.equal("a", new BigDecimal("1")));
  }
}
