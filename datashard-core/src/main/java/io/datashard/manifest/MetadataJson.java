package io.datashard.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.datashard.Field;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The JSON a manifest stores in its Avro key-value metadata: the table schema ({@code schema}) and the
 * partition spec's fields ({@code partition-spec}), in the forms of Appendix C of the Iceberg spec.
 */
final class MetadataJson {
  private static final JsonFactory JSON = new JsonFactory();

  private MetadataJson() {
  }

  /** @return e.g. {@code {"type":"struct","schema-id":0,"fields":[{"id":1,"name":"a","required":true,"type":"long"}]}} */
  static String schema(Schema schema) {
    StringWriter out = new StringWriter(64 + 48 * schema.size());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", "struct");
      g.writeNumberField("schema-id", schema.schemaId());
      g.writeArrayFieldStart("fields");
      for (Field f : schema.fields()) {
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** @return e.g. {@code [{"name":"d","transform":"day","source-id":3,"field-id":1000}]} */
  static String partitionFields(PartitionSpec spec) {
    if (spec.isUnpartitioned()) {
      return "[]";
    }
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
