package io.datashard.benchmarks;

import static io.datashard.benchmarks.NestedEvents.attr;
import static io.datashard.benchmarks.NestedEvents.attrCount;
import static io.datashard.benchmarks.NestedEvents.itemCount;
import static io.datashard.benchmarks.NestedEvents.key;
import static io.datashard.benchmarks.NestedEvents.payloadNull;
import static io.datashard.benchmarks.NestedEvents.price;
import static io.datashard.benchmarks.NestedEvents.priceNull;
import static io.datashard.benchmarks.NestedEvents.qty;
import static io.datashard.benchmarks.NestedEvents.qtyNull;
import static io.datashard.benchmarks.NestedEvents.sku;
import static io.datashard.benchmarks.NestedEvents.tag;
import static io.datashard.benchmarks.NestedEvents.tagCount;
import static io.datashard.benchmarks.NestedEvents.userId;
import static io.datashard.benchmarks.NestedEvents.userName;
import static io.datashard.benchmarks.NestedEvents.userNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.datashard.Appender;
import io.datashard.CloseableIterator;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types.ListType;
import org.apache.iceberg.types.Types.MapType;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.iceberg.types.Types.StructType;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Nested data side by side (issue 15, "Performance"): the {@link NestedEvents} workload appended and scanned by
 * DataShard, by plain parquet-java with the same Parquet schema ({@link NestedParquet}) and by Apache Iceberg's
 * generics, in one run, on local disk, zstd, 128 MiB row groups, 1 MiB pages.
 *
 * <ul>
 *   <li><b>append</b>: one commit of {@code rows} rows per round. DataShard: {@code table.newAppend()}, {@code add}
 *       of a {@link Row} tree per row (structs as {@code Row}, lists as {@code ArrayList}, the map as a
 *       {@code HashMap}), {@code commit()}; "DataShard (maps)": the same with nested {@code HashMap}s for structs (the input a program
 *       parsing JSON has), validated by name.
 *       Iceberg: a {@code GenericRecord} tree per row into {@code Parquet.writeData(..)} with
 *       {@code GenericParquetWriter}, then a fast-append commit (HadoopTables). parquet-java: its record consumer
 *       driven straight from the row numbers, one file, no object model and no commit.</li>
 *   <li><b>scan</b>: a full scan of a table of {@code rows} rows in one data file, every leaf of every row touched;
 *       parquet-java materializes one plain Java object tree per row. Every reader's checksum must equal the
 *       checksum of what was written.</li>
 * </ul>
 *
 * <p>Rounds are interleaved (each round runs every system once, in turn) so that load from other processes on the
 * machine falls on all of them alike; one warm-up round first. Reported: median, best and worst wall-clock rows/s,
 * and the median benchmark-thread CPU rows/s.
 *
 * <p>Options (key=value): {@code rows=1000000 rounds=7 systems=...} ({@code out=target/nested.json}).
 */
final class NestedBench {
  static final String DS = "DataShard";
  static final String DS_MAPS = "DataShard (maps)";
  static final String ICE = "Iceberg";
  static final String PQ = "parquet-java";

  private static final org.apache.iceberg.Schema ICEBERG_SCHEMA = icebergSchema();
  private static final Schema PAYLOAD = NestedEvents.SCHEMA.field("payload").type().asStruct().asSchema();
  private static final Schema USER = PAYLOAD.field("user").type().asStruct().asSchema();
  private static final Schema ITEM = NestedEvents.SCHEMA.field("items").type().asList().elementField().type()
      .asStruct().asSchema();

  private NestedBench() {
  }

