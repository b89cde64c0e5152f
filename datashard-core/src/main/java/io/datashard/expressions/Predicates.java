package io.datashard.expressions;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.StringJoiner;

/** Rendering of predicates for messages and logs. */
final class Predicates {
  private Predicates() {
  }

  static String describe(Expression.Operation op, String column, Collection<?> literals) {
    String q = quoteName(column);
    switch (op) {
      case IS_NULL: return q + " is null";
      case NOT_NULL: return q + " is not null";
      case IS_NAN: return "is_nan(" + q + ")";
      case NOT_NAN: return "not_nan(" + q + ")";
      case LT: return q + " < " + lit(first(literals));
      case LT_EQ: return q + " <= " + lit(first(literals));
      case GT: return q + " > " + lit(first(literals));
      case GT_EQ: return q + " >= " + lit(first(literals));
      case EQ: return q + " = " + lit(first(literals));
      case NOT_EQ: return q + " != " + lit(first(literals));
      case STARTS_WITH: return q + " starts with " + lit(first(literals));
      case NOT_STARTS_WITH: return q + " not starts with " + lit(first(literals));
      case IN:
      case NOT_IN: {
        StringJoiner j = new StringJoiner(", ", q + (op == Expression.Operation.IN ? " in (" : " not in ("), ")");
        for (Object l : literals) {
          j.add(lit(l));
        }
        return j.toString();
      }
      default:
        return op + "(" + q + ")";
    }
  }

  private static Object first(Collection<?> c) {
    return c.isEmpty() ? null : c.iterator().next();
  }

  private static String quoteName(String name) {
    return name;
  }

  static String lit(Object v) {
    if (v instanceof CharSequence) {
      return "'" + v + "'";
    }
    if (v instanceof ByteBuffer) {
      ByteBuffer b = ((ByteBuffer) v).duplicate();
      StringBuilder sb = new StringBuilder("X'");
      while (b.hasRemaining()) {
        sb.append(String.format("%02X", b.get() & 0xFF));
      }
      return sb.append('\'').toString();
    }
    if (v instanceof byte[]) {
      return lit(ByteBuffer.wrap((byte[]) v));
    }
    return String.valueOf(v);
  }
}
