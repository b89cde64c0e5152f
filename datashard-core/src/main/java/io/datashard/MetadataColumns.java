package io.datashard;

import java.util.List;

/**
 * Columns a scan can select that are not stored in the table's schema but derived for every row, with the field
 * ids and names the Iceberg spec reserves for them: {@code table.scan().select("id", "_file", "_pos", "_row_id")}.
 * A table column of the same name wins over a metadata column.
 *
 * <p>{@code _row_id} and {@code _last_updated_sequence_number} are the row lineage of format version 3: a row's
 * stored value when its data file has one, else inherited (the data file's {@code first_row_id} plus the row's
 * position; the data file's data sequence number). Both are null for rows of files without row lineage (format
 * versions 1 and 2, or files committed before the table was upgraded to 3). See docs/format.md, "Row lineage".
 */
public final class MetadataColumns {
  /** The location of the data file holding the row. */
  public static final Field FILE_PATH = Field.required(Integer.MAX_VALUE - 1, "_file", Types.STRING);
  /** The row's position in its data file, from 0. */
  public static final Field ROW_POSITION = Field.required(Integer.MAX_VALUE - 2, "_pos", Types.LONG);
  /** The partition spec id of the row's data file. */
  public static final Field SPEC_ID = Field.required(Integer.MAX_VALUE - 4, "_spec_id", Types.INT);
  /** The row's unique id (format version 3 row lineage), or null. */
  public static final Field ROW_ID = Field.optional(Integer.MAX_VALUE - 107, "_row_id", Types.LONG);
  /** The sequence number of the commit that last added or changed the row (format version 3), or null. */
  public static final Field LAST_UPDATED_SEQUENCE_NUMBER =
      Field.optional(Integer.MAX_VALUE - 108, "_last_updated_sequence_number", Types.LONG);

  private static final List<Field> ALL = List.of(FILE_PATH, ROW_POSITION, SPEC_ID, ROW_ID,
      LAST_UPDATED_SEQUENCE_NUMBER);

  private MetadataColumns() {
  }

  /**
   * @param schema a table schema
   * @return the schema with the row lineage columns appended: what a format version 3 rewrite (compaction, a
   *     copy-on-write delete) writes, so that every row it copies keeps its id and sequence number
   */
  public static Schema withRowLineage(Schema schema) {
    List<Field> fields = new java.util.ArrayList<>(schema.fields());
    fields.add(ROW_ID);
    fields.add(LAST_UPDATED_SEQUENCE_NUMBER);
    return Schema.of(fields).withSchemaId(schema.schemaId());
  }

  /** @return every metadata column a scan can select */
  public static List<Field> all() {
    return ALL;
  }

  /** @return the metadata column of that name, or null */
  public static Field named(String name) {
    for (Field f : ALL) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** @return whether a field id is one of the metadata columns */
  public static boolean isMetadataColumn(int fieldId) {
    for (Field f : ALL) {
      if (f.id() == fieldId) {
        return true;
      }
    }
    return false;
  }
}
