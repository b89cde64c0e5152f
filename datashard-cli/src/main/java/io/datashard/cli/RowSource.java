package io.datashard.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datashard.Field;
import io.datashard.Schema;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rows of one input file (CSV, JSON Lines or Parquet), converted to the table's column types. Every error
 * names the file, the line (or row) and the column.
 */
abstract class RowSource implements AutoCloseable {
  /** Input formats. */
  enum Format { CSV, TSV, JSONL, PARQUET }

  protected final Path file;
  protected final Schema schema;
  protected long progress;

  RowSource(Path file, Schema schema) {
    this.file = file;
    this.schema = schema;
  }

  /** @return the next converted row, or null at the end */
  abstract Map<String, Object> next();

  /** @return the total for progress (bytes, or rows for Parquet) */
  abstract long size();

  /** @return how much of {@link #size()} is done */
  long progress() {
    return progress;
  }

  /** @return "B" when {@link #size()} counts bytes, else the row unit */
  String unit() {
    return "B";
  }

  @Override
  public abstract void close();

  static Format detect(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".gz")) {
      n = n.substring(0, n.length() - 3);
    }
    if (n.endsWith(".csv")) {
      return Format.CSV;
    }
    if (n.endsWith(".tsv") || n.endsWith(".tab")) {
      return Format.TSV;
    }
    if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) {
      return Format.JSONL;
    }
    if (n.endsWith(".parquet") || n.endsWith(".parq")) {
      return Format.PARQUET;
    }
    throw CliException.invalidInput("cannot tell the format of " + file
        + " from its name: use --format csv|tsv|jsonl|parquet");
  }

  static RowSource open(Path file, Format format, Schema schema, char delimiter) {
    if (!Files.isRegularFile(file)) {
      throw CliException.invalidInput("input file " + file + " does not exist or is not a file");
    }
    switch (format) {
      case CSV: return new Csv(file, schema, delimiter);
      case TSV: return new Csv(file, schema, '\t');
      case JSONL: return new JsonLines(file, schema);
      case PARQUET: return new ParquetRows(file, schema);
      default: throw new IllegalStateException(format.toString());
    }
  }

  protected CliException error(String where, String column, String message) {
    return CliException.invalidInput(file + (where == null ? "" : " " + where)
        + (column == null ? "" : ", column '" + column + "'") + ": " + message);
  }

  protected Object convert(Field f, Object raw, String where) {
    return convert(f, raw, where, f.name());
  }

  protected Object convert(Field f, Object raw, String where, String path) {
    try {
      return Values.convert(f, raw);
    } catch (Values.ConversionException e) {
      throw error(where, path, e.getMessage());
    }
  }

  protected void checkRequired(Map<String, Object> row, String where) {
    for (Field f : schema.fields()) {
      if (f.isRequired() && row.get(f.name()) == null) {
        throw error(where, f.name(), "no value for required column");
      }
    }
  }

  protected String unknownColumn(String name) {
    return "column '" + name + "' is not in the table (columns: " + String.join(", ", schema.columnNames()) + ")";
  }

  static InputStream openStream(Path file, long[] counter) throws IOException {
    InputStream in = new FilterInputStream(Files.newInputStream(file)) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          counter[0]++;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          counter[0] += n;
        }
        return n;
      }
    };
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
      return new java.util.zip.GZIPInputStream(in, 1 << 16);
    }
    return in;
  }

  /** RFC 4180 CSV with a header row; an empty unquoted field is null, a quoted empty field an empty string. */
  static final class Csv extends RowSource {
    private final long[] bytes = {0};
    private final long size;
    private final BufferedReader reader;
    private final char delimiter;
    private final Field[] columns;
    private long line = 1;
    private long recordLine;

    Csv(Path file, Schema schema, char delimiter) {
      super(file, schema);
      this.delimiter = delimiter;
      try {
        this.size = Files.size(file);
        this.reader = new BufferedReader(new InputStreamReader(openStream(file, bytes), StandardCharsets.UTF_8), 1 << 16);
      } catch (IOException e) {
        throw CliException.invalidInput("cannot read " + file + ": " + e.getMessage());
      }
      List<String> header = record();
      if (header == null) {
        columns = new Field[0]; // an empty file holds no rows, like a header-only one: nothing to append
        return;
      }
      columns = new Field[header.size()];
      for (int i = 0; i < header.size(); i++) {
        String name = header.get(i).trim();
        if (i == 0 && name.startsWith("\uFEFF")) {
          name = name.substring(1);
        }
        Field f = schema.findField(name);
        if (f == null) {
          throw error("header", null, unknownColumn(name));
        }
        for (int j = 0; j < i; j++) {
          if (columns[j] == f) {
            throw error("header", null, "column '" + name + "' appears more than once");
          }
        }
        columns[i] = f;
      }
      for (Field f : schema.fields()) {
        if (f.isRequired() && !List.of(columns).contains(f)) {
          throw error("header", null, "required column '" + f.name() + "' is missing");
        }
      }
    }

    @Override
    Map<String, Object> next() {
      List<String> values = record();
      if (values == null) {
        progress = bytes[0];
        return null;
      }
      String where = "line " + recordLine;
      if (values.size() != columns.length) {
        throw error(where, null, "has " + values.size() + " fields but the header has " + columns.length);
      }
      Map<String, Object> row = new HashMap<>(columns.length * 2);
      for (int i = 0; i < columns.length; i++) {
        String v = values.get(i);
        row.put(columns[i].name(), v == null ? null : convert(columns[i], v, where));
      }
      checkRequired(row, where);
      progress = bytes[0];
      return row;
    }

    /** @return the fields of the next record (null for an empty unquoted field), or null at the end */
    private List<String> record() {
      try {
        int c = reader.read();
        while (c == '\r' || c == '\n') { // skip blank lines
          if (c == '\n') {
            line++;
          }
          c = reader.read();
        }
        if (c < 0) {
          return null;
        }
        recordLine = line;
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quotedField = false;
        while (true) {
          if (c == '"' && field.length() == 0 && !quotedField) {
            quotedField = true;
            while (true) {
              c = reader.read();
              if (c < 0) {
                throw error("line " + recordLine, null, "unterminated quoted field");
              }
              if (c == '"') {
                reader.mark(1);
                int d = reader.read();
                if (d == '"') {
                  field.append('"');
                  continue;
                }
                reader.reset();
                break;
              }
              if (c == '\n') {
                line++;
              }
              field.append((char) c);
            }
            c = reader.read();
            continue;
          }
          if (c == delimiter || c == '\n' || c == '\r' || c < 0) {
            out.add(field.length() == 0 && !quotedField ? null : field.toString());
            field.setLength(0);
            quotedField = false;
            if (c == delimiter) {
              c = reader.read();
              continue;
            }
            if (c == '\r') {
              reader.mark(1);
              if (reader.read() != '\n') {
                reader.reset();
              }
            }
            if (c >= 0) {
              line++;
            }
            return out;
          }
          if (quotedField) {
            throw error("line " + recordLine, null, "unexpected character after a closing quote");
          }
          field.append((char) c);
          c = reader.read();
        }
      } catch (IOException e) {
        throw CliException.invalidInput("cannot read " + file + ": " + e.getMessage());
      }
    }

    @Override
    long size() {
      return size;
    }

    @Override
    public void close() {
      try {
        reader.close();
      } catch (IOException ignored) {
        // read-only
      }
    }
  }

  /** One JSON object per line; numbers keep their exact value until converted to the column type. */
  static final class JsonLines extends RowSource {
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private final long[] bytes = {0};
    private final long size;
    private final BufferedReader reader;
    private long line;

    JsonLines(Path file, Schema schema) {
      super(file, schema);
      try {
        this.size = Files.size(file);
        this.reader = new BufferedReader(new InputStreamReader(openStream(file, bytes), StandardCharsets.UTF_8), 1 << 16);
      } catch (IOException e) {
        throw CliException.invalidInput("cannot read " + file + ": " + e.getMessage());
      }
    }

    @Override
    Map<String, Object> next() {
      String text;
      try {
        do {
          text = reader.readLine();
          line++;
        } while (text != null && text.isBlank());
      } catch (NoSuchFileException e) {
        throw CliException.invalidInput(file + " does not exist");
      } catch (IOException e) {
        throw CliException.invalidInput("cannot read " + file + ": " + e.getMessage());
      }
      progress = bytes[0];
      if (text == null) {
        return null;
      }
      if (line == 1 && text.startsWith("\uFEFF")) {
        text = text.substring(1); // a byte-order mark, as some Windows tools write
      }
      String where = "line " + line;
      JsonNode node;
      try {
        node = MAPPER.readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw error(where, null, "not valid JSON: " + e.getOriginalMessage());
      } catch (IOException e) {
        throw error(where, null, "not valid JSON: " + e.getMessage());
      }
      if (node == null || !node.isObject()) {
        throw error(where, null, "expected one JSON object per line");
      }
      Map<String, Object> row = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Field f = schema.findField(e.getKey());
        if (f == null) {
          throw error(where, null, unknownColumn(e.getKey()));
        }
        row.put(f.name(), jsonValue(e.getValue(), f, f.name(), where));
      }
      checkRequired(row, where);
      return row;
    }

    /** A JSON value for a field of any type: objects become structs or maps, arrays lists. */
    private Object jsonValue(JsonNode v, Field f, String path, String where) {
      if (v == null || v.isNull() || v.isMissingNode()) {
        return null;
      }
      io.datashard.Type t = f.type();
      switch (t.id()) {
        case STRUCT: {
          if (!v.isObject()) {
            throw error(where, path, "expected a JSON object for " + t + ", got " + abbreviate(v.toString()));
          }
          io.datashard.StructType struct = t.asStruct();
          Map<String, Object> out = new java.util.LinkedHashMap<>();
          for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Field child = struct.field(e.getKey());
            if (child == null) {
              throw error(where, path, "field '" + e.getKey() + "' is not in the struct (fields: "
                  + String.join(", ", struct.fieldNames()) + ")");
            }
            out.put(child.name(), jsonValue(e.getValue(), child, path + "." + child.name(), where));
          }
          for (Field child : struct.fields()) {
            if (child.isRequired() && out.get(child.name()) == null) {
              throw error(where, path + "." + child.name(), "no value for required field");
            }
          }
          return out;
        }
        case LIST: {
          if (!v.isArray()) {
            throw error(where, path, "expected a JSON array for " + t + ", got " + abbreviate(v.toString()));
          }
          List<Object> out = new ArrayList<>(v.size());
          Field element = t.asList().elementField();
          for (int i = 0; i < v.size(); i++) {
            Object e = jsonValue(v.get(i), element, path + "[" + i + "]", where);
            if (e == null && element.isRequired()) {
              throw error(where, path + "[" + i + "]", "null element in a list of required elements");
            }
            out.add(e);
          }
          return out;
        }
        case MAP: {
          if (!v.isObject()) {
            throw error(where, path, "expected a JSON object for " + t + ", got " + abbreviate(v.toString()));
          }
          io.datashard.MapType m = t.asMap();
          Map<Object, Object> out = new java.util.LinkedHashMap<>();
          for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Object key = convert(m.keyField(), e.getKey(), where, path + ".key");
            Object value = jsonValue(e.getValue(), m.valueField(), path + "[" + e.getKey() + "]", where);
            if (value == null && m.isValueRequired()) {
              throw error(where, path + "[" + e.getKey() + "]", "null value in a map of required values");
            }
            out.put(key, value);
          }
          return out;
        }
        default:
          return convert(f, value(v, f, path, where), where, path);
      }
    }

    private Object value(JsonNode v, Field f, String path, String where) {
      if (v == null || v.isNull() || v.isMissingNode()) {
        return null;
      }
      if (v.isTextual()) {
        return v.asText();
      }
      if (v.isBoolean()) {
        return v.booleanValue();
      }
      if (v.isIntegralNumber()) {
        return v.bigIntegerValue();
      }
      if (v.isNumber()) {
        return v.isBigDecimal() ? v.decimalValue() : (Object) v.doubleValue();
      }
      throw error(where, path, "cannot convert " + v.getNodeType().toString().toLowerCase(Locale.ROOT)
          + " " + abbreviate(v.toString()) + " to " + f.type());
    }

    private static String abbreviate(String s) {
      return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    @Override
    long size() {
      return size;
    }

    @Override
    public void close() {
      try {
        reader.close();
      } catch (IOException ignored) {
        // read-only
      }
    }
  }

  static BigDecimal decimalOf(BigInteger unscaled, int scale) {
    return new BigDecimal(unscaled, scale);
  }
}