  /** The same shape for Iceberg, field for field. */
  private static org.apache.iceberg.Schema icebergSchema() {
    org.apache.iceberg.types.Type lng = org.apache.iceberg.types.Types.LongType.get();
    org.apache.iceberg.types.Type str = org.apache.iceberg.types.Types.StringType.get();
    org.apache.iceberg.types.Type dbl = org.apache.iceberg.types.Types.DoubleType.get();
    return new org.apache.iceberg.Schema(
        NestedField.required(1, "id", lng),
        NestedField.required(2, "ts", lng),
        NestedField.optional(3, "payload", StructType.of(
            NestedField.optional(6, "user", StructType.of(
                NestedField.required(8, "id", lng),
                NestedField.optional(9, "name", str))),
            NestedField.optional(7, "tags", ListType.ofOptional(10, str)))),
        NestedField.optional(4, "items", ListType.ofOptional(11, StructType.of(
            NestedField.required(12, "sku", str),
            NestedField.optional(13, "price", dbl),
            NestedField.optional(14, "qty", org.apache.iceberg.types.Types.IntegerType.get())))),
        NestedField.optional(5, "attrs", MapType.ofOptional(15, 16, str, dbl)));
  }

  /** Runs the workload and prints Markdown. @param opts key=value options */
  static void run(Map<String, String> opts) throws Exception {
    int rows = Integer.parseInt(opts.getOrDefault("rows", "1000000"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "7"));
    List<String> systems = List.of(opts.getOrDefault("systems", String.join(",", PQ, DS, DS_MAPS, ICE)).split(","));
    Path scratch = Bench.tempDir("ds-nested");
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("started", Instant.now().toString());
    results.put("rows", rows);
    results.put("rounds", rounds);
    results.put("loadAtStart", Bench.loadAverage());
    Bench.out("## Nested append and scan: %,d rows, %d rounds + 1 warm-up, interleaved; load %s", rows, rounds,
        Bench.loadAverage());
    NestedEvents.Checksum expected = NestedEvents.expected(rows);
    try {
      Warehouse warehouse = Warehouse.local(scratch.resolve("datashard"));
      HadoopTables iceberg = new HadoopTables(new Configuration());
      String iceBase = scratch.resolve("iceberg").toAbsolutePath().toString();
      Map<String, Object> append = append(systems, rows, rounds, warehouse, iceberg, iceBase, scratch);
      results.put("append", append);
      Map<String, Object> scan = scan(systems, rows, rounds, warehouse, iceberg, iceBase, scratch, expected);
      results.put("scan", scan);
      warehouse.close();
    } finally {
      Bench.deleteRecursively(scratch);
    }
    results.put("loadAtEnd", Bench.loadAverage());
    Path out = Path.of(opts.getOrDefault("out", "target/nested.json"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);
    Bench.out("");
    Bench.out("results: %s; load at end %s", out.toAbsolutePath(), Bench.loadAverage());
  }

  /**
   * Renders a results file of {@link #run} as {@code nested.svg} in the style of {@link PeerCharts}: append and scan,
   * median wall-clock and median thread-CPU rows/s, one bar per system.
   */
  @SuppressWarnings("unchecked")
  static void chart(Path results, Path outDir) throws IOException {
    Map<String, Object> root = new ObjectMapper().readValue(results.toFile(), Map.class);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String workload : List.of("append", "scan")) {
      Map<String, Map<String, Object>> bySystem = (Map<String, Map<String, Object>>) root.get(workload);
      for (String[] m : new String[][] {{"medianWallRowsPerSec", "median wall-clock rows/s"},
          {"medianCpuRowsPerSec", "median thread-CPU rows/s"}}) {
        Map<String, Object> values = new LinkedHashMap<>();
        bySystem.forEach((system, d) -> values.put(system, d.get(m[0])));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("store", workload);
        row.put("metric", m[1]);
        row.put("unit", "rows/s");
        row.put("values", values);
        rows.add(row);
      }
    }
    String caption = Bench.fmt("%s; %s nested rows, median of %s rounds; load %s → %s; %s", Bench.cpuModel(),
        root.get("rows"), root.get("rounds"), root.get("loadAtStart"), root.get("loadAtEnd"), root.get("started"));
    Files.createDirectories(outDir);
    Path file = outDir.resolve("nested.svg");
    Files.writeString(file, PeerCharts.svg("Nested rows (struct of struct, list of structs, map): append and full scan,"
        + " higher is better", caption, rows));
    Bench.out("wrote %s", file.toAbsolutePath().normalize());
  }

  // ---------------------------------------------------------------- append

