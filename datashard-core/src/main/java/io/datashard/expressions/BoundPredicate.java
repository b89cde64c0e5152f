package io.datashard.expressions;

import io.datashard.Field;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A predicate bound to a column of a schema: the column's field id and type are known and the literals are
 * in the column type's Java representation (see {@link io.datashard.Types}).
 */
public final class BoundPredicate implements Expression {
  private final Operation op;
  private final Field field;
  private final Object literal;
  private final NavigableSet<Object> literalSet;
  private final Comparator<Object> comparator;

  BoundPredicate(Operation op, Field field, Object literal, NavigableSet<Object> literalSet) {
    this.op = op;
    this.field = field;
    this.literal = literal;
    this.literalSet = literalSet == null ? null : Collections.unmodifiableNavigableSet(literalSet);
    this.comparator = Comparators.forType(field.type());
  }

  @Override
  public Operation op() {
    return op;
  }

  /** @return the column */
  public Field field() {
    return field;
  }

  /** @return the column's field id */
  public int fieldId() {
    return field.id();
  }

  /** @return the literal of a comparison or startsWith, converted to the column type; null for other operations */
  public Object literal() {
    return literal;
  }

  /** @return the literals of in/notIn, converted, distinct and sorted in the column order; null otherwise */
  public NavigableSet<Object> literalSet() {
    return literalSet;
  }

  /** @return the order of the column type */
  public Comparator<Object> comparator() {
    return comparator;
  }

  @Override
  public Expression negate() {
    return new BoundPredicate(op.negate(), field, literal, literalSet == null ? null : new TreeSet<>(literalSet));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BoundPredicate)) {
      return false;
    }
    BoundPredicate p = (BoundPredicate) o;
    return op == p.op && field.equals(p.field) && Objects.equals(literal, p.literal)
        && Objects.equals(literalSet, p.literalSet);
  }

  @Override
  public int hashCode() {
    return Objects.hash(op, field.id(), literal);
  }

  @Override
  public String toString() {
    List<Object> lits = literalSet != null ? List.copyOf(literalSet)
        : literal != null ? List.of(literal) : List.of();
    return Predicates.describe(op, field.name(), lits);
  }
}
