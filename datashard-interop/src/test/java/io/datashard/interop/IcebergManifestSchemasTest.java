package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Field;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Types;
import io.datashard.manifest.ManifestSchemas;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.avro.AvroSchemaUtil;
import org.junit.jupiter.api.Test;

/**
 * The manifest-list and manifest-entry Avro schemas DataShard writes, checked against Apache Iceberg's own
 * definitions ({@link ManifestFile#schema()}, {@link DataFile#getType} and Iceberg's manifest-entry wrapper)
 * rather than against schemas written by hand: every field DataShard writes exists in Iceberg with the same
 * field id, name and Avro type, and every field Iceberg requires is written.
 */
class IcebergManifestSchemasTest {
  static final io.datashard.Schema TABLE = io.datashard.Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.optional(2, "name", Types.STRING));

  @Test
  void manifestListMatchesIcebergsManifestFileSchema() {
    Schema theirs = AvroSchemaUtil.convert(ManifestFile.schema(), "manifest_file");
    assertMatches(ManifestSchemas.manifestListSchema(), theirs, "manifest_file");
  }

  @Test
  void unpartitionedEntryMatchesIcebergsManifestEntrySchema() throws Exception {
    Schema ours = ManifestSchemas.entrySchema(PartitionSpec.unpartitioned(), TABLE);
    assertMatches(ours, icebergEntry(org.apache.iceberg.types.Types.StructType.of()), "manifest_entry");
  }

  @Test
  void partitionedEntryMatchesIcebergsManifestEntrySchema() throws Exception {
    PartitionSpec spec = PartitionSpec.of(1, java.util.List.of(new PartitionField(1, 1000, "id_bucket", "bucket[16]")));
    org.apache.iceberg.types.Types.StructType partition = org.apache.iceberg.types.Types.StructType.of(
        org.apache.iceberg.types.Types.NestedField.optional(1000, "id_bucket",
            org.apache.iceberg.types.Types.IntegerType.get()));
    assertMatches(ManifestSchemas.entrySchema(spec, TABLE), icebergEntry(partition), "manifest_entry");
  }

  /** Iceberg's manifest-entry schema (package-private {@code ManifestEntry.getSchema}) around its DataFile type. */
  static Schema icebergEntry(org.apache.iceberg.types.Types.StructType partitionType) throws Exception {
    assertThat(DataFile.getType(partitionType).field(DataFile.PARTITION_ID)).isNotNull();
    Method getSchema = Class.forName("org.apache.iceberg.ManifestEntry")
        .getDeclaredMethod("getSchema", org.apache.iceberg.types.Types.StructType.class);
    getSchema.setAccessible(true);
    return AvroSchemaUtil.convert((org.apache.iceberg.Schema) getSchema.invoke(null, partitionType), "manifest_entry");
  }

  /** Compares two Avro schemas by Iceberg field id: same names and types; every Iceberg-required field present. */
  static void assertMatches(Schema ours, Schema theirs, String path) {
    ours = nonNull(ours);
    theirs = nonNull(theirs);
    assertThat(ours.getType()).as("type of %s", path).isEqualTo(theirs.getType());
    switch (ours.getType()) {
      case RECORD -> {
        Map<Object, Schema.Field> theirsById = new HashMap<>();
        for (Schema.Field f : theirs.getFields()) {
          theirsById.put(f.getObjectProp(ManifestSchemas.FIELD_ID_PROP), f);
        }
        Map<Object, Schema.Field> oursById = new HashMap<>();
        for (Schema.Field f : ours.getFields()) {
          Object id = f.getObjectProp(ManifestSchemas.FIELD_ID_PROP);
          oursById.put(id, f);
          Schema.Field t = theirsById.get(id);
          assertThat(t).as("Iceberg field with id %s (ours: %s.%s)", id, path, f.name()).isNotNull();
          assertThat(f.name()).as("name of field %s in %s", id, path).isEqualTo(t.name());
          assertMatches(f.schema(), t.schema(), path + "." + f.name());
        }
        for (Schema.Field t : theirs.getFields()) {
          if (t.schema().getType() != Schema.Type.UNION) {
            assertThat(oursById).as("required Iceberg field %s.%s", path, t.name())
                .containsKey(t.getObjectProp(ManifestSchemas.FIELD_ID_PROP));
          }
        }
      }
      case ARRAY -> assertMatches(ours.getElementType(), theirs.getElementType(), path + "[]");
      case MAP -> assertMatches(ours.getValueType(), theirs.getValueType(), path + "{}");
      default -> assertThat(ours.getLogicalType()).as("logical type of %s", path).isEqualTo(theirs.getLogicalType());
    }
  }

  private static Schema nonNull(Schema s) {
    if (s.getType() == Schema.Type.UNION && s.getTypes().size() == 2
        && s.getTypes().get(0).getType() == Schema.Type.NULL) {
      return s.getTypes().get(1);
    }
    return s;
  }
}
