package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nested rows handed over positionally ({@link Row}s built on the struct schemas, plain lists and maps): values
 * already in their canonical form, values that need a widening deep inside, and a bad value deep inside.
 */
class NestedRowInputTest {
  @TempDir
  Path dir;

  private static final Schema SCHEMA = TestSchemas.nestedEvents();
  private static final Schema PAYLOAD = SCHEMA.field("payload").type().asStruct().asSchema();
  private static final Schema USER = PAYLOAD.field("user").type().asStruct().asSchema();
  private static final Schema ITEM = SCHEMA.field("items").type().asList().elementField().type().asStruct()
      .asSchema();

  private static Row item(String sku, Object price, Object qty) {
    return Row.wrap(ITEM, new Object[] {sku, price, qty});
  }

  private static Row event(long id, Row payload, List<?> items, Map<?, ?> attrs) {
    return Row.wrap(SCHEMA, new Object[] {id, payload, items, attrs});
  }

  @Test
  void rowsWithCanonicalAndWidenedNestedValuesReadBackCanonical() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", SCHEMA);
      Map<String, Object> attrs = new LinkedHashMap<>();
      attrs.put("a", new ArrayList<>(List.of(1.5, 2.5)));
      attrs.put("b", new ArrayList<>(Arrays.asList(1.0f, 2.0))); // a Float element: widened to Double
      Map<String, Object> plainAttrs = new HashMap<>();
      plainAttrs.put("c", List.of(3.0));
      try (Appender a = t.newAppend()) {
        // 0: every value canonical already
        a.add(event(0, Row.wrap(PAYLOAD, new Object[] {Row.wrap(USER, new Object[] {7L, "ann"}),
            new ArrayList<>(List.of("x", "y"))}),
            new ArrayList<>(List.of(item("s1", new BigDecimal("1.25"), 2), item("s2", null, null))), plainAttrs));
        // 1: widenings inside a struct, inside a list of structs (second element only) and inside a map's list
        a.add(event(1, Row.wrap(PAYLOAD, new Object[] {Row.wrap(USER, new Object[] {8, "bob"}), null}),
            new ArrayList<>(List.of(item("s3", new BigDecimal("4.00"), 1),
                item("s4", new BigDecimal("2.5"), (short) 3))), attrs));
        a.commit();
      }
      List<Row> rows = t.scan().toList();
      assertThat(rows).hasSize(2);
      Row r0 = rows.get(0);
      assertThat(r0.getLong("payload.user.id")).isEqualTo(7L);
      assertThat(r0.getList("payload.tags")).containsExactly("x", "y");
      assertThat(((Row) r0.getList("items").get(0)).get("price")).isEqualTo(new BigDecimal("1.25"));
      assertThat(((Row) r0.getList("items").get(1)).get("qty")).isNull();
      assertThat(r0.getMap("attrs")).isEqualTo(Map.of("c", List.of(3.0)));
      Row r1 = rows.get(1);
      assertThat(r1.getLong("payload.user.id")).isEqualTo(8L);
      assertThat(((Row) r1.getList("items").get(0)).get("price")).isEqualTo(new BigDecimal("4.00"));
      Row second = (Row) r1.getList("items").get(1);
      assertThat(second.get("price")).isEqualTo(new BigDecimal("2.50"));
      assertThat(second.get("qty")).isEqualTo(3);
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("a", List.of(1.5, 2.5));
      expected.put("b", List.of(1.0, 2.0));
      assertThat(r1.getMap("attrs")).isEqualTo(expected);
    }
  }

  @Test
  void aBadValueDeepInsideRowInputNamesItsPathAndCommitsNothing() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", SCHEMA);
      List<Row> items = List.of(item("s1", null, 1), item("s2", null, "3"));
      Map<String, Object> attrs = new LinkedHashMap<>();
      attrs.put("k", Arrays.asList(1.0, "x"));
      assertThatThrownBy(() -> t.appendRecords(List.of(event(0, null, null, null), event(1, null, items, null))))
          .isInstanceOf(RecordValidationException.class)
          .hasMessageContaining("record 1").hasMessageContaining("items[1].qty")
          .hasMessageContaining("java.lang.String");
      assertThatThrownBy(() -> t.appendRecords(List.of(event(0, null, null, attrs))))
          .isInstanceOf(RecordValidationException.class).hasMessageContaining("attrs[k][1]");
      assertThatThrownBy(() -> t.appendRecords(List.of(event(0, Row.wrap(PAYLOAD, new Object[] {
          Row.wrap(USER, new Object[] {null, "x"}), null}), null, null))))
          .isInstanceOf(RecordValidationException.class).hasMessageContaining("payload.user.id")
          .hasMessageContaining("null value for required field");
      assertThat(t.refresh().scan().toList()).isEmpty();
    }
  }

  @Test
  void surrogatePairsAreKeptAndLoneSurrogatesRefusedWithTheirPosition() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", SCHEMA);
      String emoji = "ok \uD83D\uDE00 fine"; // a pair: one code point
      t.appendRecords(List.of(event(0, Row.wrap(PAYLOAD, new Object[] {null, List.of(emoji, "plain")}), null, null)));
      assertThat(t.scan().toList().get(0).getList("payload.tags")).containsExactly(emoji, "plain");
      for (String bad : List.of("ab\uD800c", "ab\uDE00", "ab\uD83D")) {
        assertThatThrownBy(() -> t.appendRecords(List.of(event(1, Row.wrap(PAYLOAD, new Object[] {null,
            List.of("fine \uD83D\uDE00", bad)}), null, null))))
            .isInstanceOf(RecordValidationException.class).hasMessageContaining("payload.tags[1]")
            .hasMessageContaining("unpaired UTF-16 surrogate").hasMessageContaining("at index 2");
      }
      assertThat(t.refresh().scan().toList()).hasSize(1);
    }
  }

  /** The same on a flat table, whose rows are written column by column: ASCII, Latin-1, pairs, lone surrogates. */
  @Test
  void flatRowsKeepEveryWellFormedStringAndRefuseLoneSurrogates() {
    Schema flat = Schema.builder().required("id", Types.LONG).optional("name", Types.STRING).build();
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("flat", flat);
      List<String> good = List.of("plain", "caf\u00e9", "\u65e5\u672c", "ok \uD83D\uDE00", "");
      List<Row> rows = new java.util.ArrayList<>();
      for (int i = 0; i < good.size(); i++) {
        rows.add(Row.wrap(flat, new Object[] {(long) i, good.get(i)}));
      }
      t.appendRecords(rows);
      assertThat(t.scan().toList().stream().map(r -> r.getString("name")).toList())
          .containsExactlyInAnyOrderElementsOf(good);
      for (String bad : List.of("ab\uD800c", "ab\uDE00", "ab\uD83D")) {
        assertThatThrownBy(() -> t.appendRecords(List.of(Row.wrap(flat, new Object[] {9L, "fine"}),
            Row.wrap(flat, new Object[] {10L, bad}))))
            .isInstanceOf(RecordValidationException.class).hasMessageContaining("name")
            .hasMessageContaining("unpaired UTF-16 surrogate").hasMessageContaining("at index 2");
      }
      assertThat(t.refresh().scan().toList()).hasSize(good.size());
    }
  }

  /**
   * Rows are checked while they are written (one walk), maps validated before: the same bad value must fail the
   * same way either way, commit nothing, and a good row must read back the same either way.
   */
  @Test
  void rowsCheckedWhileWrittenFailExactlyAsMapsDo() {
    Schema schema = Schema.builder()
        .required("id", Types.LONG)
        .optional("score", Types.DOUBLE)
        .optional("when", Types.TIMESTAMP)
        .optional("codes", Types.map(Types.LONG, Types.STRING))
        .optional("tags", Types.list(Types.STRING))
        .build();
    List<Object[]> bad = List.of(
        new Object[] {null, null, null, null, null},                       // required id null
        new Object[] {1L, "1.5", null, null, null},                        // string for double
        new Object[] {1L, null, "2026-01-01", null, null},                 // string for timestamp
        new Object[] {1L, null, null, mapOf(1, "a", 1L, "b"), null},       // keys collide once widened
        new Object[] {1L, null, null, mapOf(2L, 7), null},                 // int value for a string
        new Object[] {1L, null, null, null, Arrays.asList("a", 3)},        // int element for a string
        new Object[] {1L, null, null, null, "not a list"});
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("checked", schema);
      for (Object[] values : bad) {
        Row row = Row.wrap(schema, values);
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
          map.put(schema.field(i).name(), values[i]);
        }
        Throwable asRow = catchThrowable(() -> t.appendRecords(List.of(row)));
        Throwable asMap = catchThrowable(() -> t.appendRecords(List.of(map)));
        assertThat(asRow).as(Arrays.toString(values)).isInstanceOf(RecordValidationException.class);
        assertThat(asRow).hasMessage(asMap.getMessage());
      }
      assertThat(t.refresh().scan().toList()).isEmpty();
      // widened and converted values inside a row: an int key, a Float, a nanosecond timestamp, an array list
      java.time.LocalDateTime nanos = java.time.LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_789);
      t.appendRecords(List.of(Row.wrap(schema, new Object[] {1, 2.5f, nanos, mapOf(3, "c"), new String[] {"x"}})));
      Row back = t.scan().toList().get(0);
      assertThat(back.getLong("id")).isEqualTo(1L);
      assertThat(back.getDouble("score")).isEqualTo(2.5);
      assertThat(back.get("when")).isEqualTo(nanos.withNano(123_456_000));
      assertThat(back.getMap("codes")).isEqualTo(Map.of(3L, "c"));
      assertThat(back.getList("tags")).containsExactly("x");
    }
  }

  private static Map<Object, Object> mapOf(Object... kv) {
    Map<Object, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
