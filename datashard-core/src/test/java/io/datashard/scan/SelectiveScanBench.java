package io.datashard.scan;

import io.datashard.ScanReport;
import static io.datashard.expressions.Expressions.and;
import static io.datashard.expressions.Expressions.equal;
import static io.datashard.expressions.Expressions.greaterThanOrEqual;
import static io.datashard.expressions.Expressions.lessThan;

import io.datashard.Appender;
import io.datashard.CloseableIterator;
import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.TableScan;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Selective scans versus a full scan of a table of many files (default 100 files of 50,000 rows of
 * (long id, 16-character string, double, long ts), ids ascending across files, 1 MiB row groups).
 * Prints, for each query, the files and row groups read, bytes read from storage, rows returned and the
 * best wall time of several rounds. Run: {@code java -cp <core test classpath>
 * io.datashard.scan.SelectiveScanBench [files] [rowsPerFile] [rounds]}.
 */
public final class SelectiveScanBench {
  private SelectiveScanBench() {
  }

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int rowsPerFile = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path dir = Files.createTempDirectory("datashard-selective-bench");
    Schema schema = Schema.of(Field.required(1, "id", Types.LONG), Field.required(2, "name", Types.STRING),
        Field.required(3, "value", Types.DOUBLE), Field.required(4, "ts", Types.LONG));
    try (Warehouse wh = Warehouse.of(new LocalStorageBackend(dir, false))) {
      Table t = wh.createTable("bench", schema, PartitionSpec.unpartitioned(),
          Map.of("write.parquet.row-group-size-bytes", String.valueOf(1 << 20),
              "write.parquet.compression-codec", "snappy"));
      long t0 = System.nanoTime();
      long id = 0;
      for (int f = 0; f < files; f++) {
        try (Appender a = t.newAppend()) {
          for (int i = 0; i < rowsPerFile; i++, id++) {
            String name = ("user-" + Long.toHexString(id * 0x9E3779B97F4A7C15L) + "0000000000000000").substring(0, 16);
            a.add(Map.of("id", id, "name", name, "value", id * 0.25, "ts", 1_700_000_000_000L + id));
          }
          a.commit();
        }
      }
      System.out.printf(Locale.ROOT, "wrote %d files x %,d rows in %.1f s%n", files, rowsPerFile,
          (System.nanoTime() - t0) / 1e9);
      long total = (long) files * rowsPerFile;
      long fileStart = (long) (files * 37 / 100) * rowsPerFile;

      System.out.println("| query | files read / total | row groups read / total | bytes read | rows returned | best time |");
      System.out.println("|---|---|---|---|---|---|");
      run("full scan", rounds, t::scan);
      run("full scan, 2 threads", rounds, () -> t.scan().parallelism(2));
      run("1% of files (id range of one file)", rounds,
          () -> t.scan().filter(and(greaterThanOrEqual("id", fileStart), lessThan("id", fileStart + rowsPerFile))));
      run("point lookup (id = x)", rounds, () -> t.scan().filter(equal("id", total / 2 + 7)));
      run("point lookup, select name", rounds, () -> t.scan().filter(equal("id", total / 2 + 7)).select("name"));
      run("no match (id < 0)", rounds, () -> t.scan().filter(lessThan("id", -1)));
      runCount("count(), no filter", rounds, t::scan);
      runCount("count(), 1% of files", rounds,
          () -> t.scan().filter(and(greaterThanOrEqual("id", fileStart), lessThan("id", fileStart + rowsPerFile))));
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(String name, int rounds, Supplier<TableScan> scans) {
    long best = Long.MAX_VALUE;
    ScanReport report = null;
    for (int r = 0; r < rounds; r++) {
      TableScan scan = scans.get();
      long start = System.nanoTime();
      long n = 0;
      try (CloseableIterator<Row> rows = scan.iterator()) {
        while (rows.hasNext()) {
          rows.next();
          n++;
        }
      }
      best = Math.min(best, System.nanoTime() - start);
      report = scan.report();
      if (report.rowsReturned() != n) {
        throw new IllegalStateException("report says " + report.rowsReturned() + " rows, iterated " + n);
      }
    }
    print(name, report, best);
  }

  private static void runCount(String name, int rounds, Supplier<TableScan> scans) {
    long best = Long.MAX_VALUE;
    ScanReport report = null;
    for (int r = 0; r < rounds; r++) {
      TableScan scan = scans.get();
      long start = System.nanoTime();
      scan.count();
      best = Math.min(best, System.nanoTime() - start);
      report = scan.report();
    }
    print(name, report, best);
  }

  private static void print(String name, ScanReport r, long nanos) {
    System.out.printf(Locale.ROOT, "| %s | %d / %d | %d / %d | %,d | %,d | %.1f ms |%n", name, r.filesRead(),
        r.filesConsidered(), r.rowGroupsConsidered() - r.rowGroupsSkipped(), r.rowGroupsConsidered(), r.bytesRead(),
        r.rowsReturned(), nanos / 1e6);
  }
}
