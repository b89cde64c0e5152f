package io.datashard.cli;

import io.datashard.Field;
import io.datashard.ReplaceSortOrder;
import io.datashard.SortOrder;
import io.datashard.Table;
import io.datashard.Warehouse;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "sort-order", mixinStandardHelpOptions = true,
    description = {"Show the table's default sort order, or set it. `compact` sorts by it when no --sort-by is "
        + "given; other engines read it from the metadata. An empty ORDER ('') makes the table unsorted."},
    footer = {"", "Examples:", "  datashard sort-order events", "  datashard sort-order events 'event asc, ts desc nulls first'"})
final class SortOrderCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Parameters(index = "1", arity = "0..1", paramLabel = "ORDER",
      description = "Comma-separated 'column [asc|desc] [nulls first|nulls last]'")
  String order;

  @Override
  public Integer call() {
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      SortOrder o = t.sortOrder();
      if (order != null) {
        ReplaceSortOrder r = t.replaceSortOrder();
        for (String key : order.split(",")) {
          if (key.isBlank()) {
            continue;
          }
          String column = key.trim().split("\\s+")[0];
          java.util.List<String> w = new java.util.ArrayList<>(
              java.util.List.of(key.trim().toLowerCase(Locale.ROOT).split("\\s+")));
          w.remove(0);
          boolean desc = !w.isEmpty() && w.get(0).equals("desc");
          if (!w.isEmpty() && (w.get(0).equals("asc") || w.get(0).equals("desc"))) {
            w.remove(0);
          }
          String rest = String.join(" ", w);
          SortOrder.NullOrder nulls = switch (rest) {
            case "" -> desc ? SortOrder.NullOrder.NULLS_LAST : SortOrder.NullOrder.NULLS_FIRST;
            case "nulls first" -> SortOrder.NullOrder.NULLS_FIRST;
            case "nulls last" -> SortOrder.NullOrder.NULLS_LAST;
            default -> throw CliException.invalidInput("sort key '" + key.trim()
                + "': expected 'column [asc|desc] [nulls first|nulls last]'");
          };
          r = desc ? r.desc(column, nulls) : r.asc(column, nulls);
        }
        o = r.commit();
      }
      out().println(describe(t.refresh(), o));
    }
    return 0;
  }

  static String describe(Table t, SortOrder o) {
    if (o.isUnsorted()) {
      return "unsorted";
    }
    StringBuilder sb = new StringBuilder();
    for (SortOrder.SortField f : o.fields()) {
      Field c = t.schema().findField(f.sourceId());
      String col = c == null ? "#" + f.sourceId() : c.name();
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(f.transform().equals("identity") ? col : f.transform() + "(" + col + ")").append(' ')
          .append(f.direction().jsonName()).append(' ').append(f.nullOrder().jsonName().replace('-', ' '));
    }
    return sb.append(" (order id ").append(o.orderId()).append(')').toString();
  }
}
