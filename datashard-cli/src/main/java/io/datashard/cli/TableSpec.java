package io.datashard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Type;
import io.datashard.Types;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A table definition for {@code datashard create}: columns, partitioning and properties, from an inline spec
 * ({@code "id long not null, name string, ts timestamptz"}) or a JSON/YAML file:
 * <pre>
 * columns:
 *   - {name: id, type: long, required: true}
 *   - {name: ts, type: timestamptz, doc: "event time"}
 * partition: [day(ts), bucket(id, 16)]
 * properties: {write.parquet.compression-codec: snappy}
 * </pre>
 * Field ids are assigned 1, 2, ... in column order unless the file gives {@code id}s.
 */
record TableSpec(Schema schema, List<String> partitionTerms, Map<String, String> properties) {

  private static final Pattern TERM = Pattern.compile("\\s*([a-z]+)\\s*\\(\\s*([^,()\\s]+)\\s*(?:,\\s*(\\d+)\\s*)?\\)\\s*");

  /**
   * @param text an inline spec, or {@code @file} / a path ending in .json, .yaml or .yml
   * @return the parsed definition
   */
  static TableSpec parse(String text) {
    String t = text.trim();
    Path file = null;
    if (t.startsWith("@")) {
      file = Path.of(t.substring(1));
    } else if (t.matches("(?i).*\\.(json|ya?ml)") && !t.contains(" ")) {
      file = Path.of(t);
    }
    if (file != null) {
      return parseFile(file);
    }
    return new TableSpec(parseInline(t), List.of(), Map.of());
  }

  static Schema parseInline(String text) {
    List<Field> fields = new ArrayList<>();
    int id = 1;
    for (String col : splitTopLevel(text)) {
      String c = col.trim();
      if (c.isEmpty()) {
        continue;
      }
      String[] parts = c.split("\\s+", 2);
      if (parts.length < 2) {
        throw CliException.invalidInput("column '" + c + "' has no type: write 'name type [not null]', e.g. "
            + "'id long not null, name string'");
      }
      String name = parts[0];
      String rest = parts[1].trim();
      boolean required = false;
      String lower = rest.toLowerCase(Locale.ROOT);
      if (lower.endsWith(" not null")) {
        required = true;
        rest = rest.substring(0, rest.length() - " not null".length()).trim();
      } else if (lower.endsWith(" required")) {
        required = true;
        rest = rest.substring(0, rest.length() - " required".length()).trim();
      } else if (lower.endsWith(" null")) {
        rest = rest.substring(0, rest.length() - " null".length()).trim();
      }
      fields.add(Field.of(id++, name, type(rest, name), required, null));
    }
    if (fields.isEmpty()) {
      throw CliException.invalidInput("the schema has no columns");
    }
    return schemaOf(fields);
  }

