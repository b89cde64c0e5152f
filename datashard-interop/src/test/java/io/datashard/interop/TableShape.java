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
  private final io.datashard.PartitionSpec spec;

  private TableShape(String name, Schema schema, Map<String, String> properties,
      List<BiConsumer<Table, Integer>> commits) {
    this(name, schema, io.datashard.PartitionSpec.unpartitioned(), properties, commits);
  }

  private TableShape(String name, Schema schema, io.datashard.PartitionSpec spec, Map<String, String> properties,
      List<BiConsumer<Table, Integer>> commits) {
    this.name = name;
    this.schema = schema;
    this.spec = spec;
    this.properties = properties;
    this.commits = commits;
    this.commitCount = commits.size();
  }

  /** @return every shape DataShard can write today */
  public static List<TableShape> all() {
    return List.of(allTypes(), severalSnapshots(), rollingFiles(), empty(), partitioned(), evolvedSchema(),
        afterDeletesAndCompaction(), partitionEvolution());
  }

  /** Partitioned by every kind of transform, over three appends. */
  public static TableShape partitioned() {
    Schema schema = Schema.of(
        Field.required(1, "id", Types.LONG),
        Field.optional(2, "region", Types.STRING),
        Field.required(3, "ts", Types.TIMESTAMP_TZ),
        Field.optional(4, "day", Types.DATE),
        Field.optional(5, "name", Types.STRING),
        Field.optional(6, "amount", Types.decimal(9, 2)));
    io.datashard.PartitionSpec spec = io.datashard.PartitionSpec.builderFor(schema)
        .day("ts").identity("region").bucket("id", 4).truncate("name", 3).month("day").build();
    List<BiConsumer<Table, Integer>> commits = new ArrayList<>();
    java.time.OffsetDateTime base = java.time.OffsetDateTime.of(2024, 2, 27, 22, 0, 0, 0, java.time.ZoneOffset.UTC);
    for (int c = 0; c < 3; c++) {
      commits.add((t, i) -> {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int r = 0; r < 150; r++) {
          Map<String, Object> m = new LinkedHashMap<>();
          long id = i * 1000L + r;
          m.put("id", id);
          m.put("region", r % 4 == 0 ? null : "r" + (r % 3));
          m.put("ts", base.plusHours(i * 30L + r));
          m.put("day", r % 5 == 0 ? null : java.time.LocalDate.of(2023, 12, 30).plusDays(r));
          m.put("name", r % 6 == 0 ? null : "nm" + (r % 7) + "-" + r);
          m.put("amount", java.math.BigDecimal.valueOf(r * 101L - 5000, 2));
          rows.add(m);
        }
        t.appendRecords(rows);
      });
    }
    return new TableShape("partitioned", schema, spec, Map.of(), commits);
  }

  /** Partitioned by day, then by region and a bucket of id: old files keep their spec; then compacted. */
  public static TableShape partitionEvolution() {
    Schema schema = Schema.of(
        Field.required(1, "id", Types.LONG),
        Field.required(2, "ts", Types.TIMESTAMP_TZ),
        Field.optional(3, "region", Types.STRING));
    io.datashard.PartitionSpec spec = io.datashard.PartitionSpec.builderFor(schema).day("ts").build();
    java.time.OffsetDateTime base = java.time.OffsetDateTime.of(2024, 5, 1, 0, 0, 0, 0, java.time.ZoneOffset.UTC);
    java.util.function.IntFunction<List<Map<String, Object>>> rows = from -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (int r = from; r < from + 60; r++) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", (long) r);
        m.put("ts", base.plusHours(r));
        m.put("region", r % 5 == 0 ? null : (r % 2 == 0 ? "eu" : "us"));
        out.add(m);
      }
      return out;
    };
    List<BiConsumer<Table, Integer>> commits = new ArrayList<>();
    commits.add((t, i) -> t.appendRecords(rows.apply(0)));
    commits.add((t, i) -> {
      t.updateSpec().removeField("ts_day").addField("region", "identity").addField("id", "bucket[3]").commit();
      t.appendRecords(rows.apply(100));
    });
    commits.add((t, i) -> t.appendRecords(rows.apply(200)));
    commits.add((t, i) -> t.rewriteDataFiles().execute());
    return new TableShape("partition_evolution", schema, spec, Map.of(), commits);
  }

  /** Appends before and after adding, renaming, widening, reordering and dropping columns. */
  public static TableShape evolvedSchema() {
    Schema schema = Schema.of(
        Field.required(1, "id", Types.LONG),
        Field.optional(2, "n", Types.INT),
        Field.optional(3, "ratio", Types.FLOAT),
        Field.optional(4, "label", Types.STRING),
        Field.optional(5, "legacy", Types.STRING));
    List<BiConsumer<Table, Integer>> commits = new ArrayList<>();
    commits.add((t, i) -> t.appendRecords(List.of(
        Map.of("id", 1L, "n", 7, "ratio", 0.5f, "label", "old", "legacy", "x"),
        Map.of("id", 2L, "n", -3, "legacy", "y"))));
    commits.add((t, i) -> {
      t.updateSchema().addColumn("country", Types.STRING).renameColumn("label", "title")
          .updateColumn("n", Types.LONG).updateColumn("ratio", Types.DOUBLE).deleteColumn("legacy")
          .moveFirst("country").commit();
      t.appendRecords(List.of(Map.of("id", 3L, "n", 5_000_000_000L, "ratio", 0.25d, "title", "new", "country", "NZ")));
    });
    commits.add((t, i) -> t.appendRecords(List.of(Map.of("id", 4L, "country", "FR"))));
    return new TableShape("evolved_schema", schema, Map.of(), commits);
  }

  /** Appends, a row-level delete (one file dropped, one rewritten), compaction and snapshot expiry. */
  public static TableShape afterDeletesAndCompaction() {
    List<BiConsumer<Table, Integer>> commits = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      commits.add((t, i) -> t.appendRecords(events(i, 40)));
    }
    commits.add((t, i) -> t.deleteWhere(io.datashard.expressions.Expressions.or(
        io.datashard.expressions.Expressions.lessThan("id", 1_000_000L),                  // all of the first file
        io.datashard.expressions.Expressions.equal("event", "e3"))));                      // some rows of others
    commits.add((t, i) -> t.rewriteDataFiles().sortBy("id").execute());
    commits.add((t, i) -> t.overwrite(io.datashard.expressions.Expressions.equal("event", "e5"),
        List.of(TestSchemas.event(-5, "replaced", 5.0))));
    commits.add((t, i) -> t.expireSnapshots().expireSnapshotId(t.snapshots().get(1).snapshotId()).commit());
    return new TableShape("after_deletes_and_compaction", TestSchemas.EVENTS, Map.of(), commits);
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
    Table t = warehouse.createTable(name, schema, spec, properties);
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
