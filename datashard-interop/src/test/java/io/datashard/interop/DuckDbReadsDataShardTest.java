package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;
import static org.assertj.core.api.Assertions.within;

import io.datashard.Field;
import io.datashard.Row;
import io.datashard.Table;
import io.datashard.Type;
import io.datashard.Warehouse;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DuckDB (JDBC driver, native engine inside the jar) reads every data file of a DataShard table's current snapshot
 * with {@code read_parquet} and agrees with DataShard on row counts, per-column non-null counts and sums.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DuckDbReadsDataShardTest {
  private Path dir;
  private Warehouse warehouse;
  private Connection duck;

  @BeforeAll
  void start() throws IOException, SQLException {
    dir = Files.createTempDirectory("interop-duckdb");
    warehouse = Warehouse.local(dir.resolve("warehouse"));
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  void stop() throws IOException, SQLException {
    duck.close();
    warehouse.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  Stream<TableShape> shapes() {
    // Raw data files carry no renames or dropped columns: only DuckDB's iceberg extension (not installable
    // offline) can apply a schema history, so evolved tables are checked by Iceberg's library instead.
    return TableShape.all().stream().filter(s -> s.commitCount() > 0 && !s.name().equals("evolved_schema"));
  }

  private Table table(TableShape shape) {
    return warehouse.tableExists(shape.name()) ? warehouse.loadTable(shape.name()) : shape.build(warehouse);
  }

  private static String localPath(String location) {
    return Path.of(URI.create(location)).toString();
  }

  private String readParquet(Table table) {
    List<String> files = Rows.liveFiles(table, table.currentSnapshot()).stream()
        .map(f -> "'" + localPath(f.location()).replace("'", "''") + "'")
        .toList();
    assertThat(files).isNotEmpty();
    // hive_partitioning off: partition directories (region=null/...) are Iceberg layout, not values to read;
    // the values are in the files, as the Iceberg spec requires.
    return "read_parquet([" + String.join(", ", files) + "], hive_partitioning = false)";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void duckDbAgreesOnCountsAndSums(TableShape shape) throws SQLException {
    Table table = table(shape);
    List<Row> rows = table.scan().toList();
    List<Field> fields = table.schema().fields();
    StringBuilder sql = new StringBuilder("SELECT count(*)");
    for (Field f : fields) {
      sql.append(", count(\"").append(f.name()).append("\")");
      if (summable(f.type())) {
        sql.append(", CAST(sum(\"").append(f.name()).append("\") AS VARCHAR)");
      }
    }
    sql.append(" FROM ").append(readParquet(table));
    try (Statement st = duck.createStatement(); ResultSet rs = st.executeQuery(sql.toString())) {
      assertThat(rs.next()).isTrue();
      int col = 1;
      assertThat(rs.getLong(col++)).as("row count").isEqualTo(rows.size()).isEqualTo(table.rowCount());
      for (Field f : fields) {
        long nonNull = rows.stream().filter(r -> r.getField(f.name()) != null).count();
        assertThat(rs.getLong(col++)).as("non-null count of %s", f.name()).isEqualTo(nonNull);
        if (summable(f.type())) {
          String duckSum = rs.getString(col++);
          assertSum(f, duckSum, rows);
        }
      }
    }
  }

  private static boolean summable(Type type) {
    return switch (type.id()) {
      case INT, LONG, DOUBLE, FLOAT, DECIMAL -> true;
      default -> false;
    };
  }

  private static void assertSum(Field f, String duckSum, List<Row> rows) {
    List<Object> values = rows.stream().map(r -> r.getField(f.name())).filter(v -> v != null).toList();
    if (values.isEmpty()) {
      assertThat(duckSum).as("sum of %s", f.name()).isNull();
      return;
    }
    switch (f.type().id()) {
      case INT, LONG -> {
        java.math.BigInteger sum = java.math.BigInteger.ZERO;
        for (Object v : values) {
          sum = sum.add(java.math.BigInteger.valueOf(((Number) v).longValue()));
        }
        assertThat(new java.math.BigInteger(duckSum)).as("sum of %s", f.name()).isEqualTo(sum);
      }
      case DECIMAL -> {
        BigDecimal sum = BigDecimal.ZERO;
        for (Object v : values) {
          sum = sum.add((BigDecimal) v);
        }
        assertThat(new BigDecimal(duckSum)).as("sum of %s", f.name()).isEqualByComparingTo(sum);
      }
      default -> {
        double sum = 0;
        for (Object v : values) {
          sum += ((Number) v).doubleValue();
        }
        double duck = switch (duckSum) {
          case "nan", "-nan" -> Double.NaN;
          case "inf" -> Double.POSITIVE_INFINITY;
          case "-inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(duckSum);
        };
        if (Double.isNaN(sum) || Double.isInfinite(sum)) {
          assertThat(Double.valueOf(duck)).as("sum of %s", f.name()).isEqualTo(Double.valueOf(sum));
        } else {
          assertThat(duck).as("sum of %s", f.name()).isCloseTo(sum, within(Math.abs(sum) * 1e-9 + 1e-9));
        }
      }
    }
  }

  /** Every type DuckDB maps from the Parquet logical types DataShard writes, compared value by value. */
  @Test
  void duckDbReadsEveryTypeValueByValue() throws SQLException {
    TableShape shape = TableShape.allTypes();
    Table table = table(shape);
    String sql = "SELECT id, b, i, l, f, d, CAST(dec9 AS VARCHAR), CAST(dec18 AS VARCHAR), CAST(dec38 AS VARCHAR),"
        + " CAST(date AS VARCHAR), CAST(time AS VARCHAR), CAST(ts AS VARCHAR), epoch_us(tstz), s, CAST(u AS VARCHAR),"
        + " hex(fx), hex(bin) FROM " + readParquet(table) + " ORDER BY id";
    List<List<Object>> duckRows = new ArrayList<>();
    try (Statement st = duck.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int c = 1; c <= 17; c++) {
          row.add(rs.getObject(c));
        }
        duckRows.add(row);
      }
    }
    List<Row> rows = new ArrayList<>(table.scan().toList());
    rows.sort(Comparator.comparing(r -> (Long) r.getField("id")));
    assertThat(duckRows).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      List<Object> d = duckRows.get(i);
      String what = "row id=" + r.getField("id");
      assertThat(d.get(0)).as(what).isEqualTo(r.getField("id"));
      assertThat(d.get(1)).as(what).isEqualTo(r.getField("b"));
      assertThat(d.get(2)).as(what).isEqualTo(r.getField("i"));
      assertThat(d.get(3)).as(what).isEqualTo(r.getField("l"));
      assertThat(d.get(4)).as(what).isEqualTo(r.getField("f"));
      assertThat(d.get(5)).as(what).isEqualTo(r.getField("d"));
      assertThat(d.get(6)).as(what).isEqualTo(str(r.getField("dec9")));
      assertThat(d.get(7)).as(what).isEqualTo(str(r.getField("dec18")));
      assertThat(d.get(8)).as(what).isEqualTo(str(r.getField("dec38")));
      assertThat(d.get(9)).as(what).isEqualTo(str(r.getField("date")));
      assertThat(d.get(13)).as(what).isEqualTo(r.getField("s"));
      assertThat(d.get(14)).as(what).isEqualTo(str(r.getField("u")));
      if (r.getField("time") == null) {
        assertThat(d.subList(10, 13)).as(what).containsOnlyNulls();
      } else {
        java.time.LocalTime t = (java.time.LocalTime) r.getField("time");
        assertThat(java.time.LocalTime.parse((String) d.get(10))).as(what).isEqualTo(t);
        assertThat(java.time.LocalDateTime.parse(((String) d.get(11)).replace(' ', 'T')))
            .as(what).isEqualTo(r.getField("ts"));
        java.time.Instant tstz = ((java.time.OffsetDateTime) r.getField("tstz")).toInstant();
        assertThat(((Number) d.get(12)).longValue()).as(what)
            .isEqualTo(Math.addExact(Math.multiplyExact(tstz.getEpochSecond(), 1_000_000L), tstz.getNano() / 1000));
      }
      assertThat(d.get(15)).as(what).isEqualTo(hex(r.getField("fx")));
      assertThat(d.get(16)).as(what).isEqualTo(hex(r.getField("bin")));
    }
  }

  private static String str(Object v) {
    if (v instanceof BigDecimal b) {
      return b.toPlainString();
    }
    return v == null ? null : v.toString();
  }

  private static String hex(Object v) {
    return v == null ? null : ((String) Rows.canonical(v)).substring(2).toUpperCase(java.util.Locale.ROOT);
  }

  /** Structs, lists of structs and maps written by DataShard, read by DuckDB through its own nested accessors. */
  @Test
  void duckDbReadsNestedColumns() throws SQLException {
    Table table = warehouse.tableExists("nested") ? warehouse.loadTable("nested")
        : warehouse.createTable("nested", io.datashard.TestSchemas.nestedEvents());
    if (table.currentSnapshot() == null) {
      table.appendRecords(io.datashard.TestSchemas.nestedEventRows());
      table.appendRecords(NestedInteropTest.many(200));
    }
    String sql = "SELECT id, payload.user.id, payload.user.name, len(payload.tags), payload.tags[1], items[1].sku,"
        + " CAST(items[1].price AS VARCHAR), len(items), cardinality(attrs) FROM " + readParquet(table) + " ORDER BY id";
    List<List<Object>> duckRows = new ArrayList<>();
    try (Statement st = duck.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int c = 1; c <= 9; c++) {
          Object v = rs.getObject(c);
          row.add(v instanceof Number n && c != 1 && c != 2 ? (Object) n.longValue() : v);
        }
        duckRows.add(row);
      }
    }
    List<List<Object>> expected = new ArrayList<>();
    List<Row> rows = new ArrayList<>(table.scan().toList());
    rows.sort(Comparator.comparing(r -> r.getLong("id")));
    for (Row r : rows) {
      Row payload = r.getStruct("payload");
      List<String> tags = payload == null ? null : payload.getList("tags");
      List<Row> items = r.getList("items");
      Row first = items == null || items.isEmpty() ? null : items.get(0);
      Map<String, Object> attrs = r.getMap("attrs");
      expected.add(java.util.Arrays.asList(r.getLong("id"), r.getLong("payload.user.id"),
          r.getString("payload.user.name"), tags == null ? null : (long) tags.size(),
          tags == null || tags.isEmpty() ? null : tags.get(0), first == null ? null : first.getString("sku"),
          first == null ? null : str(first.getDecimal("price")), items == null ? null : (long) items.size(),
          attrs == null ? null : (long) attrs.size()));
    }
    assertThat(duckRows).hasSize(rows.size()).isEqualTo(expected);
  }

  /** DuckDB's Iceberg reader finds the current version through version-hint.text: a bare integer, no newline. */
  @Test
  void versionHintIsABareIntegerWithoutNewline() throws IOException {
    TableShape shape = TableShape.severalSnapshots();
    Table table = table(shape);
    Path metadata = Path.of(URI.create(table.location())).resolve("metadata");
    byte[] hint = Files.readAllBytes(metadata.resolve("version-hint.text"));
    String text = new String(hint, java.nio.charset.StandardCharsets.US_ASCII);
    int version = TableInternals.of(table).metadata().version();
    assertThat(text).isEqualTo(Integer.toString(version)).matches("[1-9][0-9]*");
    assertThat(metadata.resolve("v" + text + ".metadata.json")).exists();
    try (Stream<Path> files = Files.list(metadata)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.matches("v[0-9]+\\.metadata\\.json"))
          .collect(Collectors.toSet())).hasSize(version);
    }
  }
}
