package io.datashard.display;

import io.datashard.Field;
import io.datashard.Schema;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Renders rows as an aligned text table for people: a header with each column's name and type, one line per
 * row, values longer than a limit cut with {@code ...}, {@code null} for missing values. Used by
 * {@code TableScan.show()} (JShell) and the command line.
 *
 * <pre>
 * user_id | event  | ts
 * long    | string | timestamptz
 * --------+--------+--------------------------
 *       1 | login  | 2024-05-01T10:00Z
 * </pre>
 */
public final class TextTable {
  /** Values longer than this many characters are cut by default. */
  public static final int DEFAULT_MAX_WIDTH = 40;

  private TextTable() {
  }

  /**
   * @param schema the columns, in order
   * @param rows the rows (maps from column name to value; {@code io.datashard.Row}s qualify)
   * @param maxWidth the most characters shown of one value (at least 4)
   * @return the table, lines ending in {@code \n}
   */
  public static String render(Schema schema, List<? extends Map<String, ?>> rows, int maxWidth) {
    int width = Math.max(4, maxWidth);
    List<Field> fields = schema.fields();
    int n = fields.size();
    List<String[]> cells = new ArrayList<>(rows.size());
    int[] widths = new int[n];
    boolean[] right = new boolean[n];
    String[] names = new String[n];
    String[] types = new String[n];
    for (int i = 0; i < n; i++) {
      Field f = fields.get(i);
      names[i] = cut(f.name(), width);
      types[i] = cut(f.type().toString(), width);
      widths[i] = Math.max(names[i].length(), types[i].length());
      switch (f.type().id()) {
        case INT: case LONG: case FLOAT: case DOUBLE: case DECIMAL:
          right[i] = true;
          break;
        case BOOLEAN, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, TIMESTAMP_NS, TIMESTAMP_NS_TZ, STRING, UUID, FIXED, BINARY, STRUCT, LIST, MAP:
        default:
          right[i] = false;
      }
    }
    for (Map<String, ?> row : rows) {
      String[] line = new String[n];
      for (int i = 0; i < n; i++) {
        line[i] = cut(format(row.get(fields.get(i).name())), width);
        widths[i] = Math.max(widths[i], line[i].length());
      }
      cells.add(line);
    }
    StringBuilder sb = new StringBuilder();
    appendLine(sb, names, widths, new boolean[n]);
    appendLine(sb, types, widths, new boolean[n]);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
    }
    sb.append('\n');
    for (String[] line : cells) {
      appendLine(sb, line, widths, right);
    }
    return sb.toString();
  }

  private static void appendLine(StringBuilder sb, String[] values, int[] widths, boolean[] right) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        line.append(" | ");
      }
      String pad = " ".repeat(widths[i] - values[i].length());
      line.append(right[i] ? pad + values[i] : values[i] + pad);
    }
    int end = line.length();
    while (end > 0 && line.charAt(end - 1) == ' ') {
      end--;
    }
    sb.append(line, 0, end).append('\n');
  }

  /**
   * @param value a column value
   * @return its text for display: {@code null}, hex for binary values, JSON for structs, lists and maps,
   *     {@code toString()} otherwise
   */
  public static String format(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof byte[]) {
      return "0x" + HexFormat.of().formatHex((byte[]) value);
    }
    if (value instanceof ByteBuffer) {
      ByteBuffer b = ((ByteBuffer) value).duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      return "0x" + HexFormat.of().formatHex(bytes);
    }
    String s;
    if (value instanceof io.datashard.Row || value instanceof Map || value instanceof List) {
      s = ValueText.json(value);
    } else {
      String time = io.datashard.expressions.TimeText.format(value);
      s = time != null ? time : value.toString();
    }
    if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('\t') >= 0) {
      s = s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }
    return s;
  }

  private static String cut(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 3) + "...";
  }
}