  private static Map<String, Object> append(List<String> systems, int rows, int rounds, Warehouse warehouse,
      HadoopTables iceberg, String iceBase, Path scratch) throws Exception {
    Table ds = warehouse.createTable("append", NestedEvents.SCHEMA, PartitionSpec.unpartitioned(),
        Map.of(TableProperties.PARQUET_COMPRESSION, "zstd"));
    Table dsMaps = warehouse.createTable("append_maps", NestedEvents.SCHEMA, PartitionSpec.unpartitioned(),
        Map.of(TableProperties.PARQUET_COMPRESSION, "zstd"));
    org.apache.iceberg.Table ice = createIceberg(iceberg, iceBase + "/append");
    Map<String, List<Bench.Sample>> samples = new LinkedHashMap<>();
    systems.forEach(s -> samples.put(s, new ArrayList<>()));
    for (int round = -1; round < rounds; round++) {
      for (String s : systems) {
        Bench.Sample sample;
        switch (s) {
          case PQ -> {
            Path file = scratch.resolve("plain-" + UUID.randomUUID() + ".parquet");
            sample = Bench.time(() -> NestedParquet.write(new org.apache.parquet.io.LocalOutputFile(file), rows,
                CompressionCodecName.ZSTD));
            Files.deleteIfExists(file);
          }
          case DS -> sample = Bench.time(() -> appendRows(ds, rows));
          case DS_MAPS -> sample = Bench.time(() -> appendMaps(dsMaps, rows));
          case ICE -> sample = Bench.time(() -> appendIceberg(ice, rows));
          default -> throw new IllegalArgumentException("unknown system " + s);
        }
        if (round >= 0) {
          samples.get(s).add(sample);
        }
        Bench.out("  append round %d %s: %,.0f rows/s wall, %,.0f CPU (load %s)", round, s, sample.wallRate(rows),
            sample.cpuRate(rows), Bench.loadAverage());
      }
    }
    if (systems.contains(DS)) {
      check(DS + " rows", (long) rows * (rounds + 1), ds.refresh().rowCount());
    }
    if (systems.contains(DS_MAPS)) {
      check(DS_MAPS + " rows", (long) rows * (rounds + 1), dsMaps.refresh().rowCount());
    }
    ice.refresh();
    if (systems.contains(ICE)) {
      check(ICE + " rows", (long) rows * (rounds + 1),
          Long.parseLong(ice.currentSnapshot().summary().get("total-records")));
    }
    Bench.out("");
    Bench.out("### Append: one commit of %,d nested rows (median of %d rounds)", rows, rounds);
    return report(samples, rows);
  }

  private static void appendRows(Table table, long rows) {
    try (Appender a = table.newAppend()) {
      for (long i = 0; i < rows; i++) {
        a.add(row(i));
      }
      a.commit();
    }
  }

  /** Builds each row as nested maps and adds it, as a program turning parsed JSON into rows does. */
  private static void appendMaps(Table table, long rows) {
    try (Appender a = table.newAppend()) {
      for (long i = 0; i < rows; i++) {
        a.add(map(i));
      }
      a.commit();
    }
  }

  /** Row i as DataShard {@link Row}s: positional, no name lookups. */
  static Row row(long i) {
    Row payload = null;
    if (!payloadNull(i)) {
      Row user = userNull(i) ? null : Row.wrap(USER, new Object[] {userId(i), userName(i)});
      List<Object> tags = null;
      int t = tagCount(i);
      if (t >= 0) {
        tags = new ArrayList<>(t);
        for (int k = 0; k < t; k++) {
          tags.add(tag(i, k));
        }
      }
      payload = Row.wrap(PAYLOAD, new Object[] {user, tags});
    }
    List<Object> items = null;
    int m = itemCount(i);
    if (m >= 0) {
      items = new ArrayList<>(m);
      for (int k = 0; k < m; k++) {
        items.add(Row.wrap(ITEM, new Object[] {sku(i, k), priceNull(i, k) ? null : price(i, k),
            qtyNull(i, k) ? null : qty(i, k)}));
      }
    }
    Map<Object, Object> attrs = null;
    int a = attrCount(i);
    if (a >= 0) {
      attrs = new HashMap<>();
      for (int k = 0; k < a; k++) {
        attrs.put(key(i, k), attr(i, k));
      }
    }
    return Row.wrap(NestedEvents.SCHEMA, new Object[] {NestedEvents.id(i), NestedEvents.ts(i), payload, items, attrs});
  }

