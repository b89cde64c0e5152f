package io.datashard.expressions;

/** Both sides match. */
public final class And extends Junction {
  And(Expression left, Expression right) {
    super(left, right);
  }

  @Override
  public Operation op() {
    return Operation.AND;
  }

  @Override
  public Expression negate() {
    return Expressions.or(left().negate(), right().negate());
  }
}
