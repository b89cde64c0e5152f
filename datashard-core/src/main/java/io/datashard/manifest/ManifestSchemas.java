package io.datashard.manifest;

import io.datashard.Field;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The Avro schemas of Iceberg v2 manifests ({@code manifest_entry}) and manifest lists ({@code manifest_file}),
 * built the way Apache Iceberg's Java library builds them: the same record names ({@code manifest_entry},
 * {@code r2}, {@code r102}, {@code k117_v118}, {@code manifest_file}, {@code r508}), the same field names,
 * field ids ({@code field-id} on every record field, {@code element-id} on arrays), optional fields as
 * {@code ["null", T]} unions with a null default, and int-keyed maps as arrays of {@code key}/{@code value}
 * records carrying {@code logicalType: map}.
 *
 * <p>The schemas that do not depend on a partition spec are built once. Avro {@link Schema} objects are
 * technically mutable: callers must never add properties to the schemas returned here.
 */
public final class ManifestSchemas {
  /** Avro property holding an Iceberg field id on a record field. */
  public static final String FIELD_ID_PROP = "field-id";
  /** Avro property holding the Iceberg element id on an array schema. */
  public static final String ELEMENT_ID_PROP = "element-id";
  /** Avro property Iceberg adds to timestamp schemas. */
  public static final String ADJUST_TO_UTC_PROP = "adjust-to-utc";

  /** Avro property Iceberg adds to a field whose name had to be sanitized, holding the original name. */
  public static final String ICEBERG_FIELD_NAME_PROP = "iceberg-field-name";
  static final String LOGICAL_TYPE_PROP = "logicalType";

  /** {@code data_file.partition} field id. */
  public static final int PARTITION_ID = 102;

  private static final Schema MANIFEST_LIST = buildManifestListSchema(2);
  private static final Schema MANIFEST_LIST_V3 = buildManifestListSchema(3);
  private static final Schema UNPARTITIONED_ENTRY = buildEntrySchema(List.of(), List.of(), 2);
  private static final Schema UNPARTITIONED_ENTRY_V3 = buildEntrySchema(List.of(), List.of(), 3);

  private ManifestSchemas() {
  }

  /** @return the v2 {@code manifest_file} schema of manifest lists (never mutate it) */
  public static Schema manifestListSchema() {
    return MANIFEST_LIST;
  }

  /**
   * @param formatVersion the table's format version
   * @return the {@code manifest_file} schema of that version's manifest lists: v3 adds {@code first_row_id}
   */
  public static Schema manifestListSchema(int formatVersion) {
    return formatVersion >= 3 ? MANIFEST_LIST_V3 : MANIFEST_LIST;
  }

  /**
   * @param spec the partition spec of the manifest
   * @param tableSchema the table schema the spec's source ids refer to
   * @return the v2 {@code manifest_entry} schema for that spec (a shared instance when unpartitioned; never
   *     mutate it)
   * @throws IllegalArgumentException when a source column is missing or a transform is unknown
   */
  public static Schema entrySchema(PartitionSpec spec, io.datashard.Schema tableSchema) {
    return entrySchema(spec, tableSchema, 2);
  }

  /**
   * @return the {@code manifest_entry} schema of a format version: v3 adds {@code first_row_id},
   *     {@code content_offset} and {@code content_size_in_bytes} to {@code data_file}
   */
  public static Schema entrySchema(PartitionSpec spec, io.datashard.Schema tableSchema, int formatVersion) {
    if (spec.isUnpartitioned()) {
      return formatVersion >= 3 ? UNPARTITIONED_ENTRY_V3 : UNPARTITIONED_ENTRY;
    }
    return buildEntrySchema(spec.fields(), partitionTypes(spec, tableSchema), formatVersion);
  }

  /**
   * Derives the types of a spec's partition values, as Iceberg does: identity, truncate and void keep the
   * source type; year, month, hour and bucket produce int; day produces date.
   *
   * @return one type per partition field, in spec order
   * @throws IllegalArgumentException when a source column is missing or a transform is unknown
   */
  public static List<Type> partitionTypes(PartitionSpec spec, io.datashard.Schema tableSchema) {
    List<Type> types = new ArrayList<>(spec.fields().size());
    for (PartitionField pf : spec.fields()) {
      Field source = tableSchema.findField(pf.sourceId());
      if (source == null) {
        throw new IllegalArgumentException("partition field '" + pf.name() + "' refers to source column id "
            + pf.sourceId() + ", which is not in the table schema");
      }
      types.add(partitionType(pf.transform(), source.type(), pf.name()));
    }
    return List.copyOf(types);
  }

  private static Type partitionType(String transform, Type source, String name) {
    try {
      return io.datashard.transforms.Transforms.fromName(transform).resultType(source);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (partition field '" + name + "')", e);
    }
  }