  /** Row i as the nested maps a user parsing JSON has. */
  static Map<String, Object> map(long i) {
    Map<String, Object> row = new HashMap<>();
    row.put("id", NestedEvents.id(i));
    row.put("ts", NestedEvents.ts(i));
    if (!payloadNull(i)) {
      Map<String, Object> payload = new HashMap<>();
      if (!userNull(i)) {
        Map<String, Object> user = new HashMap<>();
        user.put("id", userId(i));
        user.put("name", userName(i));
        payload.put("user", user);
      }
      int t = tagCount(i);
      if (t >= 0) {
        List<Object> tags = new ArrayList<>(t);
        for (int k = 0; k < t; k++) {
          tags.add(tag(i, k));
        }
        payload.put("tags", tags);
      }
      row.put("payload", payload);
    }
    int m = itemCount(i);
    if (m >= 0) {
      List<Object> items = new ArrayList<>(m);
      for (int k = 0; k < m; k++) {
        Map<String, Object> item = new HashMap<>();
        item.put("sku", sku(i, k));
        item.put("price", priceNull(i, k) ? null : price(i, k));
        item.put("qty", qtyNull(i, k) ? null : qty(i, k));
        items.add(item);
      }
      row.put("items", items);
    }
    int a = attrCount(i);
    if (a >= 0) {
      Map<String, Object> attrs = new HashMap<>();
      for (int k = 0; k < a; k++) {
        attrs.put(key(i, k), attr(i, k));
      }
      row.put("attrs", attrs);
    }
    return row;
  }

  private static org.apache.iceberg.Table createIceberg(HadoopTables tables, String location) {
    return tables.create(ICEBERG_SCHEMA, org.apache.iceberg.PartitionSpec.unpartitioned(),
        Map.of(org.apache.iceberg.TableProperties.PARQUET_COMPRESSION, "zstd",
            org.apache.iceberg.TableProperties.FORMAT_VERSION, "2"), location);
  }

  private static final GenericRecord ICE_ROW = GenericRecord.create(ICEBERG_SCHEMA);
  private static final GenericRecord ICE_PAYLOAD = GenericRecord.create(
      ICEBERG_SCHEMA.findField("payload").type().asStructType());
  private static final GenericRecord ICE_USER = GenericRecord.create(
      ICEBERG_SCHEMA.findField("payload.user").type().asStructType());
  private static final GenericRecord ICE_ITEM = GenericRecord.create(
      ICEBERG_SCHEMA.findField("items").type().asListType().elementType().asStructType());

  /** Row i as Iceberg generic records (structs as records, lists as ArrayList, the map as HashMap). */
  static Record icebergRow(long i) {
    Record r = ICE_ROW.copy();
    r.set(0, NestedEvents.id(i));
    r.set(1, NestedEvents.ts(i));
    if (!payloadNull(i)) {
      Record payload = ICE_PAYLOAD.copy();
      if (!userNull(i)) {
        Record user = ICE_USER.copy();
        user.set(0, userId(i));
        user.set(1, userName(i));
        payload.set(0, user);
      }
      int t = tagCount(i);
      if (t >= 0) {
        List<Object> tags = new ArrayList<>(t);
        for (int k = 0; k < t; k++) {
          tags.add(tag(i, k));
        }
        payload.set(1, tags);
      }
      r.set(2, payload);
    }
    int m = itemCount(i);
    if (m >= 0) {
      List<Object> items = new ArrayList<>(m);
      for (int k = 0; k < m; k++) {
        Record item = ICE_ITEM.copy();
        item.set(0, sku(i, k));
        item.set(1, priceNull(i, k) ? null : price(i, k));
        item.set(2, qtyNull(i, k) ? null : qty(i, k));
        items.add(item);
      }
      r.set(3, items);
    }
    int a = attrCount(i);
    if (a >= 0) {
      Map<Object, Object> attrs = new HashMap<>();
      for (int k = 0; k < a; k++) {
        attrs.put(key(i, k), attr(i, k));
      }
      r.set(4, attrs);
    }
    return r;
  }

