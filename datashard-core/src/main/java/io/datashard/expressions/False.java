package io.datashard.expressions;

/** The expression no row matches. */
public final class False implements Expression {
  static final False INSTANCE = new False();

  private False() {
  }

  @Override
  public Operation op() {
    return Operation.FALSE;
  }

  @Override
  public Expression negate() {
    return True.INSTANCE;
  }

  @Override
  public String toString() {
    return "false";
  }
}
