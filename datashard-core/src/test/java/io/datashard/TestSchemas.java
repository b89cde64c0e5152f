package io.datashard;

import java.util.Arrays;
import java.util.ArrayList;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Schemas and rows shared by the tests. */
public final class TestSchemas {
  private TestSchemas() {
  }

  public static final Schema EVENTS = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.required(2, "event", Types.STRING),
      Field.optional(3, "value", Types.DOUBLE));

  /** Every primitive type, all optional so nulls can be tested; plus one required column. */
  public static final Schema ALL_TYPES = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.optional(2, "b", Types.BOOLEAN),
      Field.optional(3, "i", Types.INT),
      Field.optional(4, "l", Types.LONG),
      Field.optional(5, "f", Types.FLOAT),
      Field.optional(6, "d", Types.DOUBLE),
      Field.optional(7, "dec9", Types.decimal(9, 2)),
      Field.optional(8, "dec18", Types.decimal(18, 6)),
      Field.optional(9, "dec38", Types.decimal(38, 10)),
      Field.optional(10, "date", Types.DATE),
      Field.optional(11, "time", Types.TIME),
      Field.optional(12, "ts", Types.TIMESTAMP),
      Field.optional(13, "tstz", Types.TIMESTAMP_TZ),
      Field.optional(14, "s", Types.STRING),
      Field.optional(15, "u", Types.UUID),
      Field.optional(16, "fx", Types.fixed(4)),
      Field.optional(17, "bin", Types.BINARY));

  public static Map<String, Object> event(long id, String event, Double value) {
    Map<String, Object> m = new HashMap<>();
    m.put("id", id);
    m.put("event", event);
    if (value != null) {
      m.put("value", value);
    }
    return m;
  }

  /** Rows covering min/max values, nulls, unicode and empty strings for {@link #ALL_TYPES}. */
  public static List<Map<String, Object>> allTypesRows() {
    Map<String, Object> min = new LinkedHashMap<>();
    min.put("id", 1L);
    min.put("b", false);
    min.put("i", Integer.MIN_VALUE);
    min.put("l", Long.MIN_VALUE);
    min.put("f", -Float.MAX_VALUE);
    min.put("d", -Double.MAX_VALUE);
    min.put("dec9", new BigDecimal("-9999999.99"));
    min.put("dec18", new BigDecimal("-999999999999.999999"));
    min.put("dec38", new BigDecimal("-9999999999999999999999999999.9999999999"));
    min.put("date", LocalDate.of(1, 1, 1));
    min.put("time", LocalTime.MIN);
    min.put("ts", LocalDateTime.of(1, 1, 1, 0, 0));
    min.put("tstz", OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    min.put("s", "");
    min.put("u", new UUID(0, 0));
    min.put("fx", ByteBuffer.wrap(new byte[] {0, 0, 0, 0}));
    min.put("bin", ByteBuffer.wrap(new byte[0]));

    Map<String, Object> max = new LinkedHashMap<>();
    max.put("id", 2L);
    max.put("b", true);
    max.put("i", Integer.MAX_VALUE);
    max.put("l", Long.MAX_VALUE);
    max.put("f", Float.MAX_VALUE);
    max.put("d", Double.MAX_VALUE);
    max.put("dec9", new BigDecimal("9999999.99"));
    max.put("dec18", new BigDecimal("999999999999.999999"));
    max.put("dec38", new BigDecimal("9999999999999999999999999999.9999999999"));
    max.put("date", LocalDate.of(9999, 12, 31));
    max.put("time", LocalTime.of(23, 59, 59, 999_999_000));
    max.put("ts", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
    max.put("tstz", OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC));
    max.put("s", "héllo wörld — 日本語 🎉 \u0000 end");
    max.put("u", new UUID(-1, -1));
    max.put("fx", ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xfe, 1, 2}));
    max.put("bin", ByteBuffer.wrap("binary\u0000data".getBytes(StandardCharsets.UTF_8)));

    Map<String, Object> nulls = new LinkedHashMap<>();
    nulls.put("id", 3L);
    for (Field f : ALL_TYPES.fields()) {
      if (f.isOptional()) {
        nulls.put(f.name(), null);
      }
    }

    Map<String, Object> ordinary = new LinkedHashMap<>();
    ordinary.put("id", 4L);
    ordinary.put("b", true);
    ordinary.put("i", 0);
    ordinary.put("l", -1L);
    ordinary.put("f", Float.NaN);
    ordinary.put("d", Double.NEGATIVE_INFINITY);
    ordinary.put("dec9", new BigDecimal("0.01"));
    ordinary.put("dec18", new BigDecimal("1.000000"));
    ordinary.put("dec38", new BigDecimal("0E-10"));
    ordinary.put("date", LocalDate.of(1970, 1, 1));
    ordinary.put("time", LocalTime.NOON);
    ordinary.put("ts", LocalDateTime.of(2024, 2, 29, 12, 30, 45, 123_456_000));
    ordinary.put("tstz", OffsetDateTime.of(2024, 2, 29, 12, 30, 45, 123_456_000, ZoneOffset.UTC));
    ordinary.put("s", "ordinary");
    ordinary.put("u", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
    ordinary.put("fx", ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
    ordinary.put("bin", ByteBuffer.wrap(new byte[] {9}));
    return List.of(min, max, nulls, ordinary);
  }

  /** @return the {@code id} column of a scan's rows, in the order the scan returns them */
  public static List<Long> ids(TableScan scan) {
    List<Long> ids = new java.util.ArrayList<>();
    scan.toList().forEach(r -> ids.add((Long) r.get("id")));
    return ids;
  }

  /** Nested shapes: id, payload struct<user struct<id, name>, tags list<string>>, items list<struct<sku, price, qty>>, attrs map. */
  public static Schema nestedEvents() {
    return Schema.builder()
        .required("id", Types.LONG)
        .optional("payload", Types.struct(
            Field.optional("user", Types.struct(Field.required("id", Types.LONG), Field.optional("name", Types.STRING))),
            Field.optional("tags", Types.list(Types.STRING))))
        .optional("items", Types.list(Types.struct(
            Field.required("sku", Types.STRING), Field.optional("price", Types.decimal(9, 2)),
            Field.optional("qty", Types.INT))))
        .optional("attrs", Types.map(Types.STRING, Types.listOfRequired(Types.DOUBLE)))
        .build();
  }

  public static Map<String, Object> nestedEvent(long id, Map<String, Object> payload, List<Object> items,
      Map<String, Object> attrs) {
    Map<String, Object> m = new HashMap<>();
    m.put("id", id);
    m.put("payload", payload);
    m.put("items", items);
    m.put("attrs", attrs);
    return m;
  }

  public static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  public static List<Map<String, Object>> nestedEventRows() {
    List<Map<String, Object>> rows = new ArrayList<>();
    rows.add(nestedEvent(1, map("user", map("id", 7L, "name", "ann"), "tags", List.of("a", "b")),
        List.of(map("sku", "x1", "price", new BigDecimal("12.50"), "qty", 2),
            map("sku", "x2", "price", null, "qty", null)),
        map("scores", List.of(1.5, 2.5), "empty", List.of())));
    rows.add(nestedEvent(2, null, null, null));
    rows.add(nestedEvent(3, map("user", null, "tags", null), List.of(), map()));
    rows.add(nestedEvent(4, map("user", map("id", 8L, "name", null), "tags", Arrays.asList("c", null, "")),
        Arrays.asList(null, map("sku", "y", "price", new BigDecimal("0.01"), "qty", -1)),
        map("n", null)));
    return rows;
  }

}
