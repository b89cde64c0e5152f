package io.datashard.expressions;

import io.datashard.expressions.Expression.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Builds filter expressions for {@link io.datashard.TableScan#filter(Expression)}.
 *
 * <pre>{@code
 * import static io.datashard.expressions.Expressions.*;
 *
 * table.scan()
 *     .filter(and(equal("event", "login"), greaterThanOrEqual("ts", "2024-01-01T00:00:00Z")))
 *     .select("user_id")
 *     .toList();
 * }</pre>
 *
 * <p>Columns are named as in the table schema (case-sensitive); literals are converted to the column type
 * when the scan binds the expression (a string {@code "2024-01-01"} for a date column, an {@code int} for a
 * long column...), and an impossible conversion or an unknown column is reported then, naming the column.
 * See {@link Expression} for the null and NaN semantics.
 */
public final class Expressions {
  private Expressions() {
  }

  /** @return an expression every row matches */
  public static Expression alwaysTrue() {
    return True.INSTANCE;
  }

  /** @return an expression no row matches */
  public static Expression alwaysFalse() {
    return False.INSTANCE;
  }

  /** @return rows matching both (constant sides are folded) */
  public static Expression and(Expression left, Expression right) {
    Objects.requireNonNull(left, "left");
    Objects.requireNonNull(right, "right");
    if (left.op() == Operation.FALSE || right.op() == Operation.FALSE) {
      return alwaysFalse();
    }
    if (left.op() == Operation.TRUE) {
      return right;
    }
    if (right.op() == Operation.TRUE) {
      return left;
    }
    return new And(left, right);
  }

  /** @return rows matching every one of the expressions (true when there are none) */
  public static Expression and(Expression first, Expression second, Expression... more) {
    Expression e = and(first, second);
    for (Expression m : more) {
      e = and(e, m);
    }
    return e;
  }

  /** @return rows matching either (constant sides are folded) */
  public static Expression or(Expression left, Expression right) {
    Objects.requireNonNull(left, "left");
    Objects.requireNonNull(right, "right");
    if (left.op() == Operation.TRUE || right.op() == Operation.TRUE) {
      return alwaysTrue();
    }
    if (left.op() == Operation.FALSE) {
      return right;
    }
    if (right.op() == Operation.FALSE) {
      return left;
    }
    return new Or(left, right);
  }

  /** @return rows matching at least one of the expressions */
  public static Expression or(Expression first, Expression second, Expression... more) {
    Expression e = or(first, second);
    for (Expression m : more) {
      e = or(e, m);
    }
    return e;
  }

  /** @return rows the expression is false for (not rows it is unknown for, because of a null) */
  public static Expression not(Expression child) {
    Objects.requireNonNull(child, "child");
    if (child.op() == Operation.TRUE) {
      return alwaysFalse();
    }
    if (child.op() == Operation.FALSE) {
      return alwaysTrue();
    }
    if (child.op() == Operation.NOT) {
      return ((Not) child).child();
    }
    return new Not(child);
  }

  /** @return rows where the column is null */
  public static Expression isNull(String column) {
    return predicate(Operation.IS_NULL, column);
  }

  /** @return rows where the column is not null */
  public static Expression notNull(String column) {
    return predicate(Operation.NOT_NULL, column);
  }

  /** @return rows where a float/double column is NaN */
  public static Expression isNaN(String column) {
    return predicate(Operation.IS_NAN, column);
  }

  /** @return rows where a float/double column is not NaN (null included) */
  public static Expression notNaN(String column) {
    return predicate(Operation.NOT_NAN, column);
  }

  /** @return rows where column &lt; value */
  public static Expression lessThan(String column, Object value) {
    return predicate(Operation.LT, column, value);
  }

  /** @return rows where column &le; value */
  public static Expression lessThanOrEqual(String column, Object value) {
    return predicate(Operation.LT_EQ, column, value);
  }

  /** @return rows where column &gt; value */
  public static Expression greaterThan(String column, Object value) {
    return predicate(Operation.GT, column, value);
  }

  /** @return rows where column &ge; value */
  public static Expression greaterThanOrEqual(String column, Object value) {
    return predicate(Operation.GT_EQ, column, value);
  }

  /** @return rows where column = value */
  public static Expression equal(String column, Object value) {
    return predicate(Operation.EQ, column, value);
  }

  /** @return rows where column &ne; value (null excluded) */
  public static Expression notEqual(String column, Object value) {
    return predicate(Operation.NOT_EQ, column, value);
  }

  /** @return rows where the column equals one of the values */
  public static Expression in(String column, Object... values) {
    return predicate(Operation.IN, column, values);
  }

  /** @return rows where the column equals one of the values */
  public static Expression in(String column, Collection<?> values) {
    return predicate(Operation.IN, column, values.toArray());
  }

  /** @return rows where the column is not null and equals none of the values */
  public static Expression notIn(String column, Object... values) {
    return predicate(Operation.NOT_IN, column, values);
  }

  /** @return rows where the column is not null and equals none of the values */
  public static Expression notIn(String column, Collection<?> values) {
    return predicate(Operation.NOT_IN, column, values.toArray());
  }

  /** @return rows where a string column starts with the prefix */
  public static Expression startsWith(String column, String prefix) {
    return predicate(Operation.STARTS_WITH, column, prefix);
  }

  /** @return rows where a string column is not null and does not start with the prefix */
  public static Expression notStartsWith(String column, String prefix) {
    return predicate(Operation.NOT_STARTS_WITH, column, prefix);
  }

  private static Expression predicate(Operation op, String column, Object... literals) {
    Objects.requireNonNull(column, "column name");
    List<Object> lits = new ArrayList<>(Arrays.asList(literals)); // nulls allowed here, rejected when binding
    return new UnboundPredicate(op, column, Collections.unmodifiableList(lits));
  }
}
