package io.datashard.benchmarks;

import io.datashard.Appender;
import io.datashard.PartitionSpec;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.Warehouse;
import io.datashard.replication.Replication;
import io.datashard.s3.S3ProxyServer;
import io.datashard.s3.S3StorageBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replication ({@link Replication}, {@code datashard replicate}) from a local table to a local replica and to an
 * in-process S3Proxy replica: throughput of catching up with a table of {@code appends} commits (MB/s of data
 * files, versions/s, each new data file verified by CRC32C before its version is published), then the lag while
 * one writer appends steadily and the replicator follows (sampled every 100 ms: versions behind, and the age of
 * the oldest commit the replica lacks).
 */
final class ReplicationBench {
  private ReplicationBench() {
  }

  static void run(Map<String, String> opts) throws Exception {
    int appends = Integer.parseInt(opts.getOrDefault("replAppends", "40"));
    int rowsPerAppend = Integer.parseInt(opts.getOrDefault("replRows", "50000"));
    int steadySeconds = Integer.parseInt(opts.getOrDefault("replSeconds", "20"));
    int steadyPerSecond = Integer.parseInt(opts.getOrDefault("replRate", "4"));
    Path dir = Bench.tempDir("ds-repl");
    Bench.out("## Replication: %d appends of %,d rows, then %d s of %d appends/s of %,d rows; load %s", appends,
        rowsPerAppend, steadySeconds, steadyPerSecond, rowsPerAppend / 10, Bench.loadAverage());
    try (S3ProxyServer s3 = S3ProxyServer.start();
         Warehouse src = Warehouse.local(dir.resolve("source"))) {
      Table t = src.createTable("events", Bench.SCHEMA, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.PARQUET_COMPRESSION, "zstd"));
      for (int a = 0; a < appends; a++) {
        append(t, (long) a * rowsPerAppend, rowsPerAppend);
      }
      Bench.out("");
      Bench.out("| target | versions | data files | MB copied | wall s | MB/s | versions/s |");
      Bench.out("|---|---:|---:|---:|---:|---:|---:|");
      String[] targets = {"local", "s3proxy"};
      for (String kind : targets) {
        try (Warehouse dst = target(kind, s3, dir)) {
          Replication r = src.replication("events", dst, "events");
          AtomicLong bytes = new AtomicLong();
          long t0 = System.nanoTime();
          Replication.Round round = r.runOnce(bytes::addAndGet);
          double secs = (System.nanoTime() - t0) / 1e9;
          int files = round.versions().stream().mapToInt(v -> v.dataFiles().size()).sum();
          Bench.out("| %s | %d | %d | %.1f | %.2f | %.1f | %.1f |", kind, round.versions().size(), files,
              bytes.get() / 1e6, secs, bytes.get() / 1e6 / secs, round.versions().size() / secs);
        }
      }
      Bench.out("");
      Bench.out("Lag while following (--interval 100ms, --max-interval 1s), one writer at %d appends/s:",
          steadyPerSecond);
      Bench.out("| target | samples | versions behind p50 / p95 / max | lag ms p50 / p95 / max |");
      Bench.out("|---|---:|---:|---:|");
      long next = (long) appends * rowsPerAppend;
      for (String kind : targets) {
        try (Warehouse dst = target(kind, s3, dir)) {
          Replication r = src.replication("events", dst, "events");
          r.runOnce(b -> { }); // caught up before the steady phase
          Thread follower = new Thread(() -> r.follow(Duration.ofMillis(100), Duration.ofSeconds(1), x -> { },
              b -> { }), "replicator");
          follower.start();
          List<Double> behind = new ArrayList<>();
          List<Double> lagMs = new ArrayList<>();
          Replication probe = src.replication("events", dst, "events");
          long end = System.nanoTime() + steadySeconds * 1_000_000_000L;
          long period = 1_000_000_000L / steadyPerSecond;
          long nextAppend = System.nanoTime();
          long nextSample = System.nanoTime();
          while (System.nanoTime() < end) {
            long now = System.nanoTime();
            if (now >= nextAppend) {
              append(t, next, rowsPerAppend / 10);
              next += rowsPerAppend / 10;
              nextAppend += period;
            }
            if (now >= nextSample) {
              Replication.Lag l = probe.lag();
              behind.add((double) l.versionsBehind());
              lagMs.add((double) l.lagMillis());
              nextSample += 100_000_000L;
            }
            Thread.sleep(5);
          }
          r.stop();
          follower.join();
          double[] b = Bench.sortedCopy(behind.stream().mapToDouble(Double::doubleValue).toArray());
          double[] l = Bench.sortedCopy(lagMs.stream().mapToDouble(Double::doubleValue).toArray());
          Bench.out("| %s | %d | %.0f / %.0f / %.0f | %.0f / %.0f / %.0f |", kind, b.length,
              Bench.percentile(b, 50), Bench.percentile(b, 95), Bench.percentile(b, 100),
              Bench.percentile(l, 50), Bench.percentile(l, 95), Bench.percentile(l, 100));
        }
      }
    } finally {
      Bench.deleteRecursively(dir);
    }
    Bench.out("load after: %s", Bench.loadAverage());
  }

  private static Warehouse target(String kind, S3ProxyServer s3, Path dir) {
    return kind.equals("local") ? Warehouse.local(dir.resolve("replica"))
        : Warehouse.of(new S3StorageBackend(s3.configBuilder().prefix("replica").build()));
  }

  private static void append(Table t, long first, int rows) {
    Bench.Columns cols = new Bench.Columns(first, rows);
    try (Appender a = t.newAppend()) {
      for (int i = 0; i < rows; i++) {
        a.add(cols.record(i));
      }
      a.commit();
    }
  }
}
