package io.datashard.expressions;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Type;
import io.datashard.ValidationException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Binds expressions to a schema: each column name is resolved to its field id (names are case-sensitive),
 * the operation is checked against the column type and literals are converted to the column type.
 * NOT is pushed down to the predicates and constant sub-expressions are folded, so a bound expression
 * consists only of AND, OR, {@link BoundPredicate}s, or is exactly TRUE or FALSE.
 */
public final class Binder {
  private Binder() {
  }

  /**
   * @param schema the schema to bind to
   * @param expr an unbound (or already bound) expression
   * @return the bound expression
   * @throws ValidationException naming the column when a column does not exist, an operation does not apply
   *     to the column type, or a literal cannot be converted to the column type
   */
  public static Expression bind(Schema schema, Expression expr) {
    return bind(schema, expr, false, expr);
  }

  private static Expression bind(Schema schema, Expression e, boolean negated, Expression whole) {
    switch (e.op()) {
      case TRUE:
        return negated ? Expressions.alwaysFalse() : Expressions.alwaysTrue();
      case FALSE:
        return negated ? Expressions.alwaysTrue() : Expressions.alwaysFalse();
      case NOT:
        return bind(schema, ((Not) e).child(), !negated, whole);
      case AND: {
        And a = (And) e;
        Expression l = bind(schema, a.left(), negated, whole);
        Expression r = bind(schema, a.right(), negated, whole);
        return negated ? Expressions.or(l, r) : Expressions.and(l, r);
      }
      case OR: {
        Or o = (Or) e;
        Expression l = bind(schema, o.left(), negated, whole);
        Expression r = bind(schema, o.right(), negated, whole);
        return negated ? Expressions.and(l, r) : Expressions.or(l, r);
      }
      default:
        if (e instanceof BoundPredicate) {
          BoundPredicate p = (BoundPredicate) e;
          if (schema.findField(p.fieldId()) == null) {
            throw new ValidationException("column '" + p.field().name() + "' (field id " + p.fieldId()
                + ") is not in the schema; columns are " + schema.columnNames());
          }
          return negated ? p.negate() : p;
        }
        if (!(e instanceof UnboundPredicate)) {
          throw new IllegalArgumentException("unknown expression type " + e.getClass().getName());
        }
        return bindPredicate(schema, (UnboundPredicate) e, negated);
    }
  }

  private static Expression bindPredicate(Schema schema, UnboundPredicate p, boolean negated) {
    Field field = schema.findField(p.column());
    if (field == null) {
      throw new ValidationException("unknown column '" + p.column() + "' in filter " + p + "; columns are "
          + schema.columnNames());
    }
    if (!field.type().isPrimitive()) {
      throw new ValidationException("filter " + p + ": column '" + p.column() + "' is a " + field.type().id()
          .name().toLowerCase(java.util.Locale.ROOT) + "; filters apply to primitive columns and struct fields "
          + "(for example '" + p.column() + "." + firstChildName(field) + "')");
    }
    if (schema.isInsideListOrMap(field.id())) {
      throw new ValidationException("filter " + p + ": '" + p.column() + "' is inside a list or a map; filters "
          + "apply to columns and fields of structs");
    }
    if (!field.isRequired() || !schema.pathTo(field.id()).stream().allMatch(Field::isRequired)) {
      field = field.isRequired() ? Field.of(field.id(), field.name(), field.type(), false, field.doc()) : field;
    }
    Type type = field.type();
    Expression.Operation op = negated ? p.op().negate() : p.op();
    String text = p.toString();
    switch (op) {
      case IS_NULL:
        return field.isRequired() ? Expressions.alwaysFalse() : new BoundPredicate(op, field, null, null);
      case NOT_NULL:
        return field.isRequired() ? Expressions.alwaysTrue() : new BoundPredicate(op, field, null, null);
      case IS_NAN:
      case NOT_NAN:
        if (!type.isFloatingPoint()) {
          throw new ValidationException(p.op().name().toLowerCase(java.util.Locale.ROOT)
              + " applies to float and double columns; column '" + field.name() + "' is " + type);
        }
        return new BoundPredicate(op, field, null, null);
      case STARTS_WITH:
      case NOT_STARTS_WITH: {
        if (type.id() != Type.Id.STRING) {
          throw new ValidationException("startsWith applies to string columns; column '" + field.name() + "' is "
              + type);
        }
        Object lit = Literals.convert(field, single(p), text);
        return new BoundPredicate(op, field, lit, null);
      }
      case IN:
      case NOT_IN: {
        TreeSet<Object> set = new TreeSet<>(Comparators.forType(type));
        for (Object v : p.literals()) {
          set.add(Literals.convert(field, v, text));
        }
        if (set.isEmpty()) {
          // x in () matches nothing; x not in () matches every non-null x
          return op == Expression.Operation.IN ? Expressions.alwaysFalse()
              : field.isRequired() ? Expressions.alwaysTrue()
              : new BoundPredicate(Expression.Operation.NOT_NULL, field, null, null);
        }
        if (set.size() == 1) {
          return new BoundPredicate(op == Expression.Operation.IN ? Expression.Operation.EQ
              : Expression.Operation.NOT_EQ, field, set.first(), null);
        }
        return new BoundPredicate(op, field, null, set);
      }
      case LT:
      case LT_EQ:
      case GT:
      case GT_EQ:
      case EQ:
      case NOT_EQ:
        return new BoundPredicate(op, field, Literals.convert(field, single(p), text), null);
      default:
        throw new IllegalArgumentException("not a predicate operation: " + op);
    }
  }

  private static String firstChildName(Field f) {
    return f.type().fields().get(0).name(); // a struct's first field, a list's "element", a map's "key"
  }

  private static Object single(UnboundPredicate p) {
    if (p.literals().size() != 1) {
      throw new ValidationException(p.op() + " needs exactly one value, got " + p.literals().size());
    }
    return p.literals().get(0);
  }

  /**
   * @param bound a bound expression
   * @return the field ids its predicates reference
   */
  public static Set<Integer> referencedFieldIds(Expression bound) {
    Set<Integer> ids = new TreeSet<>();
    collect(bound, ids);
    return ids;
  }

  private static void collect(Expression e, Set<Integer> ids) {
    switch (e.op()) {
      case AND:
        collect(((And) e).left(), ids);
        collect(((And) e).right(), ids);
        return;
      case OR:
        collect(((Or) e).left(), ids);
        collect(((Or) e).right(), ids);
        return;
      case NOT:
        collect(((Not) e).child(), ids);
        return;
      case TRUE:
      case FALSE:
        return;
      default:
        if (e instanceof BoundPredicate) {
          ids.add(((BoundPredicate) e).fieldId());
          return;
        }
        throw new IllegalArgumentException("expression is not bound: " + e);
    }
  }
}
