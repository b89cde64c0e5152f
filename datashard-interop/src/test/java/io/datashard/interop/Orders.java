package io.datashard.interop;

import io.datashard.Table;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code (id BIGINT, item STRING, qty INT)} tables the engine tests write from both sides (Trino here, Flink in
 * datashard-flink-interop, which takes this module's test classes as a test-jar): a row for the library to append,
 * and the library's reading of a table in the form the engines' rows are compared with.
 */
public final class Orders {
  private Orders() {
  }

  /** @return one row, as the library's {@code appendRecords} takes it */
  public static Map<String, Object> order(long id, String item, int qty) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("item", item);
    m.put("qty", qty);
    return m;
  }

  /** @return the library's rows of the table's latest version as {@code [id, item, qty]} lists, ordered by id */
  public static List<List<Object>> libraryRows(Table t) {
    return t.refresh().scan().toList().stream()
        .map(r -> List.of(r.get("id"), r.get("item"), r.get("qty")))
        .sorted(Comparator.comparing(l -> (Long) l.get(0)))
        .collect(Collectors.toList());
  }
}
