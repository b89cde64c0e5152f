package io.datashard.expressions;

import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.types.FieldAccessor;
import java.util.Comparator;
import java.util.NavigableSet;
import java.util.function.Predicate;

/**
 * Evaluates a bound expression on rows exactly, with the semantics described in {@link Expression}.
 * The expression is compiled once into a tree of small predicates reading values by position, so evaluation
 * does no lookups per row. Thread-safe.
 */
public final class Evaluator implements Predicate<Row> {
  private final Predicate<Row> compiled;

  /**
   * @param rowSchema the schema of the rows to evaluate; must contain every column the expression references
   * @param bound an expression bound with {@link Binder} (to this schema or a schema with the same field ids)
   */
  public Evaluator(Schema rowSchema, Expression bound) {
    this.compiled = compile(rowSchema, bound);
  }

  @Override
  public boolean test(Row row) {
    return compiled.test(row);
  }

  private static Predicate<Row> compile(Schema schema, Expression e) {
    switch (e.op()) {
      case TRUE:
        return r -> true;
      case FALSE:
        return r -> false;
      case AND: {
        Predicate<Row> l = compile(schema, ((And) e).left());
        Predicate<Row> r = compile(schema, ((And) e).right());
        return row -> l.test(row) && r.test(row);
      }
      case OR: {
        Predicate<Row> l = compile(schema, ((Or) e).left());
        Predicate<Row> r = compile(schema, ((Or) e).right());
        return row -> l.test(row) || r.test(row);
      }
      case NOT:
        // bound expressions have no NOT, but keep SQL semantics if one is built by hand
        return compile(schema, ((Not) e).child().negate());
      default:
        if (!(e instanceof BoundPredicate)) {
          throw new IllegalArgumentException("expression is not bound: " + e);
        }
        return predicate(schema, (BoundPredicate) e);
    }
  }

  private static FieldAccessor getter(Schema schema, BoundPredicate p) {
    FieldAccessor a = FieldAccessor.of(schema, p.fieldId());
    if (a == null) {
      throw new IllegalArgumentException("rows do not have column '" + p.field().name() + "' (field id "
          + p.fieldId() + ") used by " + p);
    }
    return a;
  }

  private static Predicate<Row> predicate(Schema schema, BoundPredicate p) {
    FieldAccessor value = getter(schema, p);
    Comparator<Object> cmp = p.comparator();
    Object lit = p.literal();
    NavigableSet<Object> set = p.literalSet();
    switch (p.op()) {
      case IS_NULL:
        return r -> value.get(r) == null;
      case NOT_NULL:
        return r -> value.get(r) != null;
      case IS_NAN:
        return r -> isNaN(value.get(r));
      case NOT_NAN:
        return r -> !isNaN(value.get(r));
      case LT:
        return r -> {
          Object v = value.get(r);
          return v != null && cmp.compare(v, lit) < 0;
        };
      case LT_EQ:
        return r -> {
          Object v = value.get(r);
          return v != null && cmp.compare(v, lit) <= 0;
        };
      case GT:
        return r -> {
          Object v = value.get(r);
          return v != null && cmp.compare(v, lit) > 0;
        };
      case GT_EQ:
        return r -> {
          Object v = value.get(r);
          return v != null && cmp.compare(v, lit) >= 0;
        };
      case EQ:
        return r -> {
          Object v = value.get(r);
          return v != null && cmp.compare(v, lit) == 0;
        };
      case NOT_EQ:
        return r -> {
          Object v = value.get(r);
          return v != null && cmp.compare(v, lit) != 0;
        };
      case IN:
        return r -> {
          Object v = value.get(r);
          return v != null && set.contains(v);
        };
      case NOT_IN:
        return r -> {
          Object v = value.get(r);
          return v != null && !set.contains(v);
        };
      case STARTS_WITH: {
        String prefix = (String) lit;
        return r -> {
          Object v = value.get(r);
          return v != null && ((String) v).startsWith(prefix);
        };
      }
      case NOT_STARTS_WITH: {
        String prefix = (String) lit;
        return r -> {
          Object v = value.get(r);
          return v != null && !((String) v).startsWith(prefix);
        };
      }
      default:
        throw new IllegalArgumentException("not a predicate: " + p);
    }
  }

  private static boolean isNaN(Object v) {
    return (v instanceof Double && ((Double) v).isNaN()) || (v instanceof Float && ((Float) v).isNaN());
  }
}
