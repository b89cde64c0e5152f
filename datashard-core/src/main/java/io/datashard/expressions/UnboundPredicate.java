package io.datashard.expressions;

import java.util.List;
import java.util.Objects;

/**
 * A predicate on a column named by the user, with literals as given (not yet converted to the column type).
 * {@link Binder#bind} turns it into a {@link BoundPredicate}.
 */
public final class UnboundPredicate implements Expression {
  private final Operation op;
  private final String column;
  private final List<Object> literals;

  UnboundPredicate(Operation op, String column, List<Object> literals) {
    this.op = op;
    this.column = Objects.requireNonNull(column, "column name");
    this.literals = literals;
  }

  @Override
  public Operation op() {
    return op;
  }

  /** @return the column name */
  public String column() {
    return column;
  }

  /** @return the literals as given: none for null/NaN tests, one for comparisons, any number for in/notIn */
  public List<Object> literals() {
    return literals;
  }

  @Override
  public Expression negate() {
    return new UnboundPredicate(op.negate(), column, literals);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof UnboundPredicate)) {
      return false;
    }
    UnboundPredicate p = (UnboundPredicate) o;
    return op == p.op && column.equals(p.column) && literals.equals(p.literals);
  }

  @Override
  public int hashCode() {
    return Objects.hash(op, column, literals);
  }

  @Override
  public String toString() {
    return Predicates.describe(op, column, literals);
  }
}
