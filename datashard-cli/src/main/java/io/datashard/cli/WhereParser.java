package io.datashard.cli;

import io.datashard.expressions.Expression;
import io.datashard.expressions.Expressions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --where} syntax: comparisons joined by {@code and}, {@code or}, {@code not} and parentheses.
 * <pre>
 *   event = 'login' and user_id &gt;= 100
 *   ts &gt;= '2024-05-01T00:00:00Z' or not (region in ('eu', 'us'))
 *   name like 'abc%'      name is null      score is not null
 * </pre>
 * Operators: {@code = == != <> < <= > >=}, {@code in (...)}, {@code not in (...)}, {@code is [not] null},
 * {@code like 'prefix%'} (a prefix only). Literals: numbers, 'single' or "double" quoted strings (dates, times,
 * timestamps and UUIDs are written as quoted strings and converted to the column's type), true, false.
 * Keywords are case-insensitive.
 */
final class WhereParser {
  /** How deep parentheses and {@code not} may nest; deeper input is an input error, not a stack overflow. */
  static final int MAX_NESTING = 200;

  private final String text;
  private final List<String> tokens;
  private final List<Boolean> quoted;
  private int pos;
  private int nesting;

  private WhereParser(String text) {
    this.text = text;
    this.tokens = new ArrayList<>();
    this.quoted = new ArrayList<>();
    tokenize();
  }

  /**
   * @param text the filter
   * @return the expression (unbound: columns are checked against the table when the scan runs)
   * @throws CliException (invalid input) naming the position of a syntax error
   */
  static Expression parse(String text) {
    WhereParser p = new WhereParser(text);
    if (p.tokens.isEmpty()) {
      throw p.error("empty filter");
    }
    Expression e = p.or();
    if (p.pos < p.tokens.size()) {
      throw p.error("unexpected '" + p.tokens.get(p.pos) + "'");
    }
    return e;
  }

  private void tokenize() {
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || c == '"') {
        StringBuilder sb = new StringBuilder();
        int j = i + 1;
        while (true) {
          if (j >= n) {
            throw CliException.invalidInput("invalid --where: unterminated string starting at character " + (i + 1)
                + " in: " + text);
          }
          char d = text.charAt(j);
          if (d == c) {
            if (j + 1 < n && text.charAt(j + 1) == c) { // doubled quote = one quote
              sb.append(c);
              j += 2;
              continue;
            }
            break;
          }
          sb.append(d);
          j++;
        }
        tokens.add(sb.toString());
        quoted.add(true);
        i = j + 1;
      } else if ("()," .indexOf(c) >= 0) {
        tokens.add(String.valueOf(c));
        quoted.add(false);
        i++;
      } else if ("=!<>".indexOf(c) >= 0) {
        int j = i + 1;
        if (j < n && "=>".indexOf(text.charAt(j)) >= 0) {
          j++;
        }
        tokens.add(text.substring(i, j));
        quoted.add(false);
        i = j;
      } else {
        int j = i;
        while (j < n && !Character.isWhitespace(text.charAt(j)) && "()=!<>,'\"".indexOf(text.charAt(j)) < 0) {
          j++;
        }
        tokens.add(text.substring(i, j));
        quoted.add(false);
        i = j;
      }
    }
  }

  private CliException error(String what) {
    String near = pos < tokens.size() ? " near token " + (pos + 1) + " ('" + tokens.get(pos) + "')" : " at the end";
    return CliException.invalidInput("invalid --where: " + what + near + " in: " + text
        + " (example: event = 'login' and user_id >= 100)");
  }

  private boolean keyword(String k) {
    if (pos < tokens.size() && !quoted.get(pos) && tokens.get(pos).equalsIgnoreCase(k)) {
      pos++;
      return true;
    }
    return false;
  }

  private boolean peekKeyword(String k) {
    return pos < tokens.size() && !quoted.get(pos) && tokens.get(pos).equalsIgnoreCase(k);
  }

  private void expect(String k) {
    if (!keyword(k)) {
      throw error("expected '" + k + "'");
    }
  }

  private Expression or() {
    Expression e = and();
    while (keyword("or")) {
      e = Expressions.or(e, and());
    }
    return e;
  }

  private Expression and() {
    Expression e = not();
    while (keyword("and")) {
      e = Expressions.and(e, not());
    }
    return e;
  }

  private Expression not() {
    if (keyword("not")) {
      enter();
      Expression e = Expressions.not(not());
      nesting--;
      return e;
    }
    return primary();
  }

  private void enter() {
    if (++nesting > MAX_NESTING) {
      throw error("filter nested more than " + MAX_NESTING + " deep");
    }
  }

  private Expression primary() {
    if (keyword("(")) {
      enter();
      Expression e = or();
      expect(")");
      nesting--;
      return e;
    }
    if (pos >= tokens.size()) {
      throw error("expected a column");
    }
    if (quoted.get(pos)) {
      throw error("expected a column name, not a quoted string");
    }
    if ("(),=!<>".indexOf(tokens.get(pos).charAt(0)) >= 0) {
      throw error("expected a column name");
    }
    String column = tokens.get(pos++);
    if (keyword("is")) {
      boolean negate = keyword("not");
      expect("null");
      return negate ? Expressions.notNull(column) : Expressions.isNull(column);
    }
    if (keyword("in")) {
      return Expressions.in(column, list());
    }
    if (peekKeyword("not")) {
      pos++;
      if (keyword("in")) {
        return Expressions.notIn(column, list());
      }
      if (keyword("like")) {
        return Expressions.notStartsWith(column, prefix());
      }
      throw error("expected 'in' or 'like' after 'not'");
    }
    if (keyword("like")) {
      return Expressions.startsWith(column, prefix());
    }
    if (pos >= tokens.size()) {
      throw error("expected an operator after '" + column + "'");
    }
    String op = tokens.get(pos);
    if (quoted.get(pos)) {
      throw error("expected an operator after '" + column + "'");
    }
    if (!java.util.Set.of("=", "==", "!=", "<>", "<", "<=", ">", ">=").contains(op)) {
      throw error("unknown operator '" + op + "'"); // before reading the value, so the error points at it
    }
    pos++;
    Object value = literal();
    switch (op) {
      case "=": case "==": return Expressions.equal(column, value);
      case "!=": case "<>": return Expressions.notEqual(column, value);
      case "<": return Expressions.lessThan(column, value);
      case "<=": return Expressions.lessThanOrEqual(column, value);
      case ">": return Expressions.greaterThan(column, value);
      default: return Expressions.greaterThanOrEqual(column, value);
    }
  }

  private String prefix() {
    if (pos >= tokens.size() || !quoted.get(pos)) {
      throw error("like needs a quoted pattern such as 'abc%'");
    }
    String p = tokens.get(pos);
    if (!p.endsWith("%") || p.substring(0, p.length() - 1).contains("%") || p.contains("_")) {
      throw error("only prefix patterns are supported by like ('abc%')");
    }
    pos++;
    return p.substring(0, p.length() - 1);
  }

  private List<Object> list() {
    expect("(");
    List<Object> values = new ArrayList<>();
    do {
      values.add(literal());
    } while (keyword(","));
    expect(")");
    return values;
  }

  private Object literal() {
    if (pos >= tokens.size()) {
      throw error("expected a value");
    }
    String t = tokens.get(pos);
    if (quoted.get(pos)) {
      pos++;
      return t;
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.equals("true") || lower.equals("false")) {
      pos++;
      return Boolean.valueOf(lower);
    }
    if (lower.equals("null")) {
      throw error("comparisons with null never match: use 'is null' or 'is not null'");
    }
    try {
      BigDecimal d = new BigDecimal(t);
      pos++;
      return d;
    } catch (NumberFormatException e) {
      throw error("expected a number, a quoted string, true or false");
    }
  }
}