  /**
   * @param type a column type
   * @return the Avro schema Iceberg uses for values of that type (Appendix A of the spec)
   */
  public static Schema avroType(Type type) {
    switch (type.id()) {
      case BOOLEAN: return Schema.create(Schema.Type.BOOLEAN);
      case INT: return Schema.create(Schema.Type.INT);
      case LONG: return Schema.create(Schema.Type.LONG);
      case FLOAT: return Schema.create(Schema.Type.FLOAT);
      case DOUBLE: return Schema.create(Schema.Type.DOUBLE);
      case DATE: return LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
      case TIME: return LogicalTypes.timeMicros().addToSchema(Schema.create(Schema.Type.LONG));
      case TIMESTAMP: {
        Schema s = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
        s.addProp(ADJUST_TO_UTC_PROP, false);
        return s;
      }
      case TIMESTAMP_TZ: {
        Schema s = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
        s.addProp(ADJUST_TO_UTC_PROP, true);
        return s;
      }
      case TIMESTAMP_NS:
      case TIMESTAMP_NS_TZ: {
        Schema s = LogicalTypes.timestampNanos().addToSchema(Schema.create(Schema.Type.LONG));
        s.addProp(ADJUST_TO_UTC_PROP, type.id() == Type.Id.TIMESTAMP_NS_TZ);
        return s;
      }
      case STRING: return Schema.create(Schema.Type.STRING);
      case UUID: return LogicalTypes.uuid().addToSchema(Schema.createFixed("uuid_fixed", null, null, 16));
      case FIXED: return Schema.createFixed("fixed_" + type.length(), null, null, type.length());
      case BINARY: return Schema.create(Schema.Type.BYTES);
      case DECIMAL:
        return LogicalTypes.decimal(type.precision(), type.scale()).addToSchema(Schema.createFixed(
            "decimal_" + type.precision() + "_" + type.scale(), null, null, decimalRequiredBytes(type.precision())));
      case STRUCT, LIST, MAP:
      default:
        throw new IllegalArgumentException("no Avro mapping for type " + type);
    }
  }

  /** @return the fewest bytes whose two's complement range holds every unscaled value of that precision */
  static int decimalRequiredBytes(int precision) {
    BigInteger max = BigInteger.TEN.pow(precision);
    int bytes = 1;
    while (BigInteger.ONE.shiftLeft(8 * bytes - 1).compareTo(max) < 0) {
      bytes++;
    }
    return bytes;
  }

  private static Schema buildEntrySchema(List<PartitionField> partitionFields, List<Type> partitionTypes,
                                         int formatVersion) {
    List<Schema.Field> partition = new ArrayList<>(partitionFields.size());
    for (int i = 0; i < partitionFields.size(); i++) {
      PartitionField pf = partitionFields.get(i);
      // Partition values are always optional in Iceberg's partition type.
      String name = avroName(pf.name());
      Schema.Field f = optional(pf.fieldId(), name, avroType(partitionTypes.get(i)));
      if (!name.equals(pf.name())) {
        f.addProp(ICEBERG_FIELD_NAME_PROP, pf.name());
      }
      partition.add(f);
    }
    Schema partitionRecord = Schema.createRecord("r" + PARTITION_ID, null, null, false, partition);

    List<Schema.Field> dataFileFields = new ArrayList<>(List.of(
        required(134, "content", Schema.create(Schema.Type.INT)),
        required(100, "file_path", Schema.create(Schema.Type.STRING)),
        required(101, "file_format", Schema.create(Schema.Type.STRING)),
        required(PARTITION_ID, "partition", partitionRecord),
        required(103, "record_count", Schema.create(Schema.Type.LONG)),
        required(104, "file_size_in_bytes", Schema.create(Schema.Type.LONG)),
        optional(108, "column_sizes", intMap(117, 118, Schema.create(Schema.Type.LONG))),
        optional(109, "value_counts", intMap(119, 120, Schema.create(Schema.Type.LONG))),
        optional(110, "null_value_counts", intMap(121, 122, Schema.create(Schema.Type.LONG))),
        optional(137, "nan_value_counts", intMap(138, 139, Schema.create(Schema.Type.LONG))),
        optional(125, "lower_bounds", intMap(126, 127, Schema.create(Schema.Type.BYTES))),
        optional(128, "upper_bounds", intMap(129, 130, Schema.create(Schema.Type.BYTES))),
        optional(131, "key_metadata", Schema.create(Schema.Type.BYTES)),
        optional(132, "split_offsets", list(133, Schema.create(Schema.Type.LONG))),
        optional(135, "equality_ids", list(136, Schema.create(Schema.Type.INT))),
        optional(140, "sort_order_id", Schema.create(Schema.Type.INT)),
        optional(143, "referenced_data_file", Schema.create(Schema.Type.STRING))));
    if (formatVersion >= 3) {
      dataFileFields.add(optional(142, "first_row_id", Schema.create(Schema.Type.LONG)));
      dataFileFields.add(optional(144, "content_offset", Schema.create(Schema.Type.LONG)));
      dataFileFields.add(optional(145, "content_size_in_bytes", Schema.create(Schema.Type.LONG)));
    }
    Schema dataFile = Schema.createRecord("r2", null, null, false, dataFileFields);

    return Schema.createRecord("manifest_entry", null, null, false, List.of(
        required(0, "status", Schema.create(Schema.Type.INT)),
        optional(1, "snapshot_id", Schema.create(Schema.Type.LONG)),
        optional(3, "sequence_number", Schema.create(Schema.Type.LONG)),
        optional(4, "file_sequence_number", Schema.create(Schema.Type.LONG)),
        required(2, "data_file", dataFile)));
  }

