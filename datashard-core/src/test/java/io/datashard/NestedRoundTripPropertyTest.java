package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.expressions.Expression;
import io.datashard.expressions.Expressions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random schemas of every type nested up to depth 4 (structs, lists and maps of each other and of every primitive
 * type, optional and required at every level), random rows with nulls and empty collections at every level:
 * what DataShard reads back, projects and filters equals a brute-force model computed from the input.
 *
 * <p>The seed is printed first and named in every assertion; rerun one case with
 * {@code -Dnested.seed=<seed>}; more cases with {@code -Dnested.cases=<n>} (default 25).
 */
class NestedRoundTripPropertyTest {
  @TempDir
  Path dir;

  private static final Type[] PRIMITIVES = {Types.BOOLEAN, Types.INT, Types.LONG, Types.FLOAT, Types.DOUBLE,
      Types.decimal(9, 2), Types.decimal(18, 4), Types.decimal(38, 10), Types.DATE, Types.TIME, Types.TIMESTAMP,
      Types.TIMESTAMP_TZ, Types.STRING, Types.UUID, Types.fixed(4), Types.BINARY};

  @Test
  void randomNestedTablesRoundTripProjectAndFilterAsTheModelSays() {
    long base = Long.getLong("nested.seed", System.nanoTime());
    int cases = Long.getLong("nested.seed") != null ? 1 : Integer.getInteger("nested.cases", 25);
    System.out.println("NestedRoundTripPropertyTest seed " + base + " (rerun one case with -Dnested.seed=<seed>)");
    try (Warehouse wh = Warehouse.local(dir)) {
      for (int c = 0; c < cases; c++) {
        long seed = base + c;
        runCase(wh, "t" + c, seed);
      }
    }
  }

  private void runCase(Warehouse wh, String name, long seed) {
    Random r = new Random(seed);
    List<Field> fields = new ArrayList<>();
    fields.add(Field.required("id", Types.LONG));
    int columns = 1 + r.nextInt(4);
    for (int i = 0; i < columns; i++) {
      fields.add(r.nextBoolean() ? Field.optional("c" + i, randomType(r, 4)) : Field.required("c" + i,
          randomType(r, 4)));
    }
    Schema schema = Schema.of(fields);
    String where = "seed " + seed + ", schema " + schema;
    Table t = wh.createTable(name, schema);
    int n = 1 + r.nextInt(120);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", (long) i);
      for (Field f : schema.fields().subList(1, schema.size())) {
        row.put(f.name(), value(r, f.type(), f.isRequired()));
      }
      rows.add(row);
    }
    int split = r.nextInt(n + 1);
    if (split > 0) {
      t.appendRecords(rows.subList(0, split));
    }
    if (split < n) {
      t.appendRecords(rows.subList(split, n));
    }

