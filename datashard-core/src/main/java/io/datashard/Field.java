package io.datashard;

import java.util.Objects;

/**
 * A named, typed column with a permanent Iceberg field id.
 *
 * <p>The id, not the name, identifies the column in data files and metadata, so a column keeps its data
 * through renames. Instances are immutable.
 */
public final class Field {
  private final int id;
  private final String name;
  private final Type type;
  private final boolean required;
  private final String doc;

  private Field(int id, String name, Type type, boolean required, String doc) {
    if (id <= 0) {
      throw new IllegalArgumentException("field id must be positive, got " + id + " for field '" + name + "'");
    }
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("field name must not be empty (field id " + id + ")");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new IllegalArgumentException("field name must not contain control characters (field id " + id + ")");
      }
    }
    this.id = id;
    this.name = name;
    this.type = Objects.requireNonNull(type, "type");
    this.required = required;
    this.doc = doc;
  }

  /** @return a field whose values may never be null */
  public static Field required(int id, String name, Type type) {
    return new Field(id, name, type, true, null);
  }

  /** @return a field whose values may be null */
  public static Field optional(int id, String name, Type type) {
    return new Field(id, name, type, false, null);
  }

  /** @return a field with every attribute given */
  public static Field of(int id, String name, Type type, boolean required, String doc) {
    return new Field(id, name, type, required, doc);
  }

  /** @return a copy of this field carrying a documentation string */
  public Field withDoc(String newDoc) {
    return new Field(id, name, type, required, newDoc);
  }

  public int id() {
    return id;
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public boolean isRequired() {
    return required;
  }

  public boolean isOptional() {
    return !required;
  }

  /** @return the documentation string, or null */
  public String doc() {
    return doc;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Field)) {
      return false;
    }
    Field f = (Field) o;
    return id == f.id && required == f.required && name.equals(f.name) && type.equals(f.type)
        && Objects.equals(doc, f.doc);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, type, required, doc);
  }

  @Override
  public String toString() {
    return id + ": " + name + ": " + (required ? "required " : "optional ") + type;
  }
}
