package io.datashard.interop;

import io.datashard.Appender;
import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.TestSchemas;
import io.datashard.Types;
import io.datashard.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A table shape the engines must read: a schema, table properties, and the sequence of commits that builds it.
 * Every engine test runs over {@link #all()}, so a new shape (partitioned, after schema evolution, after deletes
 * and compaction, once DataShard writes them) is one more factory method added to that list.
 */
public final class TableShape {
  private final String name;
  private final Schema schema;
  private final Map<String, String> properties;
  private final List<BiConsumer<Table, Integer>> commits;
  private final int commitCount;

  private TableShape(String name, Schema schema, Map<String, String> properties,
      List<BiConsumer<Table, Integer>> commits) {
    this.name = name;
    this.schema = schema;
    this.properties = properties;
    this.commits = commits;
    this.commitCount = commits.size();
  }

  /** @return every shape DataShard can write today */
  public static List<TableShape> all() {
    return List.of(allTypes(), severalSnapshots(), rollingFiles(), empty());
    // Not yet written by DataShard (later issues): partitioned(), evolvedSchema(), afterDeletes(), afterCompaction().
  }

  /** Every primitive type with extremes, nulls, NaN, infinities, unicode; one commit per row group of rows. */
  public static TableShape allTypes() {
    List<Map<String, Object>> rows = TestSchemas.allTypesRows();
    List<BiConsumer<Table, Integer>> commits = new ArrayList<>();
    commits.add((t, i) -> t.appendRecords(rows.subList(0, 2))); // min + max in one file
    commits.add((t, i) -> t.appendRecords(rows.subList(2, 3))); // all nulls
    commits.add((t, i) -> t.appendRecords(rows.subList(3, 4))); // NaN, -inf, epoch, ordinary values
    return new TableShape("all_types", TestSchemas.ALL_TYPES, Map.of(), commits);
  }

  /** {@link #allTypes()} without one column (engines that cannot read a type, such as Spark and {@code time}). */
  public static TableShape allTypesWithout(String column) {
    List<Field> fields = new ArrayList<>(TestSchemas.ALL_TYPES.fields());
    fields.removeIf(f -> f.name().equals(column));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> row : TestSchemas.allTypesRows()) {
      Map<String, Object> copy = new LinkedHashMap<>(row);
      copy.remove(column);
      rows.add(copy);
    }
    List<BiConsumer<Table, Integer>> commits = new ArrayList<>();
    commits.add((t, i) -> t.appendRecords(rows.subList(0, 2)));
    commits.add((t, i) -> t.appendRecords(rows.subList(2, 4)));
    return new TableShape("all_types_without_" + column, Schema.of(fields), Map.of(), commits);
  }

  /** Five appends of growing size through both write paths (appendRecords and the streaming Appender). */
  public static TableShape severalSnapshots() {
    List<BiConsumer<Table, Integer>> commits = new ArrayList<>();
    for (int c = 0; c < 5; c++) {
      commits.add((t, i) -> {
        List<Map<String, Object>> batch = events(i, 1 + i * 997);
        if (i % 2 == 0) {
          t.appendRecords(batch);
        } else {
          try (Appender a = t.newAppend()) {
            a.addAll(batch);
            a.commit();
          }
        }
      });
    }
    return new TableShape("several_snapshots", TestSchemas.EVENTS, Map.of(), commits);
  }

  /** One streaming append that rolls over to several data files (small target file size). */
  public static TableShape rollingFiles() {
    Schema schema = Schema.of(
        Field.required(1, "id", Types.LONG),
        Field.optional(2, "name", Types.STRING),
        Field.optional(3, "amount", Types.decimal(12, 2)),
        Field.optional(4, "score", Types.DOUBLE),
        Field.required(5, "n", Types.INT));
    List<BiConsumer<Table, Integer>> commits = new ArrayList<>();
    commits.add((t, i) -> {
      try (Appender a = t.newAppend()) {
        for (int r = 0; r < 60_000; r++) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", (long) r);
          m.put("name", r % 7 == 0 ? null : "name-" + (r % 1000));
          m.put("amount", r % 5 == 0 ? null : java.math.BigDecimal.valueOf(r * 37L % 100_000, 2));
          m.put("score", r % 11 == 0 ? null : r * 0.5);
          m.put("n", r % 100);
          a.add(m);
        }
        a.commit();
      }
    });
    commits.add((t, i) -> t.appendRecords(List.of(Map.of("id", -1L, "n", -1))));
    return new TableShape("rolling_files", schema,
        Map.of(TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, "65536"), commits);
  }

  /** A created table with no snapshot at all. */
  public static TableShape empty() {
    return new TableShape("empty", TestSchemas.EVENTS, Map.of(), List.of());
  }

  static List<Map<String, Object>> events(int commit, int count) {
    List<Map<String, Object>> out = new ArrayList<>(count);
    for (int r = 0; r < count; r++) {
      long id = commit * 1_000_000L + r;
      out.add(TestSchemas.event(id, "e" + (r % 13), r % 3 == 0 ? null : r * 1.25 - commit));
    }
    return out;
  }

  /**
   * Creates the table in {@code warehouse} under {@link #name()} and runs every commit.
   *
   * @return the table after the last commit
   */
  public Table build(Warehouse warehouse) {
    Table t = warehouse.createTable(name, schema, io.datashard.PartitionSpec.unpartitioned(), properties);
    for (int i = 0; i < commits.size(); i++) {
      commits.get(i).accept(t, i);
    }
    return t.refresh();
  }

  public String name() {
    return name;
  }

  public Schema schema() {
    return schema;
  }

  public int commitCount() {
    return commitCount;
  }

  @Override
  public String toString() {
    return name;
  }
}
