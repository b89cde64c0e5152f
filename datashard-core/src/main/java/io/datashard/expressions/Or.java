package io.datashard.expressions;

import java.util.Objects;

/** Either side matches. */
public final class Or implements Expression {
  private final Expression left;
  private final Expression right;

  Or(Expression left, Expression right) {
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
    return Operation.OR;
  }

  @Override
  public Expression negate() {
    return Expressions.and(left.negate(), right.negate());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Or && ((Or) o).left.equals(left) && ((Or) o).right.equals(right);
  }

  @Override
  public int hashCode() {
    return Objects.hash("or", left, right);
  }

  @Override
  public String toString() {
    return "(" + left + " or " + right + ")";
  }
}
