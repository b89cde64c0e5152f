package io.datashard.tablesaw;

import io.datashard.CloseableIterator;
import io.datashard.Field;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.types.FieldAccessor;
import io.datashard.TableScan;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DateColumn;
import tech.tablesaw.api.DateTimeColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.InstantColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.api.TimeColumn;
import tech.tablesaw.columns.Column;

/**
 * Scan results as a Tablesaw {@link Table} for analysis in notebooks: the Java counterpart of PyIceberg's
 * {@code to_pandas()}.
 * <pre>{@code
 * tech.tablesaw.api.Table df = Tablesaw.toTable(table.scan().filter(Expressions.equal("event", "login")));
 * df.summarize("amount", AggregateFunctions.sum, AggregateFunctions.mean).by("event");
 * }</pre>
 *
 * <p>Column types: boolean, int, long, float, double map to the Tablesaw columns of those names; decimal to
 * {@code DoubleColumn} (values rounded to the nearest double); date, time and timestamp to {@code DateColumn},
 * {@code TimeColumn}, {@code DateTimeColumn}; timestamptz to {@code InstantColumn}; string and uuid to
 * {@code StringColumn}; binary and fixed to {@code StringColumn} holding base64. A struct's fields become
 * columns of their own, named by path ({@code payload.user.id}); lists and maps become a {@code StringColumn} of
 * JSON text. Nulls become Tablesaw's
 * missing values. All rows are held in memory: filter and select in the scan first.
 */
public final class Tablesaw {
  private Tablesaw() {
  }

  /**
   * @param scan a configured scan (filter, select, time travel)
   * @return every row of the scan as a Tablesaw table
   */
  public static Table toTable(TableScan scan) {
    return toTable(scan, Long.MAX_VALUE, "scan");
  }

  /**
   * @param table a DataShard table
   * @return its current snapshot as a Tablesaw table named after it
   */
  public static Table toTable(io.datashard.Table table) {
    return toTable(table.scan(), Long.MAX_VALUE, table.name());
  }

  /**
   * @param scan a configured scan
   * @param maxRows the most rows read
   * @param name the Tablesaw table's name
   * @return up to {@code maxRows} rows of the scan as a Tablesaw table
   */
  public static Table toTable(TableScan scan, long maxRows, String name) {
    Schema schema = scan.schema();
    List<Column<?>> columns = new ArrayList<>();
    List<FieldAccessor> accessors = new ArrayList<>();
    for (Field f : schema.fields()) {
      flatten(schema, f, f.name(), columns, accessors);
    }
    long n = 0;
    try (CloseableIterator<Row> it = scan.iterator()) {
      while (it.hasNext() && n < maxRows) {
        Row r = it.next();
        for (int i = 0; i < columns.size(); i++) {
          append(columns.get(i), accessors.get(i).get(r));
        }
        n++;
      }
    }
    return Table.create(name, columns);
  }

  /** Struct fields become their own columns ({@code payload.user.id}); lists and maps one JSON text column. */
  private static void flatten(Schema schema, Field f, String name, List<Column<?>> columns,
      List<FieldAccessor> accessors) {
    if (f.type().isStruct()) {
      for (Field child : f.type().asStruct().fields()) {
        flatten(schema, child, name + "." + child.name(), columns, accessors);
      }
      return;
    }
    columns.add(column(f, name));
    accessors.add(FieldAccessor.of(schema, f.id()));
  }

  private static Column<?> column(Field f, String n) {
    switch (f.type().id()) {
      case BOOLEAN: return BooleanColumn.create(n);
      case INT: return IntColumn.create(n);
      case LONG: return LongColumn.create(n);
      case FLOAT: return FloatColumn.create(n);
      case DOUBLE: case DECIMAL: return DoubleColumn.create(n);
      case DATE: return DateColumn.create(n);
      case TIME: return TimeColumn.create(n);
      case TIMESTAMP, TIMESTAMP_NS: return DateTimeColumn.create(n);
      case TIMESTAMP_TZ, TIMESTAMP_NS_TZ: return InstantColumn.create(n);
      case STRING, UUID, FIXED, BINARY, STRUCT, LIST, MAP:
      default: return StringColumn.create(n);
    }
  }

  private static void append(Column<?> c, Object v) {
    if (v == null) {
      c.appendMissing();
    } else if (c instanceof BooleanColumn) {
      ((BooleanColumn) c).append((Boolean) v);
    } else if (c instanceof IntColumn) {
      ((IntColumn) c).append(((Number) v).intValue());
    } else if (c instanceof LongColumn) {
      ((LongColumn) c).append(((Number) v).longValue());
    } else if (c instanceof FloatColumn) {
      ((FloatColumn) c).append(((Number) v).floatValue());
    } else if (c instanceof DoubleColumn) {
      ((DoubleColumn) c).append(v instanceof BigDecimal ? ((BigDecimal) v).doubleValue() : ((Number) v).doubleValue());
    } else if (c instanceof DateColumn) {
      ((DateColumn) c).append((LocalDate) v);
    } else if (c instanceof TimeColumn) {
      ((TimeColumn) c).append((LocalTime) v);
    } else if (c instanceof DateTimeColumn) {
      ((DateTimeColumn) c).append((LocalDateTime) v);
    } else if (c instanceof InstantColumn) {
      ((InstantColumn) c).append(v instanceof OffsetDateTime ? ((OffsetDateTime) v).toInstant() : (Instant) v);
    } else {
      ((StringColumn) c).append(text(v));
    }
  }

  private static String text(Object v) {
    return io.datashard.display.ValueText.text(v);
  }
}
