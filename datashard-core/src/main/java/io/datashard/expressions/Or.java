package io.datashard.expressions;

/** Either side matches. */
public final class Or extends Junction {
  Or(Expression left, Expression right) {
    super(left, right);
  }

  @Override
  public Operation op() {
    return Operation.OR;
  }

  @Override
  public Expression negate() {
    return Expressions.and(left().negate(), right().negate());
  }
}
