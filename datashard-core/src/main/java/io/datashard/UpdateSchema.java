package io.datashard;

/**
 * Changes a table's schema; build the change, then {@link #commit()}. Columns are tracked by field id, so
 * data written before the change stays readable: added columns read as null in old files, renamed columns
 * are found by id, dropped columns are no longer returned, widened types are read widened. Ids are never
 * reused. Like every commit, the change is retried on a refreshed table if another writer committed first,
 * and fails with {@link ValidationException} if it no longer applies (for example, a renamed column was
 * dropped concurrently).
 *
 * <p>Names are top-level column names or dotted paths to nested fields: {@code payload.user.email} is a field of a
 * struct, {@code items.element} a list's element, {@code attrs.key} / {@code attrs.value} a map's key and value.
 * Fields are added, dropped and moved within structs; an element, key or value can be widened, and an element or
 * value made optional.
 * <pre>{@code
 * table.updateSchema().addColumn("country", Types.STRING).renameColumn("ts", "event_time").commit();
 * table.updateSchema().addColumn("payload.user", "email", Types.STRING).updateColumn("items.element.qty", Types.LONG)
 *     .commit();
 * }</pre>
 */
public interface UpdateSchema {
  /** Adds an optional column at the end. */
  UpdateSchema addColumn(String name, Type type);

  /** Adds an optional column with a documentation string at the end. */
  UpdateSchema addColumn(String name, Type type, String doc);

  /**
   * Adds an optional column at the end with a default value (format version 3): rows written before it read the
   * default ({@code initial-default}), and appends that leave it out write it ({@code write-default}).
   *
   * @param defaultValue a value of the type's Java representation ({@link Types}), or null for none
   * @throws ValidationException when the table is below format version 3, or the value does not fit the type
   */
  UpdateSchema addColumnWithDefault(String name, Type type, Object defaultValue);

  /**
   * Adds a required column at the end (format version 3): rows written before it read {@code defaultValue}, and
   * appends that leave it out write it.
   *
   * @param defaultValue a non-null value of the type's Java representation
   * @throws ValidationException when the default is null, does not fit the type, or the table is below version 3
   */
  UpdateSchema addRequiredColumn(String name, Type type, Object defaultValue);

  /**
   * Changes the value appends write when they leave a column out ({@code write-default}, format version 3); rows
   * already written, and the value older files read, are unchanged.
   *
   * @param writeDefault the new write default, or null for none (optional columns only)
   */
  UpdateSchema updateColumnDefault(String name, Object writeDefault);

  /**
   * Adds an optional field to a struct column (or nested struct) at its end; the new field, and every element, key,
   * value and field of its type, get fresh ids.
   *
   * @param parent the dotted path of a struct ({@code payload.user}), or null for a top-level column
   * @param name the new field's name within that struct
   * @param type its type
   * @return this
   */
  UpdateSchema addColumn(String parent, String name, Type type);

  /** Renames a column or nested field within its struct (its data stays). */
  UpdateSchema renameColumn(String name, String newName);

  /** Drops a column; its id is retired. A partition source column cannot be dropped. */
  UpdateSchema deleteColumn(String name);

  /** Makes a required column optional. */
  UpdateSchema makeColumnOptional(String name);

  /** Widens a column's type: int to long, float to double, decimal(P,S) to decimal(P',S) with P' &gt; P. */
  UpdateSchema updateColumn(String name, Type newType);

  /** Sets or clears (null) a column's documentation. */
  UpdateSchema updateColumnDoc(String name, String doc);

  /** Moves a column to the first position. */
  UpdateSchema moveFirst(String name);

  /** Moves a column to just after another. */
  UpdateSchema moveAfter(String name, String afterName);

  /** Moves a column to just before another. */
  UpdateSchema moveBefore(String name, String beforeName);

  /**
   * Sets the table's identifier fields (Iceberg's {@code identifier-field-ids}): the required primitive columns
   * whose values together identify a row, used by {@link Table#upsert} and the change feed's update pairs. An empty
   * list clears them.
   *
   * @param names top-level column names or dotted paths into required structs
   * @return this
   */
  UpdateSchema setIdentifierFields(java.util.List<String> names);

  /** @return the schema as it would be committed on the table's current version */
  Schema apply();

  /**
   * Commits the change.
   *
   * @return the new current schema
   * @throws ValidationException when a change is invalid (unknown column, name taken, narrowing type)
   * @throws CommitConflictException when concurrent commits exhausted the retries
   */
  Schema commit();
}
