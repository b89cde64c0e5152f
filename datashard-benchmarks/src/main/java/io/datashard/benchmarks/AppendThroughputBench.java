package io.datashard.benchmarks;

import io.datashard.Appender;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.Warehouse;
import io.datashard.parquet.ParquetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Target 1: one commit of N rows (long, 16-char string, double, long) through DataShard, against plain
 * parquet-java writing the same rows to one file in the same run, same codec.
 *
 * <p>Variants (each timed from just before the first row is handed over to just after the commit/close
 * returns; table creation and input generation are outside the timed region):
 * <ul>
 *   <li>{@code parquet-java} - minimal {@code WriteSupport} reading primitive columns, one file (the 100%)</li>
 *   <li>{@code (a) Records} - {@code table.newAppend()}, {@code add(Row)} for pre-built {@link Row}s of
 *       the table schema, {@code commit()}</li>
 *   <li>{@code (a) Maps} - {@code table.appendRecords(list)} of pre-built {@code HashMap}s</li>
 *   <li>{@code (b) e2e maps} - {@code table.newAppend()}, then per row: build a {@code HashMap} from the
 *       primitive columns (boxing included) and {@code add} it; {@code commit()}: what a user pays</li>
 * </ul>
 * Local disk with fsync on, as shipped. Reported: best of the rounds, in wall-clock rows/s and in rows per
 * CPU-second of the benchmark thread (GC and other threads not counted).
 */
final class AppendThroughputBench {
  private AppendThroughputBench() {
  }

  static final String[] VARIANTS = {"parquet-java", "(a) Records", "(a) Maps", "(b) e2e maps"};

  /** Results per codec: variant name to samples. */
  static Map<String, Map<String, List<Bench.Sample>>> run(int rows, int rounds) throws Exception {
    Path dir = Bench.tempDir("ds-append");
    Bench.out("## Append throughput: %,d rows in one commit, %d rounds (+1 warm-up of %,d rows); load %s", rows,
        rounds, Math.min(rows, 200_000), Bench.loadAverage());
    Bench.Columns cols = new Bench.Columns(rows);
    List<Row> records = new ArrayList<>(rows);
    List<Map<String, Object>> maps = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      records.add(cols.record(i));
      maps.add(cols.map(i));
    }
    Map<String, Map<String, List<Bench.Sample>>> results = new LinkedHashMap<>();
    try (Warehouse wh = Warehouse.local(dir.resolve("warehouse"))) {
      int tableNo = 0;
      for (ParquetOptions.Codec codec : new ParquetOptions.Codec[] {ParquetOptions.Codec.ZSTD,
          ParquetOptions.Codec.SNAPPY}) {
        Map<String, List<Bench.Sample>> byVariant = new LinkedHashMap<>();
        for (String v : VARIANTS) {
          byVariant.put(v, new ArrayList<>());
        }
        results.put(codec.name().toLowerCase(java.util.Locale.ROOT), byVariant);
        for (int round = -1; round < rounds; round++) {
          int n = round < 0 ? Math.min(rows, 200_000) : rows; // round -1 warms the JIT up
          for (String variant : VARIANTS) {
            String tableName = "t" + (tableNo++);
            Bench.Sample s = runOne(variant, wh, tableName, dir, cols, records, maps, n, codec);
            if (round >= 0) {
              byVariant.get(variant).add(s);
            }
            wh.dropTable(tableName);
          }
        }
        report(codec, rows, byVariant);
      }
    } finally {
      Bench.deleteRecursively(dir);
    }
    Bench.out("load after: %s", Bench.loadAverage());
    return results;
  }

  private static Bench.Sample runOne(String variant, Warehouse wh, String tableName, Path dir, Bench.Columns cols,
      List<Row> records, List<Map<String, Object>> maps, int n, ParquetOptions.Codec codec) throws Exception {
    Table table = wh.createTable(tableName, Bench.SCHEMA, PartitionSpec.unpartitioned(),
        Map.of(TableProperties.PARQUET_COMPRESSION, codec.name().toLowerCase(java.util.Locale.ROOT)));
    Bench.Sample s;
    switch (variant) {
      case "parquet-java" -> {
        Path file = dir.resolve("plain.parquet");
        Bench.Columns input = n == cols.rows ? cols : new Bench.Columns(n);
        s = Bench.time(() -> PlainParquet.write(file, input, codec.parquetName()));
        Files.deleteIfExists(file);
      }
      case "(a) Records" -> {
        List<Row> in = records.subList(0, n);
        s = Bench.time(() -> {
          try (Appender a = table.newAppend()) {
            for (Row r : in) {
              a.add(r);
            }
            a.commit();
          }
        });
      }
      case "(a) Maps" -> {
        List<Map<String, Object>> in = maps.subList(0, n);
        s = Bench.time(() -> table.appendRecords(in));
      }
      case "(b) e2e maps" -> s = Bench.time(() -> {
        try (Appender a = table.newAppend()) {
          for (int i = 0; i < n; i++) {
            a.add(cols.map(i));
          }
          a.commit();
        }
      });
      default -> throw new IllegalArgumentException(variant);
    }
    if (!variant.equals("parquet-java") && table.refresh().rowCount() != n) {
      throw new IllegalStateException(variant + ": committed " + table.rowCount() + " rows, expected " + n);
    }
    return s;
  }

  private static void report(ParquetOptions.Codec codec, int rows, Map<String, List<Bench.Sample>> byVariant) {
    Bench.Sample base = Bench.best(byVariant.get("parquet-java"));
    Bench.out("");
    Bench.out("%s (best of %d; %% = share of parquet-java's throughput in the same run)", codec.name().toLowerCase(
        java.util.Locale.ROOT), byVariant.get("parquet-java").size());
    Bench.out("| variant | wall rows/s | %% of parquet-java | CPU rows/s | %% of parquet-java | median wall rows/s |");
    Bench.out("|---|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, List<Bench.Sample>> e : byVariant.entrySet()) {
      Bench.Sample b = Bench.best(e.getValue());
      double[] walls = e.getValue().stream().mapToDouble(x -> x.wallRate(rows)).toArray();
      Bench.out("| %s | %,.0f | %.0f%% | %,.0f | %.0f%% | %,.0f |", e.getKey(), b.wallRate(rows),
          100 * b.wallRate(rows) / base.wallRate(rows), b.cpuRate(rows), 100 * b.cpuRate(rows) / base.cpuRate(rows),
          Bench.percentile(Bench.sortedCopy(walls), 50));
    }
  }
}
