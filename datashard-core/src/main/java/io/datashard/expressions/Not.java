package io.datashard.expressions;

import java.util.Objects;

/** The child does not match (and is not unknown because of a null). */
public final class Not implements Expression {
  private final Expression child;

  Not(Expression child) {
    this.child = Objects.requireNonNull(child, "child");
  }

  public Expression child() {
    return child;
  }

  @Override
  public Operation op() {
    return Operation.NOT;
  }

  @Override
  public Expression negate() {
    return child;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Not && ((Not) o).child.equals(child);
  }

  @Override
  public int hashCode() {
    return Objects.hash("not", child);
  }

  @Override
  public String toString() {
    return "not(" + child + ")";
  }
}
