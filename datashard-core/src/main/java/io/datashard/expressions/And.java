package io.datashard.expressions;

import java.util.Objects;

/** Both sides match. */
public final class And implements Expression {
  private final Expression left;
  private final Expression right;

  And(Expression left, Expression right) {
    this.left = Objects.requireNonNull(left, "left");
    this.right = Objects.requireNonNull(right, "right");
  }

  public Expression left() {
    return left;
  }

  public Expression right() {
    return right;
  }

  @Override
  public Operation op() {
    return Operation.AND;
  }

  @Override
  public Expression negate() {
    return Expressions.or(left.negate(), right.negate());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof And && ((And) o).left.equals(left) && ((And) o).right.equals(right);
  }

  @Override
  public int hashCode() {
    return Objects.hash("and", left, right);
  }

  @Override
  public String toString() {
    return "(" + left + " and " + right + ")";
  }
}
