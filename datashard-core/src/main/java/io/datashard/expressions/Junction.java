package io.datashard.expressions;

import java.util.Locale;
import java.util.Objects;

/**
 * Two expressions joined by {@code and} or {@code or}: the children, equality, hashing and text they share.
 * {@link And} and {@link Or} add only their operation and its negation (De Morgan).
 */
public abstract sealed class Junction implements Expression permits And, Or {
  private final Expression left;
  private final Expression right;

  Junction(Expression left, Expression right) {
    this.left = Objects.requireNonNull(left, "left");
    this.right = Objects.requireNonNull(right, "right");
  }

  /** @return the left operand */
  public Expression left() {
    return left;
  }

  /** @return the right operand */
  public Expression right() {
    return right;
  }

  @Override
  public boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && ((Junction) o).left.equals(left)
        && ((Junction) o).right.equals(right);
  }

  @Override
  public int hashCode() {
    return Objects.hash(op(), left, right);
  }

  @Override
  public String toString() {
    return "(" + left + " " + op().name().toLowerCase(Locale.ROOT) + " " + right + ")";
  }
}
