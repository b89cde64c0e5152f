package io.datashard.cli;

import io.datashard.Field;
import io.datashard.Schema;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/** Rows of a Parquet file written by any tool; top-level primitive columns matched to the table by name. */
final class ParquetRows extends RowSource {
  private final ParquetReader<Group> reader;
  private final long rows;
  private final Field[] targets;
  private final GroupType fileSchema;

  ParquetRows(Path file, Schema schema) {
    super(file, schema);
    LocalInputFile in = new LocalInputFile(file);
    try (ParquetFileReader footer = ParquetFileReader.open(in)) {
      this.rows = footer.getRecordCount();
      this.fileSchema = footer.getFooter().getFileMetaData().getSchema();
    } catch (IOException | RuntimeException e) {
      throw CliException.invalidInput(notParquet(file).orElse("cannot read " + file + " as Parquet: "
          + e.getMessage()));
    }
    List<Type> cols = fileSchema.getFields();
    targets = new Field[cols.size()];
    for (int i = 0; i < cols.size(); i++) {
      Type t = cols.get(i);
      Field f = schema.findField(t.getName());
      if (f == null) {
        throw error(null, null, unknownColumn(t.getName()));
      }
      if (t.isRepetition(Type.Repetition.REPEATED)) {
        throw error(null, t.getName(), "a repeated top-level Parquet column (legacy list layout) is not supported; "
            + "write lists in the standard LIST layout");
      }
      if (t.isPrimitive() != f.type().isPrimitive()) {
        throw error(null, t.getName(), "the file's column is " + (t.isPrimitive() ? "a primitive" : "nested")
            + " but the table's is " + f.type());
      }
      targets[i] = f;
    }
    for (Field f : schema.fields()) {
      if (f.isRequired() && !fileSchema.containsField(f.name())) {
        throw error(null, null, "required column '" + f.name() + "' is missing");
      }
    }
    try {
      this.reader = new ParquetReader.Builder<Group>(in) {
        @Override
        protected ReadSupport<Group> getReadSupport() {
          return new GroupReadSupport();
        }
      }.build();
    } catch (IOException e) {
      throw CliException.invalidInput("cannot read " + file + " as Parquet: " + e.getMessage());
    }
  }

  @Override
  Map<String, Object> next() {
    Group g;
    try {
      g = reader.read();
    } catch (IOException | RuntimeException e) {
      throw error("row " + (progress + 1), null, "cannot read: " + e.getMessage());
    }
    if (g == null) {
      return null;
    }
    progress++;
    String where = "row " + progress;
    Map<String, Object> row = new HashMap<>(targets.length * 2);
    for (int i = 0; i < targets.length; i++) {
      Type t = fileSchema.getType(i);
      if (t.isPrimitive()) {
        Object raw = g.getFieldRepetitionCount(i) == 0 ? null : javaValue(g, i, t.asPrimitiveType(), where);
        row.put(targets[i].name(), convert(targets[i], raw, where));
      } else {
        row.put(targets[i].name(), g.getFieldRepetitionCount(i) == 0 ? null : nested(g, i, t, targets[i].name(), where));
      }
    }
    checkRequired(row, where);
    return row;
  }

  /**
   * A nested value as maps and lists of plain Java values (validated against the table when appended): a group as
   * a map of its fields, a LIST as a list, a MAP as a map; standard three-level layouts, and two-level lists.
   */
  private Object nested(Group g, int i, Type t, String path, String where) {
    return nestedAt(g, i, 0, t, path, where);
  }

  private Object nestedAt(Group g, int i, int index, Type t, String path, String where) {
    if (t.isPrimitive()) {
      return javaValueAt(g, i, index, t.asPrimitiveType(), where);
    }
    Group v = g.getGroup(i, index);
    GroupType gt = t.asGroupType();
    LogicalTypeAnnotation l = gt.getLogicalTypeAnnotation();
    if (l instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
      Type rep = gt.getType(0);
      List<Object> out = new java.util.ArrayList<>();
      int n = v.getFieldRepetitionCount(0);
      for (int k = 0; k < n; k++) {
        if (rep.isPrimitive()) {
          out.add(javaValueAt(v, 0, k, rep.asPrimitiveType(), where));
        } else {
          Group e = v.getGroup(0, k);
          Type elementType = rep.asGroupType().getType(0);
          out.add(e.getFieldRepetitionCount(0) == 0 ? null
              : nestedAt(e, 0, 0, elementType, path + "[" + k + "]", where));
        }
      }
      return out;
    }
    if (l instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
        || l instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation) {
      GroupType kv = gt.getType(0).asGroupType();
      Map<Object, Object> out = new java.util.LinkedHashMap<>();
      int n = v.getFieldRepetitionCount(0);
      for (int k = 0; k < n; k++) {
        Group e = v.getGroup(0, k);
        Object key = nestedAt(e, 0, 0, kv.getType(0), path + ".key", where);
        Object value = e.getFieldRepetitionCount(1) == 0 ? null
            : nestedAt(e, 1, 0, kv.getType(1), path + "[" + key + "]", where);
        out.put(key, value);
      }
      return out;
    }
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (int k = 0; k < gt.getFieldCount(); k++) {
      Type child = gt.getType(k);
      out.put(child.getName(), v.getFieldRepetitionCount(k) == 0 ? null
          : nestedAt(v, k, 0, child, path + "." + child.getName(), where));
    }
    return out;
  }

