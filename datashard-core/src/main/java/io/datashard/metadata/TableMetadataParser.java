package io.datashard.metadata;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datashard.CorruptMetadataException;
import io.datashard.Field;
import io.datashard.HistoryEntry;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Snapshot;
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
      g.writeNumberField("current-schema-id", m.currentSchemaId());
      g.writeArrayFieldStart("schemas");
      for (Schema s : m.schemas()) {
        writeSchema(g, s);
      }
      g.writeEndArray();
      g.writeNumberField("default-spec-id", m.defaultSpecId());
      g.writeArrayFieldStart("partition-specs");
      for (PartitionSpec spec : m.specs()) {
        writeSpec(g, spec);
      }
      g.writeEndArray();
      g.writeNumberField("last-partition-id", m.lastPartitionId());
      g.writeNumberField("default-sort-order-id", 0);
      g.writeArrayFieldStart("sort-orders");
      g.writeStartObject();
      g.writeNumberField("order-id", 0);
      g.writeArrayFieldStart("fields");
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeObjectFieldStart("properties");
      for (Map.Entry<String, String> e : m.properties().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeNumberField("current-snapshot-id", m.currentSnapshotId() == null ? -1 : m.currentSnapshotId());
      g.writeObjectFieldStart("refs");
      if (m.currentSnapshotId() != null) {
        g.writeObjectFieldStart("main");
        g.writeNumberField("snapshot-id", m.currentSnapshotId());
        g.writeStringField("type", "branch");
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeArrayFieldStart("snapshots");
      for (Snapshot s : m.snapshots()) {
        g.writeRawValue(m.snapshotJson(s, TableMetadataParser::snapshotToJson));
      }
      g.writeEndArray();
      g.writeArrayFieldStart("statistics");
      g.writeEndArray();
      g.writeArrayFieldStart("partition-statistics");
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
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeSchema(JsonGenerator g, Schema s) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "struct");
    g.writeNumberField("schema-id", s.schemaId());
    g.writeArrayFieldStart("fields");
    for (Field f : s.fields()) {
      g.writeStartObject();
      g.writeNumberField("id", f.id());
      g.writeStringField("name", f.name());
      g.writeBooleanField("required", f.isRequired());
      g.writeStringField("type", f.type().toString());
      if (f.doc() != null) {
        g.writeStringField("doc", f.doc());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
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
    } catch (CorruptMetadataException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CorruptMetadataException(fileLocation, e.getMessage(), e);
    }
  }

  private static TableMetadata parse(String file, int version, JsonNode root) {
    int formatVersion = integer(root, "format-version");
    if (formatVersion < 1 || formatVersion > 2) {
      throw new IllegalArgumentException("unsupported format-version " + formatVersion + " (DataShard reads 1 and 2)");
    }
    String uuid = text(root, "table-uuid");
    String location = text(root, "location");
    long lastSeq = root.has("last-sequence-number") ? longValue(root, "last-sequence-number") : 0;
    long lastUpdated = longValue(root, "last-updated-ms");
    int lastColumnId = integer(root, "last-column-id");

    List<Schema> schemas = new ArrayList<>();
    int currentSchemaId;
    if (root.has("schemas")) {
      for (JsonNode s : root.get("schemas")) {
        schemas.add(parseSchema(s));
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
        specs.add(parseSpec(s));
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
    JsonNode snaps = root.get("snapshots");
    if (snaps != null) {
      for (JsonNode s : snaps) {
        snapshots.add(parseSnapshot(s));
      }
    }
    Long currentSnapshotId = null;
    JsonNode refs = root.get("refs");
    if (refs != null && refs.has("main") && refs.get("main").has("snapshot-id")) {
      currentSnapshotId = refs.get("main").get("snapshot-id").asLong();
    } else if (root.has("current-snapshot-id") && !root.get("current-snapshot-id").isNull()) {
      long id = root.get("current-snapshot-id").asLong();
      currentSnapshotId = id == -1 ? null : id;
    }

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
        mlog);
  }

  /** @return a schema parsed from its JSON form */
  public static Schema parseSchema(JsonNode node) {
    if (!"struct".equals(text(node, "type"))) {
      throw new IllegalArgumentException("schema type must be struct");
    }
    int id = node.has("schema-id") ? integer(node, "schema-id") : 0;
    List<Field> fields = new ArrayList<>();
    for (JsonNode f : required(node, "fields")) {
      JsonNode type = required(f, "type");
      if (!type.isTextual()) {
        throw new IllegalArgumentException("field '" + text(f, "name") + "' has a nested type ("
            + type.path("type").asText() + "); nested types are not supported by this DataShard release");
      }
      String doc = f.has("doc") ? f.get("doc").asText() : null;
      fields.add(Field.of(integer(f, "id"), text(f, "name"), Types.fromName(type.asText()),
          required(f, "required").asBoolean(), doc));
    }
    return Schema.of(fields).withSchemaId(id);
  }

  private static PartitionSpec parseSpec(JsonNode node) {
    return PartitionSpec.of(integer(node, "spec-id"), parseSpecFields(required(node, "fields")));
  }

  private static List<PartitionField> parseSpecFields(JsonNode fields) {
    List<PartitionField> out = new ArrayList<>();
    int nextId = PartitionSpec.PARTITION_DATA_ID_START;
    for (JsonNode f : fields) {
      int fieldId = f.has("field-id") ? integer(f, "field-id") : nextId;
      nextId = fieldId + 1;
      out.add(new PartitionField(integer(f, "source-id"), fieldId, text(f, "name"), text(f, "transform")));
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
    return new Snapshot(longValue(s, "snapshot-id"), parent, seq, longValue(s, "timestamp-ms"),
        text(s, "manifest-list"), summary, schemaId);
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
