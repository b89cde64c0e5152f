package io.datashard.display;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.datashard.Row;
import io.datashard.expressions.TimeText;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One way to turn column values into text, for every place that prints them (the CLI's table, CSV and JSON Lines
 * output, {@code show()}, the Tablesaw bridge): times in their fixed ISO-8601 form ({@link TimeText#format}),
 * decimals in plain notation, binary values as base64, and structs, lists and maps as JSON.
 */
public final class ValueText {
  private static final JsonFactory JSON = new JsonFactory();

  private ValueText() {
  }

  /**
   * @param v a column value (not null)
   * @return its text: JSON for a struct, list or map; base64 for binary values; ISO-8601 for times
   */
  public static String text(Object v) {
    if (v instanceof Row || v instanceof Map || v instanceof List) {
      return json(v);
    }
    return scalarText(v);
  }

  private static String scalarText(Object v) {
    if (v instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (v instanceof ByteBuffer b) {
      ByteBuffer d = b.duplicate();
      byte[] bytes = new byte[d.remaining()];
      d.get(bytes);
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    String time = TimeText.format(v);
    return time != null ? time : v.toString();
  }

  /** @return a value as one JSON text (null as {@code null}) */
  public static String json(Object v) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      writeJson(g, v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /**
   * Writes a value as JSON: numbers and booleans as such (non-finite floating point as strings), structs and
   * maps as objects (map keys as text), lists as arrays, everything else as its {@link #text} string.
   *
   * @param g the generator
   * @param v the value, possibly null
   * @throws IOException from the generator
   */
  public static void writeJson(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Float || v instanceof Double) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d)) {
        g.writeNumber(d);
      } else {
        g.writeString(Double.toString(d));
      }
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (v instanceof Row r) {
      g.writeStartObject();
      for (int i = 0; i < r.schema().size(); i++) {
        g.writeFieldName(r.schema().field(i).name());
        writeJson(g, r.get(i));
      }
      g.writeEndObject();
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(e.getKey() == null ? "null" : scalarText(e.getKey()));
        writeJson(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List<?> l) {
      g.writeStartArray();
      for (Object e : l) {
        writeJson(g, e);
      }
      g.writeEndArray();
    } else {
      g.writeString(scalarText(v));
    }
  }
}