  private Object javaValue(Group g, int i, PrimitiveType t, String where) {
    return javaValueAt(g, i, 0, t, where);
  }

  private Object javaValueAt(Group g, int i, int index, PrimitiveType t, String where) {
    LogicalTypeAnnotation l = t.getLogicalTypeAnnotation();
    switch (t.getPrimitiveTypeName()) {
      case BOOLEAN:
        return g.getBoolean(i, index);
      case INT32: {
        int v = g.getInteger(i, index);
        if (l instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          return LocalDate.ofEpochDay(v);
        }
        if (l instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
          return BigDecimal.valueOf(v, ((LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) l).getScale());
        }
        if (l instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation) {
          return LocalTime.ofNanoOfDay(v * 1_000_000L);
        }
        return v;
      }
      case INT64: {
        long v = g.getLong(i, index);
        if (l instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) {
          LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts = (LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) l;
          Instant instant;
          switch (ts.getUnit()) {
            case MILLIS: instant = Instant.ofEpochMilli(v); break;
            case MICROS: instant = Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000L); break;
            default: instant = Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L)); break;
          }
          return ts.isAdjustedToUTC() ? instant : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        }
        if (l instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
          return BigDecimal.valueOf(v, ((LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) l).getScale());
        }
        if (l instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation) {
          return LocalTime.ofNanoOfDay(((LogicalTypeAnnotation.TimeLogicalTypeAnnotation) l).getUnit()
              == LogicalTypeAnnotation.TimeUnit.MICROS ? v * 1000L : v);
        }
        return v;
      }
      case FLOAT:
        return g.getFloat(i, index);
      case DOUBLE:
        return g.getDouble(i, index);
      case BINARY:
      case FIXED_LEN_BYTE_ARRAY: {
        byte[] b = g.getBinary(i, index).getBytes();
        if (l instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || l instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || l instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
          return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
        if (l instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
          return new BigDecimal(new BigInteger(b), ((LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) l).getScale());
        }
        if (l instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation && b.length == 16) {
          ByteBuffer bb = ByteBuffer.wrap(b);
          return new UUID(bb.getLong(), bb.getLong());
        }
        return b;
      }
      default:
        throw error(where, t.getName(), "Parquet type " + t.getPrimitiveTypeName() + " is not supported");
    }
  }

  @Override
  long size() {
    return rows;
  }

  @Override
  String unit() {
    return "rows";
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException ignored) {
      // read-only
    }
  }

  /**
   * @return why a file is not Parquet at all, in words (a Parquet file starts and ends with the bytes
   *     {@code PAR1}), or empty when it looks like Parquet and the failure is elsewhere
   */
  static java.util.Optional<String> notParquet(Path file) {
    byte[] magic = "PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (java.nio.channels.SeekableByteChannel ch = java.nio.file.Files.newByteChannel(file)) {
      long size = ch.size();
      byte[] head = new byte[(int) Math.min(4, size)];
      ch.read(java.nio.ByteBuffer.wrap(head));
      byte[] tail = new byte[(int) Math.min(4, size)];
      ch.position(Math.max(0, size - 4));
      ch.read(java.nio.ByteBuffer.wrap(tail));
      if (size >= 12 && java.util.Arrays.equals(head, magic) && java.util.Arrays.equals(tail, magic)) {
        return java.util.Optional.empty();
      }
      String start = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "?");
      return java.util.Optional.of(file + " is not a Parquet file: a Parquet file starts and ends with the bytes "
          + "'PAR1', this one " + (size == 0 ? "is empty" : "starts with '" + start + "' (" + size + " bytes)")
          + "; if it is CSV, TSV or JSON Lines, name it so or pass --format csv|tsv|jsonl");
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }
}