    List<Row> read = sorted(wh.loadTable(name).scan().toList());
    assertThat(read).as(where).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(read.get(i)).as("%s, row %d", where, i).isEqualTo(rows.get(i));
    }

    // projection of a random struct path: the model prunes the input maps the same way
    List<String> paths = structPaths(schema);
    String path = paths.get(r.nextInt(paths.size()));
    List<Row> projected = sorted(t.scan().select("id", path).toList());
    for (int i = 0; i < n; i++) {
      Object expected = pathValue(rows.get(i), path);
      assertThat(projected.get(i).getField(path)).as("%s, select %s, row %d", where, path, i).isEqualTo(expected);
    }

    // a filter on a random orderable struct leaf: the model evaluates it on the input
    List<String> leaves = orderableLeaves(schema);
    if (!leaves.isEmpty()) {
      String leaf = leaves.get(r.nextInt(leaves.size()));
      Object literal = null;
      for (int tries = 0; tries < 20 && literal == null; tries++) {
        literal = pathValue(rows.get(r.nextInt(n)), leaf);
      }
      if (literal != null) {
        Object lit = literal;
        Expression e = r.nextBoolean() ? Expressions.equal(leaf, lit) : Expressions.lessThanOrEqual(leaf, lit);
        List<Long> expected = new ArrayList<>();
        for (Map<String, Object> row : rows) {
          Object v = pathValue(row, leaf);
          @SuppressWarnings({"unchecked", "rawtypes"})
          boolean match = v != null && (e.op() == Expression.Operation.EQ ? v.equals(lit)
              : ((Comparable) v).compareTo(lit) <= 0);
          if (match) {
            expected.add((Long) row.get("id"));
          }
        }
        assertThat(TestSchemas.ids(t.scan().filter(e))).as("%s, filter %s", where, e)
            .containsExactlyInAnyOrderElementsOf(expected);
      }
    }
  }

  private static List<Row> sorted(List<Row> rows) {
    List<Row> out = new ArrayList<>(rows);
    out.sort(Comparator.comparing(x -> x.getLong("id")));
    return out;
  }

  /** @return the value at a dotted struct path of an input row (null when a struct on the way is null) */
  @SuppressWarnings("unchecked")
  private static Object pathValue(Map<String, Object> row, String path) {
    Object v = row;
    for (String part : path.split("\\.")) {
      if (v == null) {
        return null;
      }
      v = ((Map<String, Object>) v).get(part);
    }
    return v;
  }

  /** Dotted paths through structs only, to fields of any type. */
  private static List<String> structPaths(Schema schema) {
    List<String> out = new ArrayList<>();
    for (Field f : schema.fields().subList(1, schema.size())) {
      collectPaths(f, f.name(), out, false);
    }
    return out;
  }

  private static List<String> orderableLeaves(Schema schema) {
    List<String> out = new ArrayList<>();
    for (Field f : schema.fields().subList(1, schema.size())) {
      collectPaths(f, f.name(), out, true);
    }
    return out;
  }

  private static void collectPaths(Field f, String path, List<String> out, boolean orderableLeavesOnly) {
    Type t = f.type();
    if (!orderableLeavesOnly) {
      out.add(path);
    } else if (t.id() == Type.Id.INT || t.id() == Type.Id.LONG || t.id() == Type.Id.STRING
        || t.id() == Type.Id.DATE || t.id() == Type.Id.DECIMAL) {
      out.add(path);
    }
    if (t.isStruct()) {
      for (Field c : t.asStruct().fields()) {
        collectPaths(c, path + "." + c.name(), out, orderableLeavesOnly);
      }
    }
  }

  private static Type randomType(Random r, int depth) {
    if (depth <= 1 || r.nextInt(3) == 0) {
      return PRIMITIVES[r.nextInt(PRIMITIVES.length)];
    }
    switch (r.nextInt(3)) {
      case 0: {
        List<Field> fields = new ArrayList<>();
        int k = 1 + r.nextInt(3);
        for (int i = 0; i < k; i++) {
          Type ft = randomType(r, depth - 1);
          fields.add(r.nextInt(3) == 0 ? Field.required("f" + i, ft) : Field.optional("f" + i, ft));
        }
        return Types.struct(fields);
      }
      case 1: {
        Type e = randomType(r, depth - 1);
        return r.nextBoolean() ? Types.list(e) : Types.listOfRequired(e);
      }
      default: {
        Type key = r.nextBoolean() ? Types.STRING : Types.INT;
        Type v = randomType(r, depth - 1);
        return r.nextBoolean() ? Types.map(key, v) : Types.mapOfRequired(key, v);
      }
    }
  }

  /** A random value of the type in the Java representation DataShard returns (so that input equals output). */
  private static Object value(Random r, Type t, boolean required) {
    if (!required && r.nextInt(5) == 0) {
      return null;
    }
    switch (t.id()) {
      case STRUCT: {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Field f : t.asStruct().fields()) {
          m.put(f.name(), value(r, f.type(), f.isRequired()));
        }
        return m;
      }
      case LIST: {
        int k = r.nextInt(4);
        List<Object> l = new ArrayList<>();
        for (int i = 0; i < k; i++) {
          l.add(value(r, t.asList().elementType(), t.asList().isElementRequired()));
        }
        return l;
      }
      case MAP: {
        int k = r.nextInt(4);
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) {
          Object key = t.asMap().keyType().id() == Type.Id.STRING ? "k" + r.nextInt(10) : r.nextInt(10);
          m.put(key, value(r, t.asMap().valueType(), t.asMap().isValueRequired()));
        }
        return m;
      }
      case BOOLEAN: return r.nextBoolean();
      case INT: return r.nextInt(5) == 0 ? Integer.MIN_VALUE : r.nextInt(1000) - 500;
      case LONG: return r.nextInt(5) == 0 ? Long.MAX_VALUE : r.nextLong();
      case FLOAT: return new float[] {0f, -0f, 1.5f, Float.NaN, Float.MAX_VALUE, -3.25f}[r.nextInt(6)];
      case DOUBLE: return new double[] {0d, -0d, 2.5, Double.NaN, Double.NEGATIVE_INFINITY, 1e300}[r.nextInt(6)];
      case DECIMAL: {
        BigInteger unscaled = new BigInteger(t.precision() * 3, r).mod(BigInteger.TEN.pow(t.precision()));
        return new BigDecimal(r.nextBoolean() ? unscaled : unscaled.negate(), t.scale());
      }
      case DATE: return LocalDate.ofEpochDay(r.nextInt(200_000) - 100_000);
      case TIME: return LocalTime.ofNanoOfDay((long) r.nextInt(86_400) * 1_000_000_000L + r.nextInt(1_000_000) * 1000L);
      case TIMESTAMP: return LocalDateTime.of(1900 + r.nextInt(300), 1 + r.nextInt(12), 1 + r.nextInt(28),
          r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000) * 1000);
      case TIMESTAMP_TZ: return OffsetDateTime.of(1900 + r.nextInt(300), 1 + r.nextInt(12), 1 + r.nextInt(28),
          r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000) * 1000, ZoneOffset.UTC);
      case STRING: return new String[] {"", "a", "ünïcødé", "😀 emoji", "k" + r.nextInt(100)}[r.nextInt(5)];
      case UUID: return new UUID(r.nextLong(), r.nextLong());
      case FIXED: {
        byte[] b = new byte[t.length()];
        r.nextBytes(b);
        return ByteBuffer.wrap(b);
      }
      case BINARY: {
        byte[] b = new byte[r.nextInt(6)];
        r.nextBytes(b);
        return ByteBuffer.wrap(b);
      }
      default: throw new IllegalStateException(String.valueOf(t));
    }
  }

  @Test
  void modelHelpersSeeNullStructsAsNull() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("a", null);
    assertThat(pathValue(row, "a.b")).isNull();
    assertThat(Objects.equals(pathValue(Map.of("a", Map.of("b", 1)), "a.b"), 1)).isTrue();
    assertThat(Arrays.asList(PRIMITIVES)).hasSize(16);
  }
}
