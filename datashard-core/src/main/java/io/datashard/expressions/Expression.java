package io.datashard.expressions;

/**
 * A boolean condition over a table's rows, such as {@code event = 'login' AND ts >= '2024-01-01T00:00Z'}.
 *
 * <p>Build expressions with {@link Expressions}. An expression built by a user is <em>unbound</em>: it names
 * columns. A scan binds it to the table schema ({@link Binder#bind}), which resolves each name to its
 * permanent field id, checks the operation suits the column type and converts literals to the column type.
 * Expressions are immutable and thread-safe.
 *
 * <h2>Semantics</h2>
 * SQL's: a comparison ({@code equal}, {@code notEqual}, {@code lessThan}..., {@code in}, {@code notIn},
 * {@code startsWith}) never matches a null value, so {@code notEqual("x", 1)} and {@code notIn("x", 1, 2)}
 * exclude rows where {@code x} is null, and {@code not(p)} matches neither rows where {@code p} is true nor
 * rows where {@code p} is unknown because of a null. {@code isNull}, {@code notNull}, {@code isNaN} and
 * {@code notNaN} are never unknown ({@code isNaN(null)} is false, {@code notNaN(null)} is true).
 *
 * <p>Ordering is the column type's natural order: numbers numerically; strings by Unicode code point (the
 * order of their UTF-8 bytes); binary, fixed and UUID values as unsigned bytes; dates and times
 * chronologically. Floating-point NaN sorts above every other value, including +Infinity, and equals itself
 * (as in Apache Iceberg, Spark SQL and PostgreSQL); {@code -0.0} equals {@code 0.0}. NaN is not accepted as a
 * literal: use {@code isNaN}/{@code notNaN}.
 */
public interface Expression {

  /** The operation at the root of an expression. */
  enum Operation {
    TRUE, FALSE,
    IS_NULL, NOT_NULL, IS_NAN, NOT_NAN,
    LT, LT_EQ, GT, GT_EQ, EQ, NOT_EQ,
    IN, NOT_IN,
    STARTS_WITH, NOT_STARTS_WITH,
    NOT, AND, OR;

    /** @return the operation matching exactly the rows this one does not (ignoring rows it is unknown for) */
    public Operation negate() {
      switch (this) {
        case TRUE: return FALSE;
        case FALSE: return TRUE;
        case IS_NULL: return NOT_NULL;
        case NOT_NULL: return IS_NULL;
        case IS_NAN: return NOT_NAN;
        case NOT_NAN: return IS_NAN;
        case LT: return GT_EQ;
        case LT_EQ: return GT;
        case GT: return LT_EQ;
        case GT_EQ: return LT;
        case EQ: return NOT_EQ;
        case NOT_EQ: return EQ;
        case IN: return NOT_IN;
        case NOT_IN: return IN;
        case STARTS_WITH: return NOT_STARTS_WITH;
        case NOT_STARTS_WITH: return STARTS_WITH;
        default: throw new UnsupportedOperationException("no simple negation of " + this);
      }
    }
  }

  /** @return the operation at the root of this expression */
  Operation op();

  /** @return the negation of this expression, with NOT pushed down to the predicates */
  Expression negate();
}