  private static void appendIceberg(org.apache.iceberg.Table table, long rows) {
    OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation(
        FileFormat.PARQUET.addExtension(UUID.randomUUID().toString())));
    DataWriter<Record> writer;
    try {
      writer = Parquet.writeData(out).forTable(table).createWriterFunc(GenericParquetWriter::create)
          .withSpec(table.spec()).overwrite().build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (writer) {
      for (long i = 0; i < rows; i++) {
        writer.write(icebergRow(i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    table.newAppend().appendFile(writer.toDataFile()).commit();
  }

  // ---------------------------------------------------------------- scan

  private static Map<String, Object> scan(List<String> systems, int rows, int rounds, Warehouse warehouse,
      HadoopTables iceberg, String iceBase, Path scratch, NestedEvents.Checksum expected) throws Exception {
    Table ds = warehouse.createTable("scan", NestedEvents.SCHEMA, PartitionSpec.unpartitioned(),
        Map.of(TableProperties.PARQUET_COMPRESSION, "zstd"));
    appendRows(ds, rows);
    org.apache.iceberg.Table ice = createIceberg(iceberg, iceBase + "/scan");
    appendIceberg(ice, rows);
    Path plain = scratch.resolve("plain-scan.parquet");
    NestedParquet.write(new org.apache.parquet.io.LocalOutputFile(plain), rows, CompressionCodecName.ZSTD);
    Bench.out("  file sizes: DataShard %,d bytes, Iceberg %,d, parquet-java %,d", dataBytes(ds),
        Long.parseLong(ice.currentSnapshot().summary().get("total-files-size")), Files.size(plain));
    List<String> readers = systems.stream().filter(s -> !s.equals(DS_MAPS)).toList();
    Map<String, List<Bench.Sample>> samples = new LinkedHashMap<>();
    readers.forEach(s -> samples.put(s, new ArrayList<>()));
    for (int round = -1; round < rounds; round++) {
      for (String s : readers) {
        NestedEvents.Checksum got = new NestedEvents.Checksum();
        Bench.Sample sample = switch (s) {
          case PQ -> Bench.time(() -> NestedParquet.read(new org.apache.parquet.io.LocalInputFile(plain), got));
          case DS -> Bench.time(() -> scanDataShard(ds, got));
          case ICE -> Bench.time(() -> scanIceberg(ice, got));
          default -> throw new IllegalArgumentException("unknown system " + s);
        };
        check(s + " rows read", expected.rows, got.rows);
        check(s + " checksum of what was read", expected.sum, got.sum);
        if (round >= 0) {
          samples.get(s).add(sample);
        }
        Bench.out("  scan round %d %s: %,.0f rows/s wall, %,.0f CPU (load %s)", round, s, sample.wallRate(rows),
            sample.cpuRate(rows), Bench.loadAverage());
      }
    }
    Bench.out("");
    Bench.out("### Full scan of %,d nested rows in one file (median of %d rounds; checksums equal)", rows, rounds);
    return report(samples, rows);
  }

  private static long dataBytes(Table t) {
    return Long.parseLong(t.currentSnapshot().summary().getOrDefault("total-files-size", "0"));
  }

  private static void scanDataShard(Table table, NestedEvents.Checksum c) {
    try (CloseableIterator<Row> it = table.scan().iterator()) {
      while (it.hasNext()) {
        Row r = it.next();
        c.row((Long) r.get(0), (Long) r.get(1));
        Row payload = (Row) r.get(2);
        if (payload == null) {
          c.nulls(101);
        } else {
          Row user = (Row) payload.get(0);
          if (user == null) {
            c.nulls(103);
          } else {
            c.user((Long) user.get(0), (String) user.get(1));
          }
          List<?> tags = (List<?>) payload.get(1);
          if (tags == null) {
            c.nulls(107);
          } else {
            for (Object t : tags) {
              c.tag((String) t);
            }
          }
        }
        List<?> items = (List<?>) r.get(3);
        if (items == null) {
          c.nulls(109);
        } else {
          for (Object o : items) {
            Row item = (Row) o;
            c.item((String) item.get(0), (Double) item.get(1), (Integer) item.get(2));
          }
        }
        Map<?, ?> attrs = (Map<?, ?>) r.get(4);
        if (attrs == null) {
          c.nulls(113);
        } else {
          for (Map.Entry<?, ?> e : attrs.entrySet()) {
            c.attr((String) e.getKey(), (Double) e.getValue());
          }
        }
      }
    }
  }

  private static void scanIceberg(org.apache.iceberg.Table table, NestedEvents.Checksum c) {
    table.refresh(); // as DataShard's scan does: see the latest commit
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record r : rows) {
        c.row((Long) r.get(0), (Long) r.get(1));
        Record payload = (Record) r.get(2);
        if (payload == null) {
          c.nulls(101);
        } else {
          Record user = (Record) payload.get(0);
          if (user == null) {
            c.nulls(103);
          } else {
            c.user((Long) user.get(0), (String) user.get(1));
          }
          List<?> tags = (List<?>) payload.get(1);
          if (tags == null) {
            c.nulls(107);
          } else {
            for (Object t : tags) {
              c.tag((String) t);
            }
          }
        }
        List<?> items = (List<?>) r.get(3);
        if (items == null) {
          c.nulls(109);
        } else {
          for (Object o : items) {
            Record item = (Record) o;
            c.item((String) item.get(0), (Double) item.get(1), (Integer) item.get(2));
          }
        }
        Map<?, ?> attrs = (Map<?, ?>) r.get(4);
        if (attrs == null) {
          c.nulls(113);
        } else {
          for (Map.Entry<?, ?> e : attrs.entrySet()) {
            c.attr((String) e.getKey(), (Double) e.getValue());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- report

  /** Prints the table of one workload and returns its figures: wall median/best/worst, CPU median, ratios. */
  private static Map<String, Object> report(Map<String, List<Bench.Sample>> samples, long rows) {
    Bench.out("| system | median wall rows/s | best | worst | median thread-CPU rows/s | vs parquet-java (median wall)"
        + " | vs Iceberg (median wall) |");
    Bench.out("|---|---:|---:|---:|---:|---:|---:|");
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, double[]> wall = new LinkedHashMap<>();
    Map<String, Double> cpuMedian = new LinkedHashMap<>();
    samples.forEach((s, list) -> {
      wall.put(s, Bench.sortedCopy(list.stream().mapToDouble(x -> x.wallRate(rows)).toArray()));
      cpuMedian.put(s, Bench.percentile(Bench.sortedCopy(list.stream().mapToDouble(x -> x.cpuRate(rows))
          .toArray()), 50));
    });
    Double pq = wall.containsKey(PQ) ? Bench.percentile(wall.get(PQ), 50) : null;
    Double ice = wall.containsKey(ICE) ? Bench.percentile(wall.get(ICE), 50) : null;
    for (Map.Entry<String, double[]> e : wall.entrySet()) {
      double[] w = e.getValue();
      double median = Bench.percentile(w, 50);
      Bench.out("| %s | %,.0f | %,.0f | %,.0f | %,.0f | %s | %s |", e.getKey(), median, w[w.length - 1], w[0],
          cpuMedian.get(e.getKey()), pq == null ? "" : Bench.fmt("%.2f", median / pq),
          ice == null ? "" : Bench.fmt("%.2f", median / ice));
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("medianWallRowsPerSec", Math.round(median));
      d.put("bestWallRowsPerSec", Math.round(w[w.length - 1]));
      d.put("worstWallRowsPerSec", Math.round(w[0]));
      d.put("medianCpuRowsPerSec", Math.round(cpuMedian.get(e.getKey())));
      d.put("wallRowsPerSec", Arrays.stream(w).map(Math::rint).toArray());
      out.put(e.getKey(), d);
    }
    return out;
  }

  private static void check(String what, long expected, long actual) {
    if (expected != actual) {
      throw new IllegalStateException(what + ": " + actual + ", expected " + expected);
    }
  }
}
