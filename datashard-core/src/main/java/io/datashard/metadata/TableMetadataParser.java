package io.datashard.metadata;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datashard.CorruptMetadataException;
import io.datashard.Field;
import io.datashard.ListType;
import io.datashard.MapType;
import io.datashard.HistoryEntry;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.SnapshotRef;
import io.datashard.SortOrder;
import io.datashard.StructType;
import io.datashard.Type;
import io.datashard.Types;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes table metadata JSON exactly as the Iceberg v2 spec ("Table Metadata" and "Snapshots")
 * lays it out, so that Iceberg's own parser, Spark, Trino and DuckDB accept it.
 */
public final class TableMetadataParser {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private TableMetadataParser() {
  }

  /** @return the metadata as UTF-8 JSON */
  public static byte[] toJson(TableMetadata m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      // compact, as Iceberg writes it: the file holds every snapshot and is rewritten on every commit
      g.writeStartObject();
      g.writeNumberField("format-version", m.formatVersion());
      g.writeStringField("table-uuid", m.tableUuid());
      g.writeStringField("location", m.location());
      g.writeNumberField("last-sequence-number", m.lastSequenceNumber());
      g.writeNumberField("last-updated-ms", m.lastUpdatedMillis());
      g.writeNumberField("last-column-id", m.lastColumnId());
      if (m.nextRowId() != null) {
        g.writeNumberField("next-row-id", m.nextRowId());
      }
      g.writeNumberField("current-schema-id", m.currentSchemaId());
      CarriedMetadata carried = m.carried();
      Map<String, JsonNode> raw = carried.rawJson();
      g.writeArrayFieldStart("schemas");
      for (Schema s : m.schemas()) {
        JsonNode asRead = raw.get("schema:" + s.schemaId());
        if (asRead != null) {
          g.writeRawValue(asRead.toString()); // exactly as its writer wrote it (keys DataShard does not know too)
        } else {
          writeSchema(g, s);
        }
      }
      g.writeEndArray();
      g.writeNumberField("default-spec-id", m.defaultSpecId());
      g.writeArrayFieldStart("partition-specs");
      for (PartitionSpec spec : m.specs()) {
        JsonNode asRead = raw.get("spec:" + spec.specId());
        if (asRead != null) {
          g.writeRawValue(asRead.toString());
        } else {
          writeSpec(g, spec);
        }
      }
      g.writeEndArray();
      g.writeNumberField("last-partition-id", m.lastPartitionId());
      g.writeNumberField("default-sort-order-id", carried.defaultSortOrderId());
      g.writeArrayFieldStart("sort-orders");
      for (SortOrder o : carried.sortOrders()) {
        JsonNode asRead = raw.get("sort-order:" + o.orderId());
        if (asRead != null) {
          g.writeRawValue(asRead.toString());
        } else {
          writeSortOrder(g, o);
        }
      }
      g.writeEndArray();
      g.writeObjectFieldStart("properties");
      for (Map.Entry<String, String> e : m.properties().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeNumberField("current-snapshot-id", m.currentSnapshotId() == null ? -1 : m.currentSnapshotId());
      g.writeObjectFieldStart("refs");
      for (Map.Entry<String, SnapshotRef> r : carried.refs().entrySet()) {
        g.writeFieldName(r.getKey());
        writeRef(g, r.getValue(), raw.get("ref:" + r.getKey()));
      }
      g.writeEndObject();
      g.writeArrayFieldStart("snapshots");
      for (Snapshot s : m.snapshots()) {
        g.writeRawValue(m.snapshotJson(s, TableMetadataParser::snapshotToJson));
      }
      g.writeEndArray();
      g.writeArrayFieldStart("statistics");
      for (StatisticsFile f : carried.statistics()) {
        g.writeRawValue(f.json().toString());
      }
      g.writeEndArray();
      g.writeArrayFieldStart("partition-statistics");
      for (StatisticsFile f : carried.partitionStatistics()) {
        g.writeRawValue(f.json().toString());
      }
      g.writeEndArray();
      g.writeArrayFieldStart("snapshot-log");
      for (HistoryEntry h : m.snapshotLog()) {
        g.writeStartObject();
        g.writeNumberField("timestamp-ms", h.timestampMillis());
        g.writeNumberField("snapshot-id", h.snapshotId());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("metadata-log");
      for (MetadataLogEntry e : m.metadataLog()) {
        g.writeStartObject();
        g.writeNumberField("timestamp-ms", e.timestampMillis());
        g.writeStringField("metadata-file", e.file());
        g.writeEndObject();
      }
      g.writeEndArray();
      // Keys DataShard does not know, as written, after the ones it does.
      for (Iterator<Map.Entry<String, JsonNode>> it = carried.unknownTopLevel().fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        g.writeFieldName(e.getKey());
        g.writeRawValue(e.getValue().toString());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeSortOrder(JsonGenerator g, SortOrder o) throws IOException {
    g.writeStartObject();
    g.writeNumberField("order-id", o.orderId());
    g.writeArrayFieldStart("fields");
    for (SortOrder.SortField f : o.fields()) {
      g.writeStartObject();
      g.writeStringField("transform", f.transform());
      g.writeNumberField("source-id", f.sourceId());
      g.writeStringField("direction", f.direction().jsonName());
      g.writeStringField("null-order", f.nullOrder().jsonName());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** Writes a ref; keys of the ref as read that DataShard does not know are kept. */
  private static void writeRef(JsonGenerator g, SnapshotRef r, JsonNode asRead) throws IOException {
    g.writeStartObject();
    g.writeNumberField("snapshot-id", r.snapshotId());
    g.writeStringField("type", r.type().jsonName());
    if (r.minSnapshotsToKeep() != null) {
      g.writeNumberField("min-snapshots-to-keep", r.minSnapshotsToKeep());
    }
    if (r.maxSnapshotAgeMs() != null) {
      g.writeNumberField("max-snapshot-age-ms", r.maxSnapshotAgeMs());
    }
    if (r.maxRefAgeMs() != null) {
      g.writeNumberField("max-ref-age-ms", r.maxRefAgeMs());
    }
    if (asRead != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = asRead.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!REF_KEYS.contains(e.getKey())) {
          g.writeFieldName(e.getKey());
          g.writeRawValue(e.getValue().toString());
        }
      }
    }
    g.writeEndObject();
  }

  private static final java.util.Set<String> REF_KEYS = java.util.Set.of("snapshot-id", "type",
      "min-snapshots-to-keep", "max-snapshot-age-ms", "max-ref-age-ms");

  /** The top-level keys DataShard models; every other key is carried as written. */
  private static final java.util.Set<String> KNOWN_TOP_LEVEL = java.util.Set.of("next-row-id", "format-version",
      "table-uuid",
      "location", "last-sequence-number", "last-updated-ms", "last-column-id", "current-schema-id", "schemas",
      "default-spec-id", "partition-specs", "last-partition-id", "default-sort-order-id", "sort-orders",
      "properties", "current-snapshot-id", "refs", "snapshots", "statistics", "partition-statistics",
      "snapshot-log", "metadata-log");

  private static void writeSchema(JsonGenerator g, Schema s) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "struct");
    g.writeNumberField("schema-id", s.schemaId());
    if (!s.identifierFieldIds().isEmpty()) {
      g.writeArrayFieldStart("identifier-field-ids");
      for (int id : s.identifierFieldIds()) {
        g.writeNumber(id);
      }
      g.writeEndArray();
    }
    writeFields(g, s.fields());
    g.writeEndObject();
  }

  private static void writeFields(JsonGenerator g, List<Field> fields) throws IOException {
    g.writeArrayFieldStart("fields");
    for (Field f : fields) {
      g.writeStartObject();
      g.writeNumberField("id", f.id());
      g.writeStringField("name", f.name());
      g.writeBooleanField("required", f.isRequired());
      g.writeFieldName("type");
      writeType(g, f.type());
      if (f.doc() != null) {
        g.writeStringField("doc", f.doc());
      }
      if (f.initialDefault() != null) {
        g.writeFieldName("initial-default");
        DefaultValueJson.write(g, f.initialDefault(), f.type());
      }
      if (f.writeDefault() != null) {
        g.writeFieldName("write-default");
        DefaultValueJson.write(g, f.writeDefault(), f.type());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeType(JsonGenerator g, Type type) throws IOException {
    switch (type.id()) {
      case STRUCT:
        g.writeStartObject();
        g.writeStringField("type", "struct");
        writeFields(g, type.asStruct().fields());
        g.writeEndObject();
        break;
      case LIST: {
        ListType l = type.asList();
        g.writeStartObject();
        g.writeStringField("type", "list");
        g.writeNumberField("element-id", l.elementId());
        g.writeFieldName("element");
        writeType(g, l.elementType());
        g.writeBooleanField("element-required", l.isElementRequired());
        g.writeEndObject();
        break;
      }
      case MAP: {
        MapType m = type.asMap();
        g.writeStartObject();
        g.writeStringField("type", "map");
        g.writeNumberField("key-id", m.keyId());
        g.writeFieldName("key");
        writeType(g, m.keyType());
        g.writeNumberField("value-id", m.valueId());
        g.writeFieldName("value");
        writeType(g, m.valueType());
        g.writeBooleanField("value-required", m.isValueRequired());
        g.writeEndObject();
        break;
      }
      default:
        g.writeString(type.toString());
    }
  }

  /** @return the schema's JSON form (as in table metadata and manifest key-value metadata) */
  public static String schemaToJson(Schema schema) {
    return write(g -> writeSchema(g, schema));
  }

  /** @return the JSON array of a spec's partition fields (the {@code partition-spec} manifest metadata) */
  public static String partitionFieldsToJson(PartitionSpec spec) {
    return write(g -> writeSpecFields(g, spec));
  }

  private interface JsonWriter {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(JsonWriter writer) {
    java.io.StringWriter out = new java.io.StringWriter(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeSpec(JsonGenerator g, PartitionSpec spec) throws IOException {
    g.writeStartObject();
    g.writeNumberField("spec-id", spec.specId());
    g.writeFieldName("fields");
    writeSpecFields(g, spec);
    g.writeEndObject();
  }

  private static void writeSpecFields(JsonGenerator g, PartitionSpec spec) throws IOException {
    g.writeStartArray();
    for (PartitionField f : spec.fields()) {
      g.writeStartObject();
      g.writeStringField("name", f.name());
      g.writeStringField("transform", f.transform());
      g.writeNumberField("source-id", f.sourceId());
      g.writeNumberField("field-id", f.fieldId());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** @return the JSON of one of {@code m}'s snapshots, exactly as {@link #toJson} writes it (cached) */
  static String snapshotJson(TableMetadata m, Snapshot s) {
    return m.snapshotJson(s, TableMetadataParser::snapshotToJson);
  }

  private static String snapshotToJson(Snapshot s) {
    return write(g -> writeSnapshot(g, s));
  }

  private static void writeSnapshot(JsonGenerator g, Snapshot s) throws IOException {
    g.writeStartObject();
    g.writeNumberField("sequence-number", s.sequenceNumber());
    g.writeNumberField("snapshot-id", s.snapshotId());
    if (s.parentId() != null) {
      g.writeNumberField("parent-snapshot-id", s.parentId());
    }
    g.writeNumberField("timestamp-ms", s.timestampMillis());
    g.writeObjectFieldStart("summary");
    // "operation" first, as Iceberg writes it; the rest sorted for stable output.
    g.writeStringField("operation", s.operation());
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(s.summary()).entrySet()) {
      if (!"operation".equals(e.getKey())) {
        g.writeStringField(e.getKey(), e.getValue());
      }
    }
    g.writeEndObject();
    g.writeStringField("manifest-list", s.manifestListLocation());
    if (s.schemaId() != null) {
      g.writeNumberField("schema-id", s.schemaId());
    }
    if (s.firstRowId() != null) {
      g.writeNumberField("first-row-id", s.firstRowId());
      g.writeNumberField("added-rows", s.addedRows());
    }
    g.writeEndObject();
  }

  /**
   * Parses metadata JSON.
   *
   * @param fileLocation where the bytes came from (named in errors)
   * @param version N of {@code vN.metadata.json}
   * @param json the content
   * @return the metadata
   * @throws CorruptMetadataException naming the file when the content is not valid table metadata
   */
  public static TableMetadata fromJson(String fileLocation, int version, byte[] json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new CorruptMetadataException(fileLocation, "not valid JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new CorruptMetadataException(fileLocation, "unreadable: " + e, e);
    }
    if (root == null || !root.isObject()) {
      throw new CorruptMetadataException(fileLocation, "expected a JSON object (file empty or truncated?)");
    }
    try {
      return parse(fileLocation, version, root);
    } catch (CorruptMetadataException | io.datashard.UnsupportedTableFeatureException e) {
      throw e; // a format version DataShard does not read is not corruption
    } catch (RuntimeException e) {
      throw new CorruptMetadataException(fileLocation, e.getMessage(), e);
    }
  }

  private static TableMetadata parse(String file, int version, JsonNode root) {
    int formatVersion = integer(root, "format-version");
    if (formatVersion < 1 || formatVersion > 3) {
      throw new io.datashard.UnsupportedTableFeatureException("table metadata " + file + " has format-version "
          + formatVersion + "; DataShard reads format versions 1 to 3 (and writes 1 and 2)");
    }
    Map<String, JsonNode> raw = new LinkedHashMap<>();
    String uuid = text(root, "table-uuid");
    String location = text(root, "location");
    long lastSeq = root.has("last-sequence-number") ? longValue(root, "last-sequence-number") : 0;
    long lastUpdated = longValue(root, "last-updated-ms");
    int lastColumnId = integer(root, "last-column-id");

    List<Schema> schemas = new ArrayList<>();
    int currentSchemaId;
    if (root.has("schemas")) {
      for (JsonNode s : root.get("schemas")) {
        Schema parsed = parseSchema(s);
        schemas.add(parsed);
        raw.put("schema:" + parsed.schemaId(), s);
      }
      currentSchemaId = integer(root, "current-schema-id");
    } else {
      Schema s = parseSchema(required(root, "schema"));
      schemas.add(s);
      currentSchemaId = s.schemaId();
    }

    List<PartitionSpec> specs = new ArrayList<>();
    int defaultSpecId;
    if (root.has("partition-specs")) {
      for (JsonNode s : root.get("partition-specs")) {
        PartitionSpec parsed = parseSpec(s);
        specs.add(parsed);
        raw.put("spec:" + parsed.specId(), s);
      }
      defaultSpecId = integer(root, "default-spec-id");
    } else {
      specs.add(PartitionSpec.of(0, parseSpecFields(required(root, "partition-spec"))));
      defaultSpecId = 0;
    }
    int lastPartitionId = root.has("last-partition-id") ? integer(root, "last-partition-id")
        : PartitionSpec.PARTITION_DATA_ID_START - 1;

    Map<String, String> props = new LinkedHashMap<>();
    JsonNode p = root.get("properties");
    if (p != null && p.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        props.put(e.getKey(), e.getValue().asText());
      }
    }

    List<Snapshot> snapshots = new ArrayList<>();
    SnapshotJsonCache snapshotJson = new SnapshotJsonCache();
    JsonNode snaps = root.get("snapshots");
    if (snaps != null) {
      for (JsonNode s : snaps) {
        Snapshot parsed = parseSnapshot(s);
        snapshots.add(parsed);
        snapshotJson.putParsed(parsed, s); // written back exactly as read
      }
    }
    Long currentSnapshotId = null;
    JsonNode refsNode = root.get("refs");
    if (refsNode != null && refsNode.has("main") && refsNode.get("main").has("snapshot-id")) {
      currentSnapshotId = refsNode.get("main").get("snapshot-id").asLong();
    } else if (root.has("current-snapshot-id") && !root.get("current-snapshot-id").isNull()) {
      long id = root.get("current-snapshot-id").asLong();
      currentSnapshotId = id == -1 ? null : id;
    }
    Map<String, SnapshotRef> refs = new LinkedHashMap<>();
    if (refsNode != null && refsNode.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = refsNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        refs.put(e.getKey(), parseRef(e.getKey(), e.getValue()));
        raw.put("ref:" + e.getKey(), e.getValue());
      }
    }
    if (currentSnapshotId != null && !refs.containsKey(SnapshotRef.MAIN)) {
      refs.put(SnapshotRef.MAIN, SnapshotRef.branch(currentSnapshotId)); // v1 metadata without refs
    }
    List<SortOrder> sortOrders = new ArrayList<>();
    JsonNode orders = root.get("sort-orders");
    if (orders != null) {
      for (JsonNode o : orders) {
        SortOrder parsed = parseSortOrder(o);
        sortOrders.add(parsed);
        raw.put("sort-order:" + parsed.orderId(), o);
      }
    }
    if (sortOrders.isEmpty()) {
      sortOrders.add(SortOrder.UNSORTED);
    }
    int defaultSortOrderId = root.has("default-sort-order-id") ? integer(root, "default-sort-order-id")
        : sortOrders.get(0).orderId();
    com.fasterxml.jackson.databind.node.ObjectNode unknown = MAPPER.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!KNOWN_TOP_LEVEL.contains(e.getKey())) {
        unknown.set(e.getKey(), e.getValue());
      }
    }
    Long nextRowId = formatVersion >= 3 ? (root.hasNonNull("next-row-id") ? longValue(root, "next-row-id") : 0L)
        : null;
    CarriedMetadata carried = new CarriedMetadata(refs, sortOrders, defaultSortOrderId,
        parseStatistics(root.get("statistics")), parseStatistics(root.get("partition-statistics")), unknown, raw,
        nextRowId);

    List<HistoryEntry> log = new ArrayList<>();
    JsonNode sl = root.get("snapshot-log");
    if (sl != null) {
      for (JsonNode e : sl) {
        log.add(new HistoryEntry(longValue(e, "timestamp-ms"), longValue(e, "snapshot-id")));
      }
    }
    List<MetadataLogEntry> mlog = new ArrayList<>();
    JsonNode ml = root.get("metadata-log");
    if (ml != null) {
      for (JsonNode e : ml) {
        mlog.add(new MetadataLogEntry(longValue(e, "timestamp-ms"), text(e, "metadata-file")));
      }
    }
    return new TableMetadata(file, version, formatVersion, uuid, location, lastSeq, lastUpdated, lastColumnId,
        schemas, currentSchemaId, specs, defaultSpecId, lastPartitionId, props, currentSnapshotId, snapshots, log,
        mlog, carried, snapshotJson);
  }

  private static SnapshotRef parseRef(String name, JsonNode r) {
    String type = text(r, "type");
    SnapshotRef.Type t = switch (type) {
      case "branch" -> SnapshotRef.Type.BRANCH;
      case "tag" -> SnapshotRef.Type.TAG;
      default -> throw new IllegalArgumentException("ref '" + name + "' has unknown type '" + type + "'");
    };
    return new SnapshotRef(t, longValue(r, "snapshot-id"),
        r.hasNonNull("min-snapshots-to-keep") ? integer(r, "min-snapshots-to-keep") : null,
        r.hasNonNull("max-snapshot-age-ms") ? longValue(r, "max-snapshot-age-ms") : null,
        r.hasNonNull("max-ref-age-ms") ? longValue(r, "max-ref-age-ms") : null);
  }

  private static SortOrder parseSortOrder(JsonNode o) {
    List<SortOrder.SortField> fields = new ArrayList<>();
    for (JsonNode f : required(o, "fields")) {
      String direction = text(f, "direction");
      String nullOrder = text(f, "null-order");
      fields.add(new SortOrder.SortField(text(f, "transform"), integer(f, "source-id"),
          "desc".equals(direction) ? SortOrder.Direction.DESC : SortOrder.Direction.ASC,
          "nulls-last".equals(nullOrder) ? SortOrder.NullOrder.NULLS_LAST : SortOrder.NullOrder.NULLS_FIRST));
    }
    return new SortOrder(integer(o, "order-id"), fields);
  }

  private static List<StatisticsFile> parseStatistics(JsonNode list) {
    List<StatisticsFile> out = new ArrayList<>();
    if (list != null && list.isArray()) {
      for (JsonNode f : list) {
        if (!f.isObject()) {
          throw new IllegalArgumentException("a statistics entry must be an object");
        }
        out.add(new StatisticsFile(longValue(f, "snapshot-id"), text(f, "statistics-path"),
            (com.fasterxml.jackson.databind.node.ObjectNode) f));
      }
    }
    return out;
  }

  /** @return a schema parsed from its JSON form */
  public static Schema parseSchema(JsonNode node) {
    if (!"struct".equals(text(node, "type"))) {
      throw new IllegalArgumentException("schema type must be struct");
    }
    int id = node.has("schema-id") ? integer(node, "schema-id") : 0;
    List<Field> fields = parseFields(node);
    List<Integer> identifiers = new ArrayList<>();
    JsonNode ids = node.get("identifier-field-ids");
    if (ids != null && ids.isArray()) {
      ids.forEach(i -> identifiers.add(i.asInt()));
    }
    return Schema.of(fields).withSchemaId(id).withIdentifierFieldIds(identifiers);
  }

  private static List<Field> parseFields(JsonNode struct) {
    List<Field> fields = new ArrayList<>();
    for (JsonNode f : required(struct, "fields")) {
      String doc = f.has("doc") ? f.get("doc").asText() : null;
      Field field = Field.of(integer(f, "id"), text(f, "name"), parseType(required(f, "type"), text(f, "name")),
          required(f, "required").asBoolean(), doc);
      if (f.hasNonNull("initial-default") || f.hasNonNull("write-default")) {
        field = field.withDefaults(DefaultValueJson.parse(f.get("initial-default"), field, true, "table metadata"),
            DefaultValueJson.parse(f.get("write-default"), field, false, "table metadata"));
      }
      fields.add(field);
    }
    return fields;
  }

  private static Type parseType(JsonNode type, String where) {
    if (type.isTextual()) {
      try {
        return Types.fromName(type.asText());
      } catch (io.datashard.ValidationException e) {
        // variant, geometry, geography, unknown (format version 3), or a type of a later version
        throw new io.datashard.UnsupportedTableFeatureException("field '" + where + "' has type '" + type.asText()
            + "', which this DataShard release does not support (see docs/format.md, \"What DataShard refuses\")");
      }
    }
    String kind = type.path("type").asText();
    switch (kind) {
      case "struct":
        return StructType.of(parseFields(type));
      case "list":
        return ListType.of(integer(type, "element-id"), parseType(required(type, "element"), where + ".element"),
            required(type, "element-required").asBoolean());
      case "map":
        return MapType.of(integer(type, "key-id"), parseType(required(type, "key"), where + ".key"),
            integer(type, "value-id"), parseType(required(type, "value"), where + ".value"),
            required(type, "value-required").asBoolean());
      default:
        throw new io.datashard.UnsupportedTableFeatureException("field '" + where + "' has type '" + kind
            + "', which this DataShard release does not support");
    }
  }

  private static PartitionSpec parseSpec(JsonNode node) {
    return PartitionSpec.of(integer(node, "spec-id"), parseSpecFields(required(node, "fields")));
  }

  private static List<PartitionField> parseSpecFields(JsonNode fields) {
    List<PartitionField> out = new ArrayList<>();
    int nextId = PartitionSpec.PARTITION_DATA_ID_START;
    for (JsonNode f : fields) {
      if (!f.has("source-id") && f.has("source-ids")) {
        JsonNode ids = f.get("source-ids");
        if (ids.size() != 1) {
          throw new io.datashard.UnsupportedTableFeatureException("partition field '" + f.path("name").asText()
              + "' has a multi-argument transform (source-ids " + ids + "), which this DataShard release does not "
              + "support");
        }
      }
      int sourceId = f.has("source-id") ? integer(f, "source-id") : f.get("source-ids").get(0).asInt();
      int fieldId = f.has("field-id") ? integer(f, "field-id") : nextId;
      nextId = fieldId + 1;
      out.add(new PartitionField(sourceId, fieldId, text(f, "name"), text(f, "transform")));
    }
    return out;
  }

  private static Snapshot parseSnapshot(JsonNode s) {
    Map<String, String> summary = new LinkedHashMap<>();
    JsonNode sum = s.get("summary");
    if (sum != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = sum.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        summary.put(e.getKey(), e.getValue().asText());
      }
    }
    if (!summary.containsKey("operation")) {
      summary.put("operation", "append");
    }
    Long parent = s.has("parent-snapshot-id") && !s.get("parent-snapshot-id").isNull()
        ? s.get("parent-snapshot-id").asLong() : null;
    long seq = s.has("sequence-number") ? longValue(s, "sequence-number") : 0;
    Integer schemaId = s.has("schema-id") ? integer(s, "schema-id") : null;
    if (!s.has("manifest-list")) {
      throw new IllegalArgumentException("snapshot " + longValue(s, "snapshot-id")
          + " has no manifest-list (v1 inline manifests are not supported)");
    }
    Long firstRowId = s.hasNonNull("first-row-id") ? longValue(s, "first-row-id") : null;
    Long addedRows = firstRowId == null ? null : s.hasNonNull("added-rows") ? longValue(s, "added-rows") : 0L;
    return new Snapshot(longValue(s, "snapshot-id"), parent, seq, longValue(s, "timestamp-ms"),
        text(s, "manifest-list"), summary, schemaId, firstRowId, addedRows);
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing required field '" + field + "'");
    }
    return v;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = required(node, field);
    if (!v.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' must be a string");
    }
    return v.asText();
  }

  private static int integer(JsonNode node, String field) {
    JsonNode v = required(node, field);
    if (!v.canConvertToInt()) {
      throw new IllegalArgumentException("field '" + field + "' must be an integer");
    }
    return v.asInt();
  }

  private static long longValue(JsonNode node, String field) {
    JsonNode v = required(node, field);
    if (!v.isIntegralNumber()) {
      throw new IllegalArgumentException("field '" + field + "' must be an integer");
    }
    return v.asLong();
  }
}
