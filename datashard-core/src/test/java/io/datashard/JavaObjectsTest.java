package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appending plain Java records and classes, and scanning rows back into them. */
class JavaObjectsTest {
  @TempDir
  Path dir;

  enum Kind { CLICK, VIEW }

  record User(long id, String name) { }

  record Item(String sku, BigDecimal price, Integer qty) { }

  record Event(long id, Kind kind, Instant at, User user, List<Item> items, Map<String, List<Double>> attrs) { }

  /** A JavaBean: constructor without parameters, getters and setters. */
  public static final class Bean {
    private long id;
    private String kind;

    public Bean() {
    }

    Bean(long id, String kind) {
      this.id = id;
      this.kind = kind;
    }

    public long getId() {
      return id;
    }

    public void setId(long id) {
      this.id = id;
    }

    public String getKind() {
      return kind;
    }

    public void setKind(String kind) {
      this.kind = kind;
    }
  }

  record Narrow(long id, User user) { }

  record Missing(long id, String nope) { }

  static Schema schema() {
    return Schema.builder()
        .required("id", Types.LONG)
        .optional("kind", Types.STRING)
        .optional("at", Types.TIMESTAMP_TZ)
        .optional("user", Types.struct(Field.required("id", Types.LONG), Field.optional("name", Types.STRING)))
        .optional("items", Types.list(Types.struct(Field.required("sku", Types.STRING),
            Field.optional("price", Types.decimal(9, 2)), Field.optional("qty", Types.INT))))
        .optional("attrs", Types.map(Types.STRING, Types.list(Types.DOUBLE)))
        .build();
  }

  static List<Event> events() {
    Instant now = Instant.parse("2026-12-03T10:15:30.123456789Z");
    return List.of(
        new Event(1, Kind.CLICK, now, new User(7, "ann"),
            List.of(new Item("x", new BigDecimal("1.50"), 2), new Item("y", null, null)), Map.of("s", List.of(1.0))),
        new Event(2, Kind.VIEW, null, null, List.of(), Map.of()),
        new Event(3, null, now, new User(8, null), null, null));
  }

  @Test
  void recordsGoInAndComeBackEqualNestedRecordsIncluded() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", schema());
      t.appendObjects(events());
      List<Event> back = t.scan().as(Event.class).toList();
      back = back.stream().sorted(Comparator.comparingLong(Event::id)).toList();
      Instant micros = Instant.parse("2026-12-03T10:15:30.123456Z");
      assertThat(back.get(0)).isEqualTo(new Event(1, Kind.CLICK, micros, new User(7, "ann"),
          List.of(new Item("x", new BigDecimal("1.50"), 2), new Item("y", null, null)), Map.of("s", List.of(1.0))));
      assertThat(back.get(1)).isEqualTo(events().get(1));
      assertThat(back.get(2).user()).isEqualTo(new User(8, null));
      assertThat(back.get(2).items()).isNull();

      // a record of some columns reads only those
      TypedScan<Narrow> narrow = t.scan().filter(io.datashard.expressions.Expressions.equal("user.id", 7)).as(Narrow.class);
      assertThat(narrow.toList()).containsExactly(new Narrow(1, new User(7, "ann")));
      try (var s = t.scan().as(Narrow.class).stream()) {
        assertThat(s.count()).isEqualTo(3);
      }
    }
  }

  @Test
  void javaBeansGoInAndComeBack() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("beans", Schema.builder().required("id", Types.LONG).optional("kind", Types.STRING)
          .build());
      t.appendObjects(List.of(new Bean(1, "a"), new Bean(2, null)));
      List<Bean> back = t.scan().as(Bean.class).toList();
      assertThat(back).extracting(Bean::getId).containsExactlyInAnyOrder(1L, 2L);
      assertThat(back).extracting(Bean::getKind).containsExactlyInAnyOrder("a", null);
    }
  }

  @Test
  void mismatchesAreClearErrorsAndLeaveTheTableUnchanged() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", schema());
      assertThatThrownBy(() -> t.scan().as(Missing.class))
          .isInstanceOf(ValidationException.class).hasMessageContaining("Missing.nope has no column");
      assertThatThrownBy(() -> t.appendObjects(List.of(events().get(0), new Missing(5, "x"))))
          .isInstanceOf(RecordValidationException.class).hasMessageContaining("record 1")
          .hasMessageContaining("'nope'").hasMessageContaining("unknown field");
      assertThatThrownBy(() -> t.appendObjects(List.of(new Event(1, null, null, null,
          List.of(new Item(null, null, null)), null))))
          .isInstanceOf(RecordValidationException.class).hasMessageContaining("items[0].sku");
      assertThat(t.refresh().currentSnapshot()).isNull();

      t.appendRecords(List.of(Map.of("id", 9L, "user", Map.of("id", 1L))));
      record PrimitiveName(long id, int kind) { }
      assertThatThrownBy(() -> t.scan().as(PrimitiveName.class).toList())
          .isInstanceOf(ValidationException.class).hasMessageContaining("PrimitiveName.kind");
    }
  }
}
