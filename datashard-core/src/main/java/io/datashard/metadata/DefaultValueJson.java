package io.datashard.metadata;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.datashard.CorruptMetadataException;
import io.datashard.Field;
import io.datashard.Row;
import io.datashard.Type;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Default values of fields ({@code initial-default}, {@code write-default}, format version 3) in the Iceberg spec's
 * JSON single-value serialization (Appendix D): numbers and booleans as JSON, decimals, dates, times, timestamps
 * and UUIDs as ISO strings, binary and fixed as hex, structs as objects keyed by field id (a field left out takes
 * its own default), lists as arrays, maps as {@code {"keys": [...], "values": [...]}}. Stateless.
 */
final class DefaultValueJson {
  private DefaultValueJson() {
  }

  /**
   * @param json the default as stored
   * @param field the field it belongs to (its type, and for a struct its fields' own defaults)
   * @param initial whether this is the initial default (a struct's missing fields take their initial defaults) or
   *     the write default
   * @param where the metadata file, for errors
   * @return the value in the type's Java representation, or null for a JSON null
   * @throws CorruptMetadataException when the JSON does not encode a value of the type
   */
  static Object parse(JsonNode json, Field field, boolean initial, String where) {
    try {
      return value(json, field.type(), initial, where);
    } catch (DateTimeParseException | IllegalArgumentException | ArithmeticException e) {
      throw new CorruptMetadataException(where, "field '" + field.name() + "' has a " + (initial ? "initial" : "write")
          + "-default that is not a " + field.type() + ": " + json + " (" + e.getMessage() + ")", e);
    }
  }

  private static Object value(JsonNode json, Type type, boolean initial, String where) {
    if (json == null || json.isNull()) {
      return null;
    }
    switch (type.id()) {
      case BOOLEAN:
        return expect(json, json.isBoolean(), type).asBoolean();
      case INT:
        return expect(json, json.canConvertToInt() && json.isIntegralNumber(), type).intValue();
      case LONG:
        return expect(json, json.canConvertToLong() && json.isIntegralNumber(), type).longValue();
      case FLOAT:
        return expect(json, json.isNumber(), type).floatValue();
      case DOUBLE:
        return expect(json, json.isNumber(), type).doubleValue();
      case DECIMAL:
        return new BigDecimal(text(json, type)).setScale(type.scale());
      case DATE:
        return LocalDate.parse(text(json, type));
      case TIME:
        return LocalTime.parse(text(json, type));
      case TIMESTAMP:
      case TIMESTAMP_NS:
        return LocalDateTime.parse(text(json, type));
      case TIMESTAMP_TZ:
      case TIMESTAMP_NS_TZ:
        return OffsetDateTime.parse(text(json, type)).withOffsetSameInstant(ZoneOffset.UTC);
      case STRING:
        return text(json, type);
      case UUID:
        return java.util.UUID.fromString(text(json, type));
      case FIXED:
      case BINARY: {
        byte[] bytes = HexFormat.of().parseHex(text(json, type));
        if (type.id() == Type.Id.FIXED && bytes.length != type.length()) {
          throw new IllegalArgumentException(bytes.length + " bytes for " + type);
        }
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
      }
      case STRUCT: {
        expect(json, json.isObject(), type);
        List<Field> fields = type.asStruct().fields();
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
          Field f = fields.get(i);
          JsonNode v = json.get(String.valueOf(f.id()));
          values[i] = v != null ? value(v, f.type(), initial, where) : initial ? f.initialDefault() : f.writeDefault();
        }
        return Row.wrap(type.asStruct().asSchema(), values);
      }
      case LIST: {
        expect(json, json.isArray(), type);
        List<Object> out = new ArrayList<>();
        json.forEach(e -> out.add(value(e, type.asList().elementType(), initial, where)));
        return java.util.Collections.unmodifiableList(out);
      }
      case MAP: {
        JsonNode keys = json.get("keys");
        JsonNode vals = json.get("values");
        expect(json, json.isObject() && keys != null && keys.isArray() && vals != null && vals.isArray()
            && keys.size() == vals.size(), type);
        Map<Object, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
          out.put(value(keys.get(i), type.asMap().keyType(), initial, where),
              value(vals.get(i), type.asMap().valueType(), initial, where));
        }
        return java.util.Collections.unmodifiableMap(out);
      }
      default:
        throw new IllegalArgumentException("no default value encoding for " + type);
    }
  }

  private static JsonNode expect(JsonNode json, boolean ok, Type type) {
    if (!ok) {
      throw new IllegalArgumentException(json.getNodeType() + " is not a " + type);
    }
    return json;
  }

  private static String text(JsonNode json, Type type) {
    return expect(json, json.isTextual(), type).asText();
  }

  /** Writes a default value in the spec's JSON single-value serialization. */
  static void write(JsonGenerator g, Object value, Type type) throws IOException {
    if (value == null) {
      g.writeNull();
      return;
    }
    switch (type.id()) {
      case BOOLEAN -> g.writeBoolean((Boolean) value);
      case INT -> g.writeNumber((Integer) value);
      case LONG -> g.writeNumber((Long) value);
      case FLOAT -> g.writeNumber((Float) value);
      case DOUBLE -> g.writeNumber((Double) value);
      case DECIMAL -> g.writeString(((BigDecimal) value).toPlainString());
      case DATE, TIME, TIMESTAMP, TIMESTAMP_NS, UUID, STRING -> g.writeString(value.toString());
      case TIMESTAMP_TZ, TIMESTAMP_NS_TZ -> g.writeString(((OffsetDateTime) value).toString());
      case FIXED, BINARY -> {
        ByteBuffer b = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        g.writeString(HexFormat.of().formatHex(bytes));
      }
      case STRUCT -> {
        Row row = (Row) value;
        g.writeStartObject();
        List<Field> fields = type.asStruct().fields();
        for (int i = 0; i < fields.size(); i++) {
          if (row.get(i) != null) {
            g.writeFieldName(String.valueOf(fields.get(i).id()));
            write(g, row.get(i), fields.get(i).type());
          }
        }
        g.writeEndObject();
      }
      case LIST -> {
        g.writeStartArray();
        for (Object e : (List<?>) value) {
          write(g, e, type.asList().elementType());
        }
        g.writeEndArray();
      }
      case MAP -> {
        Map<?, ?> m = (Map<?, ?>) value;
        g.writeStartObject();
        g.writeArrayFieldStart("keys");
        for (Object k : m.keySet()) {
          write(g, k, type.asMap().keyType());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("values");
        for (Object v : m.values()) {
          write(g, v, type.asMap().valueType());
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      default -> throw new IllegalArgumentException("no default value encoding for " + type);
    }
  }
}
