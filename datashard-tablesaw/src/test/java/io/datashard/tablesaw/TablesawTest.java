package io.datashard.tablesaw;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;

class TablesawTest {
  @TempDir
  Path dir;

  @Test
  void scanBecomesATablesawTableWithTypedColumnsAndMissingValues() {
    Schema schema = Schema.of(
        Field.required(1, "id", Types.LONG),
        Field.optional(2, "event", Types.STRING),
        Field.optional(3, "amount", Types.decimal(9, 2)),
        Field.optional(4, "day", Types.DATE),
        Field.optional(5, "ts", Types.TIMESTAMP_TZ),
        Field.optional(6, "n", Types.INT));
    try (Warehouse wh = Warehouse.local(dir)) {
      io.datashard.Table t = wh.createTable("events", schema);
      List<Map<String, ?>> rows = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Map<String, Object> r = new HashMap<>();
        r.put("id", (long) i);
        r.put("event", i % 2 == 0 ? "login" : "buy");
        r.put("amount", i == 3 ? null : new BigDecimal(i + ".25"));
        r.put("day", LocalDate.of(2024, 5, 1 + i));
        r.put("ts", OffsetDateTime.parse("2024-05-01T10:00:00Z").plusHours(i));
        r.put("n", i);
        rows.add(r);
      }
      t.appendRecords(rows);

      Table df = Tablesaw.toTable(t);
      assertThat(df.name()).isEqualTo("events");
      assertThat(df.rowCount()).isEqualTo(10);
      assertThat(df.columnNames()).containsExactly("id", "event", "amount", "day", "ts", "n");
      assertThat(df.column("id").type()).isEqualTo(ColumnType.LONG);
      assertThat(df.column("amount").type()).isEqualTo(ColumnType.DOUBLE);
      assertThat(df.column("day").type()).isEqualTo(ColumnType.LOCAL_DATE);
      assertThat(df.column("ts").type()).isEqualTo(ColumnType.INSTANT);
      assertThat(df.column("n").type()).isEqualTo(ColumnType.INTEGER);
      assertThat(df.doubleColumn("amount").countMissing()).isEqualTo(1);
      assertThat(df.instantColumn("ts").get(2)).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));

      Table sums = df.summarize("amount", AggregateFunctions.sum).by("event");
      assertThat(sums.rowCount()).isEqualTo(2);
      // login: 0.25+2.25+4.25+6.25+8.25 = 21.25
      assertThat(sums.where(sums.stringColumn("event").isEqualTo("login")).doubleColumn(1).get(0)).isEqualTo(21.25);

      Table filtered = Tablesaw.toTable(t.scan().select("id").filter(Expressions.greaterThanOrEqual("id", 8L)));
      assertThat(filtered.rowCount()).isEqualTo(2);
      assertThat(filtered.columnCount()).isEqualTo(1);
      assertThat(Tablesaw.toTable(t.scan(), 3, "head").rowCount()).isEqualTo(3);
    }
  }
}
