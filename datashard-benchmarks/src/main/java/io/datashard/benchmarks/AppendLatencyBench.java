package io.datashard.benchmarks;

import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.StorageBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Target 2: latency of a single-row {@code table.appendRecords(List.of(map))} on a warm table handle on local
 * disk, fsync on as shipped. Each append is one full commit: Parquet data file, manifest, manifest list,
 * metadata JSON by exclusive create (temp file, fsync, hard link, directory fsync), version hint.
 *
 * <p>Three passes on fresh tables: (1) as shipped ({@code Warehouse.local}); (2) the same with fsync off, to
 * show what durability costs; (3) as shipped through {@link TimelineStorage}, which splits each commit into
 * phases by the storage calls it makes. Every pass warms up first (not reported). Percentiles are
 * nearest-rank over the measured appends.
 */
final class AppendLatencyBench {
  private AppendLatencyBench() {
  }

  /** p50/p90/p99 (ms) of the shipped configuration, for the summary. */
  static double[] run(int warmup, int appends) throws Exception {
    Path dir = Bench.tempDir("ds-latency");
    Bench.out("## Single-row append latency: %d appends after %d warm-up appends per pass; load %s", appends, warmup,
        Bench.loadAverage());
    double[] shipped;
    try {
      shipped = pass("fsync on (as shipped)", new LocalStorageBackend(dir.resolve("on")), warmup, appends, true);
      pass("fsync off (not durable; for comparison)", new LocalStorageBackend(dir.resolve("off"), false), warmup,
          appends, false);
      phases(new TimelineStorage(new LocalStorageBackend(dir.resolve("phases"))), warmup, appends);
      FsyncProbe.run(dir.resolve("fsync"), 50);
    } finally {
      Bench.deleteRecursively(dir);
    }
    Bench.out("load after: %s", Bench.loadAverage());
    return shipped;
  }

  private static Map<String, Object> row(long i) {
    return Map.of("id", i, "name", Bench.name(i), "value", Bench.value(i), "ts", Bench.ts(i));
  }

  private static double[] pass(String label, StorageBackend storage, int warmup, int appends, boolean details)
      throws Exception {
    double[] wallMs = new double[appends];
    double[] cpuMs = new double[appends];
    try (Warehouse wh = Warehouse.of(storage)) {
      Table table = wh.createTable("latency", Bench.SCHEMA);
      for (int i = 0; i < warmup; i++) {
        table.appendRecords(List.of(row(i)));
      }
      System.gc();
      for (int i = 0; i < appends; i++) {
        Map<String, Object> r = row(warmup + i);
        long c0 = Bench.cpuNow();
        long t0 = System.nanoTime();
        table.appendRecords(List.of(r));
        wallMs[i] = (System.nanoTime() - t0) / 1e6;
        cpuMs[i] = (Bench.cpuNow() - c0) / 1e6;
      }
      if (table.refresh().rowCount() != warmup + appends) {
        throw new IllegalStateException("expected " + (warmup + appends) + " rows, found " + table.rowCount());
      }
      double[] w = Bench.sortedCopy(wallMs);
      double[] c = Bench.sortedCopy(cpuMs);
      Bench.out("");
      Bench.out("%s, %d appends:", label, appends);
      Bench.out("| | p50 | p90 | p99 | max | mean |");
      Bench.out("|---|---:|---:|---:|---:|---:|");
      Bench.out("| wall ms | %.2f | %.2f | %.2f | %.2f | %.2f |", Bench.percentile(w, 50), Bench.percentile(w, 90),
          Bench.percentile(w, 99), w[w.length - 1], Stream.of(wallMs).flatMapToDouble(java.util.Arrays::stream)
              .average().orElse(0));
      Bench.out("| thread CPU ms | %.2f | %.2f | %.2f | %.2f | %.2f |", Bench.percentile(c, 50),
          Bench.percentile(c, 90), Bench.percentile(c, 99), c[c.length - 1],
          Stream.of(cpuMs).flatMapToDouble(java.util.Arrays::stream).average().orElse(0));
      if (details) {
        int k = Math.min(100, appends / 2);
        Bench.out("table growth: wall p50 of the first %d measured appends %.2f ms (table at v%d..), of the last %d "
            + "%.2f ms (up to v%d)", k, Bench.percentile(Bench.sortedCopy(java.util.Arrays.copyOfRange(wallMs, 0, k)),
            50), warmup + 2, k, Bench.percentile(Bench.sortedCopy(java.util.Arrays.copyOfRange(wallMs, appends - k,
            appends)), 50), warmup + appends + 1);
        Path meta = Path.of(java.net.URI.create(table.location().replace("file:/", "file:///")))
            .resolve("metadata");
        Path latest = meta.resolve("v" + (warmup + appends + 1) + ".metadata.json");
        if (Files.exists(latest)) {
          io.datashard.Snapshot current = table.refresh().currentSnapshot();
          int manifests = ((io.datashard.table.TableHandle) table).files().manifests(current.manifestListLocation())
              .size();
          Bench.out("last metadata JSON %,d bytes; the current manifest list holds %d manifests (merged at 100)",
              Files.size(latest), manifests);
        }
      }
      return new double[] {Bench.percentile(w, 50), Bench.percentile(w, 90), Bench.percentile(w, 99),
          Bench.percentile(c, 50)};
    }
  }

