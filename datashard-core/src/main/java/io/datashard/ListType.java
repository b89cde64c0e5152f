package io.datashard;

import java.util.List;
import java.util.Objects;

/**
 * A list type: a sequence of elements of one type, the element having its own field id. Values are
 * {@link java.util.List}s.
 *
 * <p>Immutable and compared by value. {@link Types#list(Type)} makes a list of optional elements whose id is
 * assigned when the enclosing schema is built; {@link #of(int, Type, boolean)} gives every attribute.
 */
public final class ListType extends Type {
  private final Field element;

  private ListType(Field element) {
    super(Id.LIST, 0, 0);
    this.element = element;
  }

  /**
   * @param elementId the element's field id (0 to have one assigned when the schema is built)
   * @param elementType the element type
   * @param elementRequired whether elements may never be null
   * @return the list type
   */
  public static ListType of(int elementId, Type elementType, boolean elementRequired) {
    return new ListType(Field.of(elementId, "element", Objects.requireNonNull(elementType, "element type"),
        elementRequired, null));
  }

  /** @return the element as a field named {@code element} (its id, type and whether it is required) */
  public Field elementField() {
    return element;
  }

  /** @return the element's field id (0 until the enclosing schema assigns one) */
  public int elementId() {
    return element.id();
  }

  /** @return the element type */
  public Type elementType() {
    return element.type();
  }

  /** @return whether elements may never be null */
  public boolean isElementRequired() {
    return element.isRequired();
  }

  /** @return the element field, as a one-field list (for code that walks the type tree) */
  @Override
  public List<Field> fields() {
    return List.of(element);
  }

  @Override
  public ListType asList() {
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof ListType && element.equals(((ListType) o).element));
  }

  @Override
  public int hashCode() {
    return 31 * element.hashCode() + 1;
  }

  @Override
  public String toString() {
    return "list<" + element.type() + (element.isRequired() ? " not null" : "") + ">";
  }
}
