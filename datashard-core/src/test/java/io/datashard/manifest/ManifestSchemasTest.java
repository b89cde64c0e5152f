package io.datashard.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Field;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Types;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class ManifestSchemasTest {
  static final io.datashard.Schema TABLE = io.datashard.Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.optional(2, "name", Types.STRING),
      Field.optional(3, "ts", Types.TIMESTAMP_TZ),
      Field.optional(4, "amount", Types.decimal(20, 2)),
      Field.optional(5, "u", Types.UUID),
      Field.optional(6, "d", Types.DATE));

  /**
   * The golden schemas are written by hand from format/spec.md ("Manifests", "Manifest Lists", Appendix A)
   * and Iceberg's field definitions (DataFile, ManifestFile, V2Metadata): record names r2/r102/r508,
   * k{key}_v{value} map records, field ids, optional = ["null", T] with default null.
   */
  static Schema golden(String name) throws IOException {
    try (InputStream in = ManifestSchemasTest.class.getResourceAsStream(name)) {
      return new Schema.Parser().parse(in);
    }
  }

  @Test
  void unpartitionedEntrySchemaMatchesGolden() throws IOException {
    Schema ours = ManifestSchemas.entrySchema(PartitionSpec.unpartitioned(), TABLE);
    Schema golden = golden("iceberg-v2-manifest-entry-unpartitioned.avsc");
    // Compare through JSON so both sides go through the same parser (props, defaults, logical types).
    assertThat(new Schema.Parser().parse(ours.toString())).isEqualTo(golden);
    assertThat(ours.toString()).isEqualTo(golden.toString());
  }

  @Test
  void manifestListSchemaMatchesGolden() throws IOException {
    Schema ours = ManifestSchemas.manifestListSchema();
    Schema golden = golden("iceberg-v2-manifest-list.avsc");
    assertThat(new Schema.Parser().parse(ours.toString())).isEqualTo(golden);
    assertThat(ours.toString()).isEqualTo(golden.toString());
  }

  @Test
  void everyFieldCarriesAnId() {
    PartitionSpec spec = PartitionSpec.of(1, List.of(new PartitionField(1, 1000, "id_bucket", "bucket[16]")));
    assertAllIds(ManifestSchemas.entrySchema(spec, TABLE), new ArrayList<>());
    assertAllIds(ManifestSchemas.manifestListSchema(), new ArrayList<>());
  }

  static void assertAllIds(Schema s, List<String> seen) {
    switch (s.getType()) {
      case RECORD:
        if (seen.contains(s.getFullName())) {
          return;
        }
        seen.add(s.getFullName());
        for (Schema.Field f : s.getFields()) {
          assertThat(f.getObjectProp("field-id")).as("field-id of %s.%s", s.getName(), f.name())
              .isInstanceOf(Integer.class);
          if (f.schema().getType() == Schema.Type.UNION) {
            assertThat(f.schema().getTypes().get(0).getType()).isEqualTo(Schema.Type.NULL);
            assertThat(f.defaultVal()).as("default of optional %s", f.name()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
          }
          assertAllIds(f.schema(), seen);
        }
        break;
      case UNION:
        s.getTypes().forEach(t -> assertAllIds(t, seen));
        break;
      case ARRAY:
        if ("map".equals(s.getProp("logicalType"))) {
          Schema kv = s.getElementType();
          assertThat(kv.getType()).isEqualTo(Schema.Type.RECORD);
          assertThat(kv.getFields()).extracting(Schema.Field::name).containsExactly("key", "value");
        } else {
          assertThat(s.getObjectProp("element-id")).as("element-id of %s", s).isInstanceOf(Integer.class);
        }
        assertAllIds(s.getElementType(), seen);
        break;
      case MAP:
        assertThat(s.getObjectProp("key-id")).isInstanceOf(Integer.class);
        assertThat(s.getObjectProp("value-id")).isInstanceOf(Integer.class);
        assertAllIds(s.getValueType(), seen);
        break;
      default:
        break;
    }
  }

  @Test
  void partitionTypesFollowIcebergTransforms() {
    PartitionSpec spec = PartitionSpec.of(3, List.of(
        new PartitionField(1, 1000, "id", "identity"),
        new PartitionField(3, 1001, "ts_year", "year"),
        new PartitionField(3, 1002, "ts_month", "month"),
        new PartitionField(3, 1003, "ts_day", "day"),
        new PartitionField(3, 1004, "ts_hour", "hour"),
        new PartitionField(1, 1005, "id_bucket", "bucket[8]"),
        new PartitionField(2, 1006, "name_trunc", "truncate[4]"),
        new PartitionField(4, 1007, "amount", "identity"),
        new PartitionField(5, 1008, "u", "identity"),
        new PartitionField(2, 1009, "gone", "void"),
        new PartitionField(6, 1010, "1st day", "identity")));
    assertThat(ManifestSchemas.partitionTypes(spec, TABLE)).containsExactly(Types.LONG, Types.INT, Types.INT,
        Types.DATE, Types.INT, Types.INT, Types.STRING, Types.decimal(20, 2), Types.UUID, Types.STRING, Types.DATE);

    Schema partition = ManifestSchemas.entrySchema(spec, TABLE).getField("data_file").schema()
        .getField("partition").schema();
    assertThat(partition.getName()).isEqualTo("r102");
    List<Schema.Field> fields = partition.getFields();
    assertThat(fields).extracting(f -> f.getObjectProp("field-id"))
        .containsExactly(1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010);
    assertThat(fields.get(3).schema().getTypes().get(1).getLogicalType().getName()).isEqualTo("date");
    Schema decimal = fields.get(7).schema().getTypes().get(1);
    assertThat(decimal.getType()).isEqualTo(Schema.Type.FIXED);
    assertThat(decimal.getFixedSize()).isEqualTo(9);
    assertThat(decimal.getName()).isEqualTo("decimal_20_2");
    Schema uuid = fields.get(8).schema().getTypes().get(1);
    assertThat(uuid.getFixedSize()).isEqualTo(16);
    assertThat(uuid.getLogicalType().getName()).isEqualTo("uuid");
    // Iceberg sanitizes names that are not valid Avro names and keeps the original in a property.
    assertThat(fields.get(10).name()).isEqualTo("_1st_x20day");
    assertThat(fields.get(10).getProp("iceberg-field-name")).isEqualTo("1st day");
  }

  @Test
  void timestampSchemasCarryAdjustToUtc() {
    assertThat(ManifestSchemas.avroType(Types.TIMESTAMP_TZ).getObjectProp("adjust-to-utc")).isEqualTo(true);
    assertThat(ManifestSchemas.avroType(Types.TIMESTAMP).getObjectProp("adjust-to-utc")).isEqualTo(false);
  }

  @Test
  void decimalByteWidthsMatchIceberg() {
    // Iceberg's TypeUtil.decimalRequiredBytes for precisions 1..38 (first precision needing each width).
    assertThat(ManifestSchemas.decimalRequiredBytes(1)).isEqualTo(1);
    assertThat(ManifestSchemas.decimalRequiredBytes(2)).isEqualTo(1);
    assertThat(ManifestSchemas.decimalRequiredBytes(3)).isEqualTo(2);
    assertThat(ManifestSchemas.decimalRequiredBytes(9)).isEqualTo(4);
    assertThat(ManifestSchemas.decimalRequiredBytes(10)).isEqualTo(5);
    assertThat(ManifestSchemas.decimalRequiredBytes(18)).isEqualTo(8);
    assertThat(ManifestSchemas.decimalRequiredBytes(19)).isEqualTo(9);
    assertThat(ManifestSchemas.decimalRequiredBytes(38)).isEqualTo(16);
  }

  @Test
  void rejectsUnknownTransformAndMissingSource() {
    assertThatThrownBy(() -> ManifestSchemas.partitionTypes(
        PartitionSpec.of(1, List.of(new PartitionField(1, 1000, "x", "zorder"))), TABLE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zorder");
    assertThatThrownBy(() -> ManifestSchemas.partitionTypes(
        PartitionSpec.of(1, List.of(new PartitionField(99, 1000, "x", "identity"))), TABLE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("99");
  }
}
