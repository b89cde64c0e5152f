package io.datashard.display;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowTest {
  private static final Schema SCHEMA = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.optional(2, "name", Types.STRING),
      Field.optional(3, "price", Types.decimal(9, 2)));

  @TempDir
  Path dir;

  @Test
  void rendersAlignedColumnsWithTypesAndCutsLongValues() {
    List<Map<String, ?>> rows = new ArrayList<>();
    rows.add(Map.of("id", 1L, "name", "ann"));
    Map<String, Object> r2 = new HashMap<>();
    r2.put("id", 12345L);
    r2.put("name", "x".repeat(100));
    r2.put("price", new java.math.BigDecimal("9.99"));
    rows.add(r2);
    String text = TextTable.render(SCHEMA, rows, 10);
    assertThat(text).isEqualTo(String.join("\n",
        "id    | name       | price",
        "long  | string     | decimal...",
        "------+------------+-----------",
        "    1 | ann        |       null",
        "12345 | xxxxxxx... |       9.99",
        ""));
  }

  @Test
  void scanShowStringLimitsRowsAndSaysSo() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", SCHEMA);
      List<Map<String, ?>> rows = new ArrayList<>();
      for (long i = 0; i < 30; i++) {
        rows.add(Map.of("id", i, "name", "n" + i));
      }
      t.appendRecords(rows);
      String all = t.scan().showString(20);
      assertThat(all.split("\n")).hasSize(3 + 20 + 1);
      assertThat(all).startsWith("id   | name   | price\nlong | string | decimal(9,2)\n")
          .contains("\n  19 | n19    |         null\n").doesNotContain("n20").endsWith("(first 20 rows)\n");
      String filtered = t.scan().select("name").filter(Expressions.lessThan("id", 2)).showString(20);
      assertThat(filtered).isEqualTo("name\nstring\n------\nn0\nn1\n(2 rows)\n");
      assertThatThrownBy(() -> t.scan().showString(-1)).isInstanceOf(io.datashard.ValidationException.class).hasMessageContaining("maxRows");
    }
  }
}