  /** An unquoted {@code decimal(P,S)} as the value after a YAML key ({@code type: decimal(9,2)}). */
  private static final java.util.regex.Pattern UNQUOTED_DECIMAL =
      java.util.regex.Pattern.compile("(:\\s*)decimal\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

  private static TableSpec parseFile(Path file) {
    JsonNode root;
    try {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".json")) {
        root = new ObjectMapper().readTree(Files.readAllBytes(file));
      } else {
        // In YAML's flow style ({name: amount, type: decimal(9,2)}) the comma of decimal(P,S) ends the value: quote
        // the type before parsing, so the form docs/cli.md shows works as written.
        String yaml = UNQUOTED_DECIMAL.matcher(Files.readString(file)).replaceAll("$1\"decimal($2,$3)\"");
        root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw CliException.invalidInput("schema file " + file + " does not exist");
    } catch (IOException e) {
      throw CliException.invalidInput("cannot read schema file " + file + ": " + e.getMessage().split("\n")[0]);
    }
    if (root == null || !root.isObject()) {
      throw CliException.invalidInput("schema file " + file + " must hold an object with 'columns'");
    }
    JsonNode cols = root.has("columns") ? root.get("columns") : root.get("fields");
    if (cols == null || !cols.isArray() || cols.isEmpty()) {
      throw CliException.invalidInput("schema file " + file + " has no 'columns' list");
    }
    List<Field> fields = new ArrayList<>();
    int next = 1;
    for (JsonNode c : cols) {
      if (c.isTextual()) {
        fields.addAll(withIds(parseInline(c.asText()).fields(), next));
        next = fields.get(fields.size() - 1).id() + 1;
        continue;
      }
      String name = c.path("name").asText(null);
      String type = c.path("type").asText(null);
      if (name == null || type == null) {
        throw CliException.invalidInput("schema file " + file + ": every column needs 'name' and 'type' (" + c + ")");
      }
      int id = c.has("id") ? c.get("id").asInt() : next;
      next = Math.max(next, id) + 1;
      boolean required = c.path("required").asBoolean(false) || !c.path("nullable").asBoolean(true);
      fields.add(Field.of(id, name, type(type, name), required, c.hasNonNull("doc") ? c.get("doc").asText() : null));
    }
    List<String> terms = new ArrayList<>();
    JsonNode p = root.get("partition");
    if (p != null && p.isArray()) {
      p.forEach(n -> terms.add(n.asText()));
    } else if (p != null && p.isTextual()) {
      terms.addAll(splitTopLevel(p.asText()));
    }
    Map<String, String> props = new LinkedHashMap<>();
    JsonNode pr = root.get("properties");
    if (pr != null && pr.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = pr.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        props.put(e.getKey(), e.getValue().asText());
      }
    }
    return new TableSpec(schemaOf(fields), terms, props);
  }

  private static List<Field> withIds(List<Field> fields, int first) {
    List<Field> out = new ArrayList<>();
    for (Field f : fields) {
      out.add(Field.of(first++, f.name(), f.type(), f.isRequired(), f.doc()));
    }
    return out;
  }

  private static Schema schemaOf(List<Field> fields) {
    try {
      return Schema.of(fields);
    } catch (IllegalArgumentException | io.datashard.ValidationException e) {
      throw CliException.invalidInput("invalid schema: " + e.getMessage());
    }
  }

  private static Type type(String name, String column) {
    String trimmed = name.trim();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.endsWith(">") && lower.matches("(struct|list|array|map)\\s*<.*")) {
      return nestedType(trimmed, column);
    }
    String n = lower.replace(" ", "");
    switch (n) {
      case "bigint": case "int64": n = "long"; break;
      case "int32": n = "int"; break;
      case "bool": n = "boolean"; break;
      case "varchar": case "text": n = "string"; break;
      case "float64": n = "double"; break;
      case "float32": case "real": n = "float"; break;
      case "timestamp_tz": case "timestamptz": case "timestamp_ltz": n = "timestamptz"; break;
      case "bytes": n = "binary"; break;
      default: break;
    }
    try {
      return Types.fromName(n);
    } catch (IllegalArgumentException | io.datashard.ValidationException e) {
      throw CliException.invalidInput("column '" + column + "': unknown type '" + name + "' (use boolean, int, long, "
          + "float, double, decimal(P,S), date, time, timestamp, timestamptz, string, uuid, binary, fixed[L], "
          + "struct<name: type, ...>, list<type>, map<keytype, valuetype>)");
    }
  }

  /**
   * Parses {@code struct<name: type [not null], ...>}, {@code list<type [not null]>} (or {@code array<...>}) and
   * {@code map<keytype, valuetype [not null]>}; field ids are assigned when the schema is built.
   */
  private static Type nestedType(String text, String column) {
    int open = text.indexOf('<');
    String kind = text.substring(0, open).trim().toLowerCase(Locale.ROOT);
    String inner = text.substring(open + 1, text.length() - 1).trim();
    switch (kind) {
      case "struct": {
        List<Field> fields = new ArrayList<>();
        for (String part : splitTopLevel(inner)) {
          String p = part.trim();
          int colon = p.indexOf(':');
          int space = p.indexOf(' ');
          int cut = colon > 0 && (space < 0 || colon < space) ? colon : space;
          if (cut <= 0) {
            throw CliException.invalidInput("column '" + column + "': struct field '" + p + "' has no type: write "
                + "struct<name: type, ...>");
          }
          String fieldName = p.substring(0, cut).trim();
          String[] typeAndNull = requiredSuffix(p.substring(cut + 1).trim());
          Type t = type(typeAndNull[0], column + "." + fieldName);
          fields.add(typeAndNull[1] != null ? Field.required(fieldName, t) : Field.optional(fieldName, t));
        }
        if (fields.isEmpty()) {
          throw CliException.invalidInput("column '" + column + "': a struct needs at least one field");
        }
        return Types.struct(fields);
      }
      case "list":
      case "array": {
        String[] e = requiredSuffix(inner);
        Type t = type(e[0], column + ".element");
        return e[1] != null ? Types.listOfRequired(t) : Types.list(t);
      }
      default: {
        List<String> kv = splitTopLevel(inner);
        if (kv.size() != 2) {
          throw CliException.invalidInput("column '" + column + "': write map<keytype, valuetype>, got '" + text + "'");
        }
        Type key = type(kv.get(0), column + ".key");
        String[] v = requiredSuffix(kv.get(1).trim());
        Type value = type(v[0], column + ".value");
        return v[1] != null ? Types.mapOfRequired(key, value) : Types.map(key, value);
      }
    }
  }

  /** @return {type text, "required" or null}: strips a trailing {@code not null} / {@code required} / {@code null} */
  private static String[] requiredSuffix(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (String suffix : new String[] {" not null", " required"}) {
      if (lower.endsWith(suffix)) {
        return new String[] {text.substring(0, text.length() - suffix.length()).trim(), "required"};
      }
    }
    if (lower.endsWith(" null") && !lower.endsWith(">null")) {
      return new String[] {text.substring(0, text.length() - " null".length()).trim(), null};
    }
    return new String[] {text, null};
  }

  /**
   * @param schema the table's columns
   * @param terms partition terms such as {@code day(ts)}, {@code bucket(id,16)}, {@code truncate(name,4)} or a
   *     bare column name (identity)
   * @return the partition spec
   */
  static PartitionSpec partitionSpec(Schema schema, List<String> terms) {
    PartitionSpec.Builder b = PartitionSpec.builderFor(schema);
    for (String raw : terms) {
      String term = raw.trim();
      if (term.isEmpty()) {
        continue;
      }
      try {
        if (term.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
          b.identity(term);
          continue;
        }
        Matcher m = TERM.matcher(term.toLowerCase(Locale.ROOT).equals(term) ? term : lowerFn(term));
        if (!m.matches()) {
          throw CliException.invalidInput("cannot read partition term '" + term + "': use a column name, year(col), "
              + "month(col), day(col), hour(col), bucket(col, N) or truncate(col, W)");
        }
        String fn = m.group(1);
        String col = m.group(2);
        String arg = m.group(3);
        switch (fn) {
          case "identity": b.identity(col); break;
          case "year": case "years": b.year(col); break;
          case "month": case "months": b.month(col); break;
          case "day": case "days": b.day(col); break;
          case "hour": case "hours": b.hour(col); break;
          case "bucket": b.bucket(col, needArg(term, arg)); break;
          case "truncate": b.truncate(col, needArg(term, arg)); break;
          default:
            throw CliException.invalidInput("unknown partition transform '" + fn + "' in '" + term + "'");
        }
      } catch (IllegalArgumentException | io.datashard.ValidationException e) {
        throw CliException.invalidInput("invalid partitioning '" + term + "': " + e.getMessage());
      }
    }
    return b.build();
  }

  private static String lowerFn(String term) {
    int p = term.indexOf('(');
    return p < 0 ? term : term.substring(0, p).toLowerCase(Locale.ROOT) + term.substring(p);
  }

  private static int needArg(String term, String arg) {
    if (arg == null) {
      throw CliException.invalidInput("partition term '" + term + "' needs a number, e.g. bucket(id, 16)");
    }
    return Integer.parseInt(arg);
  }

  /** Splits on commas outside parentheses and brackets ("decimal(9,2)" stays whole). */
  static List<String> splitTopLevel(String text) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char ch : text.toCharArray()) {
      if (ch == '(' || ch == '[' || ch == '<') {
        depth++;
      } else if (ch == ')' || ch == ']' || ch == '>') {
        depth--;
      }
      if (ch == ',' && depth == 0) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    out.add(cur.toString());
    out.removeIf(s -> s.isBlank());
    return out;
  }
}
