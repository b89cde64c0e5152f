package io.datashard.parquet;

import io.datashard.Field;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Type;
import io.datashard.records.RecordValidator;
import io.datashard.types.DateTimeUtil;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows ({@link Row}s or {@code Object[]} in schema order) straight into parquet-java's column
 * writers, with no intermediate object model and no record-assembly layer.
 *
 * <p>A flat schema (primitive columns only) is written column by column: repetition level 0 and definition level
 * 0 (null) or the column's maximum (a value). A schema with structs, lists or maps is striped by a tree of
 * {@link Node}s that computes each leaf's repetition and definition levels as the Dremel encoding defines them
 * (Iceberg's three-level lists and {@code key_value} maps, see {@link ParquetSchemas}).
 *
 * <p>While writing it counts nulls per leaf column and, for float and double leaves, NaNs and the smallest and
 * largest non-NaN value (parquet-java's own float statistics cannot be used for Iceberg bounds because of NaN).
 * Every other bound comes from the footer statistics parquet-java collects anyway (see {@link FileMetrics}).
 */
final class RowColumnWriter {
  private final Schema schema;
  private final MessageType messageType;
  private final int width;
  private final boolean flat;
  private final Node[] roots;
  private final List<Leaf> leaves;
  private final int leafCount;
  private final String[] names;
  private final Type.Id[] kinds;
  private final boolean[] required;
  private final int[] scales;
  private final int[] fixedLengths;
  private final boolean[] int32Decimal;
  /** Per leaf, the class a value of a {@link Row} must have to be written as it is; null: always converted. */
  private final Class<?>[] canonicalClasses;

  private final long[] nullCounts;
  private final long[] nanCounts;
  private final double[] mins;
  private final double[] maxs;
  private final boolean[] seenNonNaN;

  private final ColumnDescriptor[] descriptors;
  private final int[] maxDefinitionLevels;
  private ColumnWriteStore store;
  private ColumnWriter[] columns;

  /** A leaf (primitive) column of the schema tree, in Parquet column order. */
  static final class Leaf {
    final Field field;
    final String path;
    final String parquetPath;
    final boolean repeated;

    Leaf(Field field, String path, String parquetPath, boolean repeated) {
      this.field = field;
      this.path = path;
      this.parquetPath = parquetPath;
      this.repeated = repeated;
    }
  }

  RowColumnWriter(Schema schema) {
    this.schema = schema;
    this.messageType = ParquetSchemas.toMessageType(schema);
    this.width = schema.size();
    this.descriptors = messageType.getColumns().toArray(new ColumnDescriptor[0]);
    List<Leaf> leafList = new ArrayList<>();
    this.roots = new Node[width];
    boolean allPrimitive = true;
    for (int i = 0; i < width; i++) {
      Field f = schema.field(i);
      allPrimitive &= f.type().isPrimitive();
      roots[i] = build(f, f.name(), f.name(), 0, 0, false, leafList);
    }
    this.flat = allPrimitive;
    this.leaves = List.copyOf(leafList);
    this.leafCount = leaves.size();
    if (descriptors.length != leafCount) {
      throw new IllegalStateException("schema " + schema + " maps to " + descriptors.length + " Parquet columns, not "
          + leafCount);
    }
    this.names = new String[leafCount];
    this.kinds = new Type.Id[leafCount];
    this.required = new boolean[leafCount];
    this.scales = new int[leafCount];
    this.fixedLengths = new int[leafCount];
    this.int32Decimal = new boolean[leafCount];
    this.maxDefinitionLevels = new int[leafCount];
    this.canonicalClasses = new Class<?>[leafCount];
    for (int i = 0; i < leafCount; i++) {
      Field f = leaves.get(i).field;
      names[i] = leaves.get(i).path;
      kinds[i] = f.type().id();
      required[i] = f.isRequired();
      scales[i] = f.type().scale();
      fixedLengths[i] = f.type().id() == Type.Id.DECIMAL && f.type().precision() > 18
          ? ParquetSchemas.decimalBytes(f.type().precision()) : f.type().length();
      int32Decimal[i] = f.type().id() == Type.Id.DECIMAL && f.type().precision() <= 9;
      maxDefinitionLevels[i] = descriptors[i].getMaxDefinitionLevel();
      canonicalClasses[i] = canonicalClass(f.type().id());
    }
    for (Node root : roots) {
      root.check(descriptors);
    }
    this.nullCounts = new long[leafCount];
    this.nanCounts = new long[leafCount];
    this.mins = new double[leafCount];
    this.maxs = new double[leafCount];
    this.seenNonNaN = new boolean[leafCount];
  }

  private static Node build(Field f, String path, String parquetPath, int parentDef, int parentRep,
      boolean repeated, List<Leaf> leaves) {
    int def = f.isRequired() ? parentDef : parentDef + 1;
    Type t = f.type();
    switch (t.id()) {
      case STRUCT: {
        List<Field> fields = t.asStruct().fields();
        Node[] children = new Node[fields.size()];
        for (int i = 0; i < children.length; i++) {
          Field c = fields.get(i);
          children[i] = build(c, path + "." + c.name(), parquetPath + "." + c.name(), def, parentRep, repeated, leaves);
        }
        return new Node(Kind.STRUCT, f, path, parentDef, def, parentRep, children, -1);
      }
      case LIST: {
        Field e = t.asList().elementField();
        Node element = build(e, path + "[]", parquetPath + ".list.element", def + 1, parentRep + 1, true, leaves);
        return new Node(Kind.LIST, f, path, parentDef, def, parentRep + 1, new Node[] {element}, -1);
      }
      case MAP: {
        Field k = t.asMap().keyField();
        Field v = t.asMap().valueField();
        Node key = build(k, path + ".key", parquetPath + ".key_value.key", def + 1, parentRep + 1, true, leaves);
        Node value = build(v, path + ".value", parquetPath + ".key_value.value", def + 1, parentRep + 1, true,
            leaves);
        return new Node(Kind.MAP, f, path, parentDef, def, parentRep + 1, new Node[] {key, value}, -1);
      }
      default:
        leaves.add(new Leaf(f, path, parquetPath, repeated));
        return new Node(Kind.LEAF, f, path, parentDef, def, parentRep, new Node[0], leaves.size() - 1);
    }
  }

  private enum Kind { LEAF, STRUCT, LIST, MAP }

  /**
   * One field of the schema tree with its levels: {@code nullDef} is written when the field is null,
   * {@code presentDef} when it is present, {@code repLevel} is the repetition level of a list's or map's entries.
   */
  private static final class Node {
    final Kind kind;
    final Field field;
    final String path;
    final boolean required;
    final int nullDef;
    final int presentDef;
    final int repLevel;
    final Node[] children;
    final int leaf;
    final int[] leafIndexes;
    /** For a struct node, the struct's own schema (the identity rows built for it carry). */
    final Schema structSchema;

    Node(Kind kind, Field field, String path, int nullDef, int presentDef, int repLevel, Node[] children, int leaf) {
      this.kind = kind;
      this.field = field;
      this.path = path;
      this.required = field.isRequired();
      this.nullDef = nullDef;
      this.presentDef = presentDef;
      this.repLevel = repLevel;
      this.children = children;
      this.leaf = leaf;
      this.structSchema = kind == Kind.STRUCT ? field.type().asStruct().asSchema() : null;
      List<Integer> idx = new ArrayList<>();
      collect(this, idx);
      this.leafIndexes = idx.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void collect(Node n, List<Integer> out) {
      if (n.kind == Kind.LEAF) {
        out.add(n.leaf);
      }
      for (Node c : n.children) {
        collect(c, out);
      }
    }

    void check(ColumnDescriptor[] descriptors) {
      if (kind == Kind.LEAF && descriptors[leaf].getMaxDefinitionLevel() != presentDef) {
        throw new IllegalStateException("definition levels of '" + path + "' disagree with the Parquet schema");
      }
      for (Node c : children) {
        c.check(descriptors);
      }
    }
  }

  /** @return the leaf columns in Parquet column order */
  List<Leaf> leaves() {
    return leaves;
  }

  /** Directs the following rows to a row group's column writers. @param store the row group's store */
  void bind(ColumnWriteStore store) {
    this.store = store;
    this.columns = new ColumnWriter[leafCount];
    for (int i = 0; i < leafCount; i++) {
      columns[i] = store.getColumnWriter(descriptors[i]);
    }
  }

  MessageType messageType() {
    return messageType;
  }

  long[] nullCounts() {
    return nullCounts;
  }

  long[] nanCounts() {
    return nanCounts;
  }

  /** @return whether a float/double leaf saw a value that is not NaN (then min/max are set) */
  boolean hasFloatingBounds(int leaf) {
    return seenNonNaN[leaf];
  }

  double floatingMin(int leaf) {
    return mins[leaf];
  }

  double floatingMax(int leaf) {
    return maxs[leaf];
  }

  /**
   * Writes one row and ends it in the bound store.
   *
   * @param row a {@link Row} of this schema or one value per field in schema order
   */
  void write(Object row) {
    ColumnWriter[] cw = columns;
    if (row instanceof Object[]) {
      Object[] values = (Object[]) row;
      if (values.length != width) {
        throw new IllegalArgumentException("expected " + width + " values, got " + values.length);
      }
      if (flat) {
        for (int i = 0; i < width; i++) {
          writeField(cw[i], i, values[i]);
        }
      } else {
        for (int i = 0; i < width; i++) {
          writeNode(roots[i], values[i], 0, false);
        }
      }
    } else {
      Row record = (Row) row;
      if (record.schema() != schema && !record.schema().sameFieldsAs(schema)) {
        throw new IllegalArgumentException("record schema " + record.schema() + " differs from writer schema "
            + schema);
      }
      if (flat) {
        for (int i = 0; i < width; i++) {
          Object v = record.get(i);
          writeField(cw[i], i, v == null ? null : checked(i, v));
        }
      } else {
        for (int i = 0; i < width; i++) {
          writeNode(roots[i], record.get(i), 0, true);
        }
      }
    }
    store.endRecord();
  }

  /**
   * A {@link Row} handed to {@link #write} is checked while it is written, in the same walk: a value of its leaf's
   * canonical class is written as it is, anything else is converted (or refused) by {@link RecordValidator}, and
   * nested values that are not in canonical form are converted as a whole before any of them is written. A row
   * that fails half-way leaves the file unusable ({@link DataFileWriter} then refuses further rows); callers that
   * need the precise error validate the row again (see {@code TableAppender}).
   */
  private Object checked(int leaf, Object v) {
    // A String is checked for surrogates where it is encoded (writeString): one pass over it, not two.
    if (v.getClass() == canonicalClasses[leaf]) {
      return v;
    }
    return RecordValidator.canonical(leaves.get(leaf).field, v);
  }

  private static Class<?> canonicalClass(Type.Id kind) {
    return switch (kind) {
      case BOOLEAN -> Boolean.class;
      case INT -> Integer.class;
      case LONG -> Long.class;
      case FLOAT -> Float.class;
      case DOUBLE -> Double.class;
      case DATE -> LocalDate.class;
      case STRING -> String.class;
      case UUID -> UUID.class;
      // truncation to microseconds, UTC offsets, decimal scale and fixed length are the validator's to check
      case DECIMAL, TIME, TIMESTAMP, TIMESTAMP_TZ, TIMESTAMP_NS, TIMESTAMP_NS_TZ, FIXED, BINARY, STRUCT, LIST, MAP -> null;
    };
  }

  /** @param check whether {@code v} comes from a user's {@link Row} and is checked while written */
  private void writeNode(Node n, Object v, int rep, boolean check) {
    if (v == null) {
      if (n.required) {
        throw new IllegalArgumentException("null value for required field '" + n.path + "'");
      }
      writeNulls(n, rep, n.nullDef);
      return;
    }
    switch (n.kind) {
      case LEAF:
        writeValue(columns[n.leaf], n.leaf, check ? checked(n.leaf, v) : v, rep, n.presentDef);
        return;
      case STRUCT: {
        Row r = check ? structRow(n, v) : (Row) v;
        for (int i = 0; i < n.children.length; i++) {
          writeNode(n.children[i], r.get(i), rep, check);
        }
        return;
      }
      case LIST: {
        List<?> list = check && !(v instanceof List) ? (List<?>) RecordValidator.canonical(n.field, v) : (List<?>) v;
        if (list.isEmpty()) {
          writeNulls(n, rep, n.presentDef);
          return;
        }
        Node element = n.children[0];
        int r = rep;
        for (Object e : list) {
          writeNode(element, e, r, check);
          r = n.repLevel;
        }
        return;
      }
      case MAP: {
        Map<?, ?> map = check ? checkedMap(n, v) : (Map<?, ?>) v;
        if (map.isEmpty()) {
          writeNulls(n, rep, n.presentDef);
          return;
        }
        int r = rep;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          writeNode(n.children[0], e.getKey(), r, check);
          writeNode(n.children[1], e.getValue(), r, check);
          r = n.repLevel;
        }
        return;
      }
      default:
        throw new IllegalStateException("unknown node kind " + n.kind);
    }
  }

  /** A struct value as a row of the struct's own fields, converted by the validator unless it already is one. */
  private static Row structRow(Node n, Object v) {
    if (v instanceof Row r && (r.schema() == n.structSchema || r.schema().fields().equals(n.structSchema.fields()))) {
      return r;
    }
    return (Row) RecordValidator.canonical(n.field, v);
  }

  /**
   * A map value, converted as a whole by the validator when it is not a map or when a key is not of its canonical
   * class (a widened key could collide with another; string keys need no widening and are checked as written).
   */
  private Map<?, ?> checkedMap(Node n, Object v) {
    if (v instanceof Map<?, ?> m) {
      Node key = n.children[0];
      Class<?> k = key.kind == Kind.LEAF ? canonicalClasses[key.leaf] : null;
      if (k == String.class) {
        return m;
      }
      boolean canonical = k != null;
      for (Object x : canonical ? m.keySet() : List.of()) {
        if (x == null || x.getClass() != k) {
          canonical = false;
          break;
        }
      }
      if (canonical) {
        return m;
      }
    }
    return (Map<?, ?>) RecordValidator.canonical(n.field, v);
  }

  /** Writes "absent at definition level {@code def}" to every leaf under a node. */
  private void writeNulls(Node n, int rep, int def) {
    for (int leaf : n.leafIndexes) {
      nullCounts[leaf]++;
      columns[leaf].writeNull(rep, def);
    }
  }

  private void writeField(ColumnWriter c, int i, Object v) {
    if (v == null) {
      if (required[i]) {
        throw new IllegalArgumentException("null value for required column '" + names[i] + "'");
      }
      nullCounts[i]++;
      c.writeNull(0, 0);
      return;
    }
    writeValue(c, i, v, 0, maxDefinitionLevels[i]);
  }

  private void writeValue(ColumnWriter c, int i, Object v, int rep, int def) {
    switch (kinds[i]) {
      case BOOLEAN:
        c.write((Boolean) v, rep, def);
        break;
      case INT:
        c.write(((Number) v).intValue(), rep, def);
        break;
      case LONG:
        c.write(((Number) v).longValue(), rep, def);
        break;
      case FLOAT: {
        float f = (Float) v;
        trackFloating(i, f);
        c.write(f, rep, def);
        break;
      }
      case DOUBLE: {
        double d = ((Number) v).doubleValue();
        trackFloating(i, d);
        c.write(d, rep, def);
        break;
      }
      case DATE:
        c.write(DateTimeUtil.daysFromDate((LocalDate) v), rep, def);
        break;
      case TIME:
        c.write(DateTimeUtil.microsFromTime((LocalTime) v), rep, def);
        break;
      case TIMESTAMP:
        c.write(DateTimeUtil.microsFromTimestamp((LocalDateTime) v), rep, def);
        break;
      case TIMESTAMP_TZ:
        c.write(timestamptzMicros(v), rep, def);
        break;
      case TIMESTAMP_NS:
        c.write(DateTimeUtil.nanosFromTimestamp((LocalDateTime) v), rep, def);
        break;
      case TIMESTAMP_NS_TZ:
        c.write(DateTimeUtil.nanosFromTimestamptz(toUtc(v)), rep, def);
        break;
      case STRING:
        c.write(writeString(i, v instanceof String str ? str : v.toString()), rep, def);
        break;
      case UUID:
        c.write(Binary.fromConstantByteArray(uuidBytes((UUID) v)), rep, def);
        break;
      case FIXED:
      case BINARY:
        c.write(v instanceof byte[]
            ? Binary.fromReusedByteArray((byte[]) v)
            : Binary.fromReusedByteBuffer(((ByteBuffer) v).duplicate()), rep, def);
        break;
      case DECIMAL:
        writeDecimal(c, i, (BigDecimal) v, rep, def);
        break;
      case STRUCT, LIST, MAP: // leaves are primitive
      default:
        throw new IllegalStateException("unsupported type " + kinds[i]);
    }
  }

  /**
   * A string's UTF-8 form. A lone UTF-16 surrogate has none (Java's encoder would write {@code ?} for it), so a
   * string that has one is refused through the validator. The check costs nothing for ASCII: only a string whose
   * UTF-8 form is longer than its length can hold a surrogate, and only then are its characters looked at.
   */
  private Binary writeString(int leaf, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length != s.length() && RecordValidator.hasSurrogate(s)) {
      RecordValidator.canonical(leaves.get(leaf).field, s); // throws for a lone surrogate; a pair encodes as is
    }
    return Binary.fromConstantByteArray(utf8);
  }

  private void trackFloating(int i, double d) {
    if (Double.isNaN(d)) {
      nanCounts[i]++;
    } else if (!seenNonNaN[i]) {
      seenNonNaN[i] = true;
      mins[i] = d;
      maxs[i] = d;
    } else {
      // Double.compare orders -0.0 below 0.0, as Iceberg's comparators do.
      if (Double.compare(d, mins[i]) < 0) {
        mins[i] = d;
      }
      if (Double.compare(d, maxs[i]) > 0) {
        maxs[i] = d;
      }
    }
  }

  private void writeDecimal(ColumnWriter c, int i, BigDecimal value, int rep, int def) {
    BigDecimal d = value.scale() == scales[i] ? value : value.setScale(scales[i]);
    int len = fixedLengths[i];
    if (len == 0) {
      // INT32 or INT64 storage; the type decides which by its precision.
      if (int32Decimal[i]) {
        c.write(d.unscaledValue().intValueExact(), rep, def);
      } else {
        c.write(d.unscaledValue().longValueExact(), rep, def);
      }
      return;
    }
    byte[] unscaled = d.unscaledValue().toByteArray();
    if (unscaled.length > len) {
      throw new IllegalArgumentException("decimal value " + value + " does not fit column '" + names[i] + "'");
    }
    byte[] out = new byte[len];
    byte pad = (byte) (unscaled[0] < 0 ? -1 : 0);
    int offset = len - unscaled.length;
    for (int k = 0; k < offset; k++) {
      out[k] = pad;
    }
    System.arraycopy(unscaled, 0, out, offset, unscaled.length);
    c.write(Binary.fromConstantByteArray(out), rep, def);
  }

  private static OffsetDateTime toUtc(Object v) {
    if (v instanceof OffsetDateTime o) {
      return o;
    } else if (v instanceof Instant t) {
      return t.atOffset(java.time.ZoneOffset.UTC);
    }
    return ((ZonedDateTime) v).toOffsetDateTime();
  }

  private static long timestamptzMicros(Object v) {
    if (v instanceof OffsetDateTime) {
      return DateTimeUtil.microsFromTimestamptz((OffsetDateTime) v);
    } else if (v instanceof Instant) {
      Instant t = (Instant) v;
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    } else {
      return DateTimeUtil.microsFromTimestamptz(((ZonedDateTime) v).toOffsetDateTime());
    }
  }

  static byte[] uuidBytes(UUID u) {
    byte[] b = new byte[16];
    long msb = u.getMostSignificantBits();
    long lsb = u.getLeastSignificantBits();
    for (int k = 0; k < 8; k++) {
      b[k] = (byte) (msb >>> (56 - 8 * k));
      b[8 + k] = (byte) (lsb >>> (56 - 8 * k));
    }
    return b;
  }
}