  private static Schema buildManifestListSchema(int formatVersion) {
    Schema summary = Schema.createRecord("r508", null, null, false, List.of(
        required(509, "contains_null", Schema.create(Schema.Type.BOOLEAN)),
        optional(518, "contains_nan", Schema.create(Schema.Type.BOOLEAN)),
        optional(510, "lower_bound", Schema.create(Schema.Type.BYTES)),
        optional(511, "upper_bound", Schema.create(Schema.Type.BYTES))));
    List<Schema.Field> fields = new ArrayList<>(List.of(
        required(500, "manifest_path", Schema.create(Schema.Type.STRING)),
        required(501, "manifest_length", Schema.create(Schema.Type.LONG)),
        required(502, "partition_spec_id", Schema.create(Schema.Type.INT)),
        required(517, "content", Schema.create(Schema.Type.INT)),
        required(515, "sequence_number", Schema.create(Schema.Type.LONG)),
        required(516, "min_sequence_number", Schema.create(Schema.Type.LONG)),
        required(503, "added_snapshot_id", Schema.create(Schema.Type.LONG)),
        required(504, "added_files_count", Schema.create(Schema.Type.INT)),
        required(505, "existing_files_count", Schema.create(Schema.Type.INT)),
        required(506, "deleted_files_count", Schema.create(Schema.Type.INT)),
        required(512, "added_rows_count", Schema.create(Schema.Type.LONG)),
        required(513, "existing_rows_count", Schema.create(Schema.Type.LONG)),
        required(514, "deleted_rows_count", Schema.create(Schema.Type.LONG)),
        optional(507, "partitions", list(508, summary)),
        optional(519, "key_metadata", Schema.create(Schema.Type.BYTES))));
    if (formatVersion >= 3) {
      fields.add(optional(520, "first_row_id", Schema.create(Schema.Type.LONG)));
    }
    return Schema.createRecord("manifest_file", null, null, false, fields);
  }

  private static Schema.Field required(int id, String name, Schema type) {
    Schema.Field f = new Schema.Field(name, type, null, (Object) null);
    f.addProp(FIELD_ID_PROP, id);
    return f;
  }

  private static Schema.Field optional(int id, String name, Schema type) {
    Schema.Field f = new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL), type), null,
        JsonProperties.NULL_VALUE);
    f.addProp(FIELD_ID_PROP, id);
    return f;
  }

  private static Schema list(int elementId, Schema element) {
    Schema s = Schema.createArray(element);
    s.addProp(ELEMENT_ID_PROP, elementId);
    return s;
  }

  /** An Iceberg map with required int keys and required values, as an array of key/value records. */
  private static Schema intMap(int keyId, int valueId, Schema value) {
    Schema.Field k = new Schema.Field("key", Schema.create(Schema.Type.INT), null, (Object) null);
    k.addProp(FIELD_ID_PROP, keyId);
    Schema.Field v = new Schema.Field("value", value, null, (Object) null);
    v.addProp(FIELD_ID_PROP, valueId);
    Schema kv = Schema.createRecord("k" + keyId + "_v" + valueId, null, null, false, List.of(k, v));
    Schema array = Schema.createArray(kv);
    // Avro has no built-in "map" logical type; Iceberg registers one. The property in the schema JSON is
    // what Iceberg's reader looks for.
    array.addProp(LOGICAL_TYPE_PROP, "map");
    return array;
  }

  /**
   * Makes a partition field name a valid Avro name the way Iceberg does: a leading character that is not a
   * letter or {@code _}, and any later character that is not a letter, digit or {@code _}, is replaced by
   * {@code _<digit>} for digits and {@code _x<HEX>} otherwise.
   */
  static String avroName(String name) {
    if (validAvroName(name)) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name.length() + 8);
    char first = name.charAt(0);
    sb.append(Character.isLetter(first) || first == '_' ? String.valueOf(first) : sanitize(first));
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      sb.append(Character.isLetterOrDigit(c) || c == '_' ? String.valueOf(c) : sanitize(c));
    }
    return sb.toString();
  }

  static boolean validAvroName(String name) {
    char first = name.charAt(0);
    if (!(Character.isLetter(first) || first == '_')) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static String sanitize(char c) {
    return Character.isDigit(c) ? "_" + c : "_x" + Integer.toHexString(c).toUpperCase(Locale.ROOT);
  }
}
