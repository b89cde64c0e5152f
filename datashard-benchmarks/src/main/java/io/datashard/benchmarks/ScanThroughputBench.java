package io.datashard.benchmarks;

import io.datashard.Appender;
import io.datashard.CloseableIterator;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.Warehouse;
import io.datashard.parquet.ParquetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Target 3: full scan of an N-row table (one data file, written by DataShard in one commit) through
 * {@code table.scan().iterator()}, against plain parquet-java reading that same data file with a minimal
 * {@code ReadSupport} into one object per row. Both consumers touch every column of every row. The DataShard
 * timing includes planning (metadata refresh, manifest list and manifest reads). Page cache is warm for both.
 */
final class ScanThroughputBench {
  private ScanThroughputBench() {
  }

  static void run(int rows, int rounds) throws Exception {
    Path dir = Bench.tempDir("ds-scan");
    Bench.out("## Scan throughput: %,d rows, %d rounds (+1 warm-up); load %s", rows, rounds, Bench.loadAverage());
    Bench.Columns cols = new Bench.Columns(rows);
    try (Warehouse wh = Warehouse.local(dir.resolve("warehouse"))) {
      for (ParquetOptions.Codec codec : new ParquetOptions.Codec[] {ParquetOptions.Codec.ZSTD,
          ParquetOptions.Codec.SNAPPY}) {
        String name = "scan_" + codec.name().toLowerCase(Locale.ROOT);
        Table table = wh.createTable(name, Bench.SCHEMA, PartitionSpec.unpartitioned(),
            Map.of(TableProperties.PARQUET_COMPRESSION, codec.name().toLowerCase(Locale.ROOT)));
        try (Appender a = table.newAppend()) {
          for (int i = 0; i < rows; i++) {
            a.add(cols.record(i));
          }
          a.commit();
        }
        Path dataFile;
        try (Stream<Path> s = Files.list(dir.resolve("warehouse").resolve(name).resolve("data"))) {
          dataFile = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        List<Bench.Sample> ours = new ArrayList<>();
        List<Bench.Sample> plain = new ArrayList<>();
        for (int round = -1; round < rounds; round++) {
          Bench.Sample o = Bench.time(() -> check(rows, scan(table)));
          Bench.Sample p = Bench.time(() -> check(rows, PlainParquet.read(dataFile)));
          if (round >= 0) {
            ours.add(o);
            plain.add(p);
          }
        }
        Bench.Sample bo = Bench.best(ours);
        Bench.Sample bp = Bench.best(plain);
        Bench.out("");
        Bench.out("%s, data file %,d bytes (best of %d):", codec.name().toLowerCase(Locale.ROOT),
            Files.size(dataFile), rounds);
        Bench.out("| reader | wall rows/s | CPU rows/s |");
        Bench.out("|---|---:|---:|");
        Bench.out("| parquet-java minimal ReadSupport | %,.0f | %,.0f |", bp.wallRate(rows), bp.cpuRate(rows));
        Bench.out("| DataShard table.scan().iterator() | %,.0f | %,.0f |", bo.wallRate(rows), bo.cpuRate(rows));
        Bench.out("| DataShard / parquet-java | %.0f%% | %.0f%% |", 100 * bo.wallRate(rows) / bp.wallRate(rows),
            100 * bo.cpuRate(rows) / bp.cpuRate(rows));
        wh.dropTable(name);
      }
    } finally {
      Bench.deleteRecursively(dir);
    }
    Bench.out("load after: %s", Bench.loadAverage());
  }

  private static long scan(Table table) {
    long n = 0;
    long sum = 0;
    try (CloseableIterator<Row> it = table.scan().iterator()) {
      while (it.hasNext()) {
        Row r = it.next();
        sum += (Long) r.get(0) + ((String) r.get(1)).length() + (long) (double) (Double) r.get(2) + (Long) r.get(3);
        n++;
      }
    }
    Bench.consume(sum);
    return n;
  }

  private static void check(long expected, long actual) {
    if (expected != actual) {
      throw new IllegalStateException("read " + actual + " rows, expected " + expected);
    }
  }
}