  /** Splits commits into the intervals between consecutive storage events; reports the median of each. */
  private static void phases(TimelineStorage storage, int warmup, int appends) {
    Map<String, List<Double>> byStep = new LinkedHashMap<>();
    List<Double> totals = new ArrayList<>();
    try (Warehouse wh = Warehouse.of(storage)) {
      Table table = wh.createTable("phases", Bench.SCHEMA);
      for (int i = 0; i < warmup; i++) {
        table.appendRecords(List.of(row(i)));
      }
      for (int i = 0; i < appends; i++) {
        Map<String, Object> r = row(warmup + i);
        storage.start();
        table.appendRecords(List.of(r));
        List<TimelineStorage.Event> ev = storage.stop();
        totals.add((ev.get(ev.size() - 1).nanos() - ev.get(0).nanos()) / 1e6);
        Map<String, Double> thisAppend = new LinkedHashMap<>();
        for (int e = 1; e < ev.size(); e++) {
          String step = ev.get(e - 1).label() + " -> " + ev.get(e).label();
          thisAppend.merge(step, (ev.get(e).nanos() - ev.get(e - 1).nanos()) / 1e6, Double::sum);
        }
        thisAppend.forEach((k, v) -> byStep.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
      }
    }
    double totalMedian = median(totals);
    Bench.out("");
    Bench.out("phases (fsync on; median over %d appends of the time between consecutive storage events; "
        + "median total %.2f ms):", appends, totalMedian);
    Bench.out("| from -> to | what runs in between | median ms | share of median total |");
    Bench.out("|---|---|---:|---:|");
    for (Map.Entry<String, List<Double>> e : byStep.entrySet()) {
      if (e.getValue().size() < appends / 2) {
        continue; // steps that occur only sometimes
      }
      double m = median(e.getValue());
      Bench.out("| %s | %s | %.3f | %.0f%% |", e.getKey(), explain(e.getKey()), m, 100 * m / totalMedian);
    }
  }

  private static String explain(String step) {
    if (step.startsWith("start -> create data")) {
      return "newAppend, record validation, Parquet writer setup";
    }
    if (step.equals("create data end -> close data begin")) {
      return "Parquet encode of the row, footer";
    }
    if (step.equals("close data begin -> close data end")) {
      return "data file flush + fsync";
    }
    if (step.equals("close data end -> create manifest begin")) {
      return "DataFile + column stats";
    }
    if (step.equals("create manifest end -> close manifest begin")) {
      return "Avro encode of the manifest";
    }
    if (step.equals("close manifest begin -> close manifest end")) {
      return "manifest flush + fsync";
    }
    if (step.equals("create manifest-list end -> close manifest-list begin")) {
      return "Avro encode of the manifest list";
    }
    if (step.equals("close manifest-list begin -> close manifest-list end")) {
      return "manifest list flush + fsync";
    }
    if (step.endsWith("-> createExclusive metadata.json begin")) {
      return "snapshot summary, new TableMetadata, JSON serialization";
    }
    if (step.equals("createExclusive metadata.json begin -> createExclusive metadata.json end")) {
      return "temp file write + fsync, hard link, directory fsync, temp delete";
    }
    if (step.equals("writeAll hint begin -> writeAll hint end")) {
      return "version hint: temp write + fsync + rename";
    }
    if (step.equals("writeAdvisory hint begin -> writeAdvisory hint end")) {
      return "version hint: temp write + rename (not forced)";
    }
    if (step.endsWith("-> end")) {
      return "return to caller";
    }
    if (step.contains("create") && step.endsWith("end") && step.startsWith("create")) {
      return "open file";
    }
    return "";
  }

  private static double median(List<Double> values) {
    double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
    return Bench.percentile(Bench.sortedCopy(a), 50);
  }
}
