package io.datashard;

import java.util.Objects;

/**
 * A named, typed column (or field of a struct) with a permanent Iceberg field id.
 *
 * <p>The id, not the name, identifies the column in data files and metadata, so a column keeps its data
 * through renames. Instances are immutable.
 *
 * <p>A field made without an id ({@link #required(String, Type)}, {@link #optional(String, Type)}) has id 0,
 * "not yet assigned": {@link Schema#of(Field...)} and {@link Schema#builder()} give such fields, and the
 * elements, keys and values of their nested types, fresh ids above every id given explicitly.
 */
public final class Field {
  private final int id;
  private final String name;
  private final Type type;
  private final boolean required;
  private final String doc;
  private final Object initialDefault;
  private final Object writeDefault;

  private Field(int id, String name, Type type, boolean required, String doc) {
    this(id, name, type, required, doc, null, null);
  }

  private Field(int id, String name, Type type, boolean required, String doc, Object initialDefault,
                Object writeDefault) {
    if (id < 0) {
      throw new ValidationException("field id must be positive, got " + id + " for field '" + name + "'");
    }
    if (name == null || name.isEmpty()) {
      throw new ValidationException("field name must not be empty (field id " + id + ")");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new ValidationException("field name must not contain control characters (field id " + id + ")");
      }
    }
    this.id = id;
    this.name = name;
    this.type = Objects.requireNonNull(type, "type");
    this.required = required;
    this.doc = doc;
    this.initialDefault = initialDefault;
    this.writeDefault = writeDefault;
  }

  /** @return a field whose values may never be null; its id is assigned when the schema is built */
  public static Field required(String name, Type type) {
    return new Field(0, name, type, true, null);
  }

  /** @return a field whose values may be null; its id is assigned when the schema is built */
  public static Field optional(String name, Type type) {
    return new Field(0, name, type, false, null);
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
    return new Field(id, name, type, required, newDoc, initialDefault, writeDefault);
  }

  /**
   * Default values (format version 3, as the Iceberg spec defines them): {@code initialDefault} is the value of
   * this field in rows written before it was added (read from files that lack it), {@code writeDefault} the value
   * written when a writer does not supply one. Values are in the type's Java representation (see {@link Types}); a
   * struct's non-null default is a row whose fields take their own defaults.
   *
   * @return a copy of this field with these defaults (null for none)
   */
  public Field withDefaults(Object newInitialDefault, Object newWriteDefault) {
    return new Field(id, name, type, required, doc, newInitialDefault, newWriteDefault);
  }

  /** @return a copy of this field with another id and type (used when ids are assigned) */
  Field withIdAndType(int newId, Type newType) {
    return new Field(newId, name, newType, required, doc, initialDefault, writeDefault);
  }

  /** @return the field id (0 when not yet assigned) */
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

  /** @return the value of this field in rows whose data files lack it (format version 3), or null */
  public Object initialDefault() {
    return initialDefault;
  }

  /** @return the value written when a writer does not supply this field (format version 3), or null */
  public Object writeDefault() {
    return writeDefault;
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
        && Objects.equals(doc, f.doc) && Objects.equals(initialDefault, f.initialDefault)
        && Objects.equals(writeDefault, f.writeDefault);
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
