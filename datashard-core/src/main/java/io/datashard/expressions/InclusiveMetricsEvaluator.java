package io.datashard.expressions;

import io.datashard.Type;
import java.util.Comparator;
import java.util.NavigableSet;

/**
 * Decides from statistics whether some rows <em>might</em> match a bound expression. Answers false only when
 * no row can match, so pruning what it rejects never drops a matching row. Statistics the evaluator does not
 * have (unknown counts or bounds) never prune.
 */
public final class InclusiveMetricsEvaluator {
  private InclusiveMetricsEvaluator() {
  }

  /**
   * @param bound an expression bound with {@link Binder}
   * @param stats statistics of the rows
   * @return false when no row can match; true when some row might
   */
  public static boolean mightMatch(Expression bound, ContentStats stats) {
    if (stats.rowCount() == 0) {
      return false;
    }
    return eval(bound, stats);
  }

  private static boolean eval(Expression e, ContentStats s) {
    switch (e.op()) {
      case TRUE:
        return true;
      case FALSE:
        return false;
      case AND:
        return eval(((And) e).left(), s) && eval(((And) e).right(), s);
      case OR:
        return eval(((Or) e).left(), s) || eval(((Or) e).right(), s);
      case NOT:
        return eval(((Not) e).child().negate(), s);
      default:
        return predicate((BoundPredicate) e, s);
    }
  }

  private static boolean predicate(BoundPredicate p, ContentStats s) {
    int id = p.fieldId();
    Type type = p.field().type();
    Comparator<Object> cmp = p.comparator();
    long nulls = s.nullCount(id);
    long values = s.valueCount(id) >= 0 ? s.valueCount(id) : s.rowCount();
    boolean allNull = nulls >= 0 && values >= 0 && nulls >= values;
    long nans = type.isFloatingPoint() ? s.nanCount(id) : 0;
    switch (p.op()) {
      case IS_NULL:
        return nulls != 0;
      case NOT_NULL:
        return !allNull;
      case IS_NAN:
        return nans != 0 && !allNull;
      case NOT_NAN:
        return !(nans >= 0 && values >= 0 && nans >= values);
      default:
        break;
    }
    if (allNull) {
      return false; // every remaining operation needs a non-null value
    }
    Object lower = bound(s.lowerBound(id));
    Object upper = bound(s.upperBound(id));
    Object lit = p.literal();
    boolean mayHaveNaN = nans != 0; // NaN sorts above every value, so it matches > and >= comparisons
    switch (p.op()) {
      case LT:
        return lower == null || cmp.compare(lower, lit) < 0;
      case LT_EQ:
        return lower == null || cmp.compare(lower, lit) <= 0;
      case GT:
        return mayHaveNaN || upper == null || cmp.compare(upper, lit) > 0;
      case GT_EQ:
        return mayHaveNaN || upper == null || cmp.compare(upper, lit) >= 0;
      case EQ:
        return (lower == null || cmp.compare(lower, lit) <= 0) && (upper == null || cmp.compare(upper, lit) >= 0);
      case NOT_EQ:
        // lower <= v <= upper with lower = upper = lit means every value equals lit
        return mayHaveNaN || lower == null || upper == null || cmp.compare(lower, lit) != 0
            || cmp.compare(upper, lit) != 0;
      case IN: {
        NavigableSet<Object> set = p.literalSet();
        Object candidate = lower == null ? set.first() : set.ceiling(lower);
        return candidate != null && (upper == null || cmp.compare(candidate, upper) <= 0);
      }
      case NOT_IN:
        return mayHaveNaN || lower == null || upper == null || cmp.compare(lower, upper) != 0
            || !p.literalSet().contains(lower);
      case STARTS_WITH: {
        String prefix = (String) lit;
        int n = prefix.codePointCount(0, prefix.length());
        if (lower != null && Comparators.compareStrings(truncate((String) lower, n), prefix) > 0) {
          return false;
        }
        return upper == null || Comparators.compareStrings(truncate((String) upper, n), prefix) >= 0;
      }
      case NOT_STARTS_WITH: {
        String prefix = (String) lit;
        // strings starting with the prefix form one interval: if both bounds are in it, every value is
        return lower == null || upper == null || !((String) lower).startsWith(prefix)
            || !((String) upper).startsWith(prefix);
      }
      default:
        return true;
    }
  }

  /** A NaN bound (written by some other writer) bounds nothing useful: treat it as unknown. */
  private static Object bound(Object b) {
    if (b instanceof Double && ((Double) b).isNaN() || b instanceof Float && ((Float) b).isNaN()) {
      return null;
    }
    return b;
  }

  private static String truncate(String s, int codePoints) {
    if (s.codePointCount(0, s.length()) <= codePoints) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, codePoints));
  }
}
