package io.datashard.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.display.TextTable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes rows to stdout as an aligned table (for people), CSV (RFC 4180, header row) or JSON Lines. The table
 * format buffers rows to align the columns; CSV and JSON Lines stream.
 */
abstract class RowWriter implements AutoCloseable {
  /** Output formats. */
  enum Format { TABLE, CSV, JSONL }

  protected final Schema schema;
  protected final PrintStream out;

  RowWriter(Schema schema, PrintStream out) {
    this.schema = schema;
    this.out = out;
  }

  abstract void write(Map<String, ?> row);

  @Override
  public abstract void close();

  static RowWriter create(Format format, Schema schema, PrintStream out, int maxWidth) {
    switch (format) {
      case CSV: return new Csv(schema, out);
      case JSONL: return new JsonLines(schema, out);
      default: return new Table(schema, out, maxWidth);
    }
  }

  static final class Table extends RowWriter {
    private final List<Map<String, ?>> rows = new ArrayList<>();
    private final int maxWidth;

    Table(Schema schema, PrintStream out, int maxWidth) {
      super(schema, out);
      this.maxWidth = maxWidth;
    }

    @Override
    void write(Map<String, ?> row) {
      rows.add(row);
    }

    @Override
    public void close() {
      out.print(TextTable.render(schema, rows, maxWidth));
      out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
      out.flush();
    }
  }

  static final class Csv extends RowWriter {
    Csv(Schema schema, PrintStream out) {
      super(schema, out);
      List<String> names = new ArrayList<>();
      for (Field f : schema.fields()) {
        names.add(quote(f.name()));
      }
      out.print(String.join(",", names) + "\r\n");
    }

    @Override
    void write(Map<String, ?> row) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < schema.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        Object v = row.get(schema.field(i).name());
        if (v != null) {
          String s = text(v);
          sb.append(s.isEmpty() ? "\"\"" : quote(s));
        }
      }
      out.print(sb.append("\r\n"));
    }

    private static String quote(String s) {
      if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
        return s;
      }
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @Override
    public void close() {
      out.flush();
    }
  }

  static final class JsonLines extends RowWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    JsonLines(Schema schema, PrintStream out) {
      super(schema, out);
    }

    @Override
    void write(Map<String, ?> row) {
      java.io.StringWriter w = new java.io.StringWriter();
      try (JsonGenerator g = MAPPER.getFactory().createGenerator(w)) {
        g.writeStartObject();
        for (Field f : schema.fields()) {
          g.writeFieldName(f.name());
          io.datashard.display.ValueText.writeJson(g, row.get(f.name()));
        }
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.print(w.toString());
      out.print('\n');
    }

    @Override
    public void close() {
      out.flush();
    }
  }

  /** @return a value as text: ISO-8601 for times, base64 for binary values, JSON for nested values */
  static String text(Object v) {
    return io.datashard.display.ValueText.text(v);
  }
}
