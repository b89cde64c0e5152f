package io.datashard.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.datashard.s3.CountingS3Proxy;
import io.datashard.s3.S3ProxyServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/**
 * DataShard and its peers on the same work, on the same machine, in the same run (issue 9): Apache Iceberg's Java
 * library (HadoopTables, fast append, generic records) and, for raw throughput, plain parquet-java. Every workload
 * runs on local disk and on an in-process S3 server (S3Proxy, transient store, 127.0.0.1); S3 requests are
 * counted by {@link CountingS3Proxy}. Writes {@code results.json} and prints a Markdown report with the ratios
 * DataShard / peer. Charts: {@link PeerCharts}.
 *
 * <p>Arguments (key=value, all optional): {@code peers=latency,append,scan,contention,cold,requests,memory},
 * {@code stores=local,s3}, {@code out=target/results.json}, {@code md=target/results.md}, and the sizes
 * {@code latency=200 latencyS3=100 warmup=30 sizes=100,10000,1000000 rounds=3 scanRounds=5 scanRows=1000000 scanFiles=20
 * writers=1,2,4,8,16 appendsEach=10 appendsEachS3=4 coldRuns=3 memoryRows=10000000 memoryHeap=256m}.
 */
public final class PeersBench {
  static final String DS = DataShardPeer.NAME;
  static final String ICE = IcebergPeer.NAME;
  static final String PQ = "parquet-java";
  static final List<String> PEERS = List.of(DS, ICE);

  /**
   * One measured quantity, per system.
   *
   * @param store local or s3
   * @param workload latency, append, scan, contention, cold, requests or memory
   * @param metric what is measured
   * @param unit its unit
   * @param higherIsBetter whether more is better
   * @param values system name to value
   */
  record Metric(String store, String workload, String metric, String unit, boolean higherIsBetter,
      Map<String, Double> values) {
  }

  private final Map<String, String> opts;
  private final List<Metric> metrics = new ArrayList<>();
  private final Map<String, Object> details = new LinkedHashMap<>();
  private final Map<String, Object> loads = new LinkedHashMap<>();
  private final Path scratch;
  private S3ProxyServer server;

  private PeersBench(Map<String, String> opts) throws IOException {
    this.opts = opts;
    this.scratch = Bench.tempDir("ds-peers");
  }

  private int intOpt(String key, int def) {
    return Integer.parseInt(opts.getOrDefault(key, String.valueOf(def)));
  }

  private List<Integer> intsOpt(String key, String def) {
    return Arrays.stream(opts.getOrDefault(key, def).split(",")).map(String::trim).map(Integer::parseInt).toList();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (String a : args) {
      if (a.contains("=")) {
        opts.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      }
    }
    run(opts);
  }

  static void run(Map<String, String> opts) throws Exception {
    PeersBench b = new PeersBench(opts);
    try {
      b.runAll();
    } finally {
      Bench.deleteRecursively(b.scratch);
      if (b.server != null) {
        b.server.close();
      }
    }
  }

  private void runAll() throws Exception {
    List<String> workloads = List.of(opts.getOrDefault("peers",
        "latency,append,scan,contention,cold,requests,memory").split(","));
    List<String> stores = List.of(opts.getOrDefault("stores", "local,s3").split(","));
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    long cpu0 = processCpuNanos();
    Map<String, Object> machine = machine();
    Bench.out("# Peers: DataShard vs Apache Iceberg %s (HadoopTables) vs parquet-java; load %s",
        org.apache.iceberg.IcebergBuild.version(), Bench.loadAverage());
    for (String store : stores) {
      for (String w : workloads) {
        if (w.equals("requests") && !store.equals("s3")) {
          continue;
        }
        String key = store + "/" + w;
        String loadBefore = Bench.loadAverage();
        long wc0 = processCpuNanos();
        long ww0 = System.nanoTime();
        Bench.out("");
        Bench.out("## %s on %s (load %s)", w, store, loadBefore);
        Peer.Store where = store(store, w);
        try {
          switch (w) {
            case "latency" -> latency(store, where);
            case "append" -> append(store, where);
            case "scan" -> scan(store, where);
            case "contention" -> contention(store, where);
            case "cold" -> cold(store, where);
            case "requests" -> requests(where);
            case "memory" -> memory(store, where);
            default -> throw new IllegalArgumentException("unknown workload " + w);
          }
        } finally {
          cleanUp(where);
        }
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("loadBefore", loadBefore);
        l.put("loadAfter", Bench.loadAverage());
        l.put("wallSeconds", round((System.nanoTime() - ww0) / 1e9, 1));
        l.put("parentCpuSeconds", round((processCpuNanos() - wc0) / 1e9, 1));
        loads.put(key, l);
        Bench.out("(%s: %.0f s wall, parent process CPU %.0f s, load after %s)", key, (System.nanoTime() - ww0) / 1e9,
            (processCpuNanos() - wc0) / 1e9, Bench.loadAverage());
      }
    }
    machine.put("loadAtEnd", Bench.loadAverage());
    machine.put("wallSeconds", round((System.nanoTime() - t0) / 1e9, 1));
    machine.put("parentCpuSeconds", round((processCpuNanos() - cpu0) / 1e9, 1));

    Map<String, Object> results = new LinkedHashMap<>();
    results.put("started", started.toString());
    results.put("machine", machine);
    results.put("options", opts);
    results.put("metrics", metrics);
    results.put("details", details);
    results.put("workloads", loads);
    Path out = Path.of(opts.getOrDefault("out", "target/results.json"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);
    String md = PeerReport.markdown(results, metrics);
    Path mdOut = Path.of(opts.getOrDefault("md", out.toString().replaceAll("\\.json$", "") + ".md"));
    Files.writeString(mdOut, md);
    Bench.out("");
    System.out.println(md);
    Bench.out("results: %s, %s", out.toAbsolutePath(), mdOut.toAbsolutePath());
  }

  // ---------------------------------------------------------------- stores

  private Peer.Store store(String kind, String workload) throws IOException {
    if (kind.equals("local")) {
      return Peer.Store.local(Files.createDirectories(scratch.resolve(workload)));
    }
    if (server == null) {
      // Enough Jetty threads for 16 writer processes plus S3A's connection pools.
      server = S3ProxyServer.builder().maxThreads(128).start();
      Bench.out("S3Proxy (transient store) on %s", server.endpoint());
    }
    String bucket = "peers-" + workload;
    server.blobStore().createContainer(bucket);
    return Peer.Store.s3(server.endpoint(), bucket, "bench");
  }

  private void cleanUp(Peer.Store where) {
    if (where.isS3()) {
      server.blobStore().deleteContainer(where.bucket());
    } else {
      Bench.deleteRecursively(where.dir());
    }
  }

  // ---------------------------------------------------------------- 1. latency

  private void latency(String store, Peer.Store where) {
    int warmup = intOpt("warmup", store.equals("s3") ? 10 : 30);
    int n = intOpt(store.equals("s3") ? "latencyS3" : "latency", store.equals("s3") ? 100 : 200);
    Map<String, Double> p50 = new LinkedHashMap<>();
    Map<String, Double> p99 = new LinkedHashMap<>();
    Map<String, Double> cpu50 = new LinkedHashMap<>();
    Map<String, Object> det = new LinkedHashMap<>();
    Bench.out("single-row append on a warm handle: %d warm-up, %d measured", warmup, n);
    Bench.out("| system | p50 ms | p90 ms | p99 ms | max ms | thread CPU p50 ms |");
    Bench.out("|---|---:|---:|---:|---:|---:|");
    for (String name : PEERS) {
      try (Peer peer = Peer.open(name, where)) {
        Peer.PeerTable t = peer.create("latency");
        for (int i = 0; i < warmup; i++) {
          t.appendOne(i);
        }
        System.gc();
        double[] wall = new double[n];
        double[] cpu = new double[n];
        for (int i = 0; i < n; i++) {
          long c0 = Bench.cpuNow();
          long w0 = System.nanoTime();
          t.appendOne(warmup + i);
          wall[i] = (System.nanoTime() - w0) / 1e6;
          cpu[i] = (Bench.cpuNow() - c0) / 1e6;
        }
        if (t.rowCount() != warmup + n) {
          throw new IllegalStateException(name + ": " + t.rowCount() + " rows after " + (warmup + n) + " appends");
        }
        double[] w = Bench.sortedCopy(wall);
        double[] c = Bench.sortedCopy(cpu);
        p50.put(name, round(Bench.percentile(w, 50), 2));
        p99.put(name, round(Bench.percentile(w, 99), 2));
        cpu50.put(name, round(Bench.percentile(c, 50), 2));
        det.put(name, Map.of("p50", Bench.percentile(w, 50), "p90", Bench.percentile(w, 90), "p99",
            Bench.percentile(w, 99), "max", w[w.length - 1], "cpuP50", Bench.percentile(c, 50), "appends", n,
            "warmup", warmup));
        Bench.out("| %s | %.2f | %.2f | %.2f | %.2f | %.2f |", name, Bench.percentile(w, 50), Bench.percentile(w, 90),
            Bench.percentile(w, 99), w[w.length - 1], Bench.percentile(c, 50));
      }
    }
    details.put(store + "/latency", det);
    metrics.add(new Metric(store, "latency", "single-row append p50", "ms", false, p50));
    metrics.add(new Metric(store, "latency", "single-row append p99", "ms", false, p99));
    metrics.add(new Metric(store, "latency", "single-row append, thread CPU p50", "ms", false, cpu50));
  }

  // ---------------------------------------------------------------- 2. append sizes

  private void append(String store, Peer.Store where) throws Exception {
    List<Integer> sizes = intsOpt("sizes", "100,10000,1000000");
    int bigRounds = intOpt("rounds", 3);
    Configuration conf = where.isS3() ? IcebergPeer.s3aConfiguration(where) : new Configuration(false);
    Map<String, Object> det = new LinkedHashMap<>();
    Bench.out("one commit of N rows (row objects built from primitive columns inside the timed region; "
        + "parquet-java: minimal WriteSupport, one file, no commit)");
    Bench.out("| rows | system | best wall rows/s | median wall rows/s | best thread-CPU rows/s | rounds |");
    Bench.out("|---:|---|---:|---:|---:|---:|");
    try (Peer ds = Peer.open(DS, where); Peer ice = Peer.open(ICE, where)) {
      for (int size : sizes) {
        int rounds = size <= 100 ? 20 : size <= 10_000 ? 10 : bigRounds;
        Bench.Columns cols = new Bench.Columns(size);
        Map<String, Peer.PeerTable> tables = Map.of(DS, ds.create("append_" + size), ICE, ice.create("append_" + size));
        Map<String, List<Bench.Sample>> samples = new LinkedHashMap<>();
        for (String s : List.of(PQ, DS, ICE)) {
          samples.put(s, new ArrayList<>());
        }
        for (int round = -1; round < rounds; round++) {
          for (String s : samples.keySet()) {
            Bench.Sample sample;
            if (s.equals(PQ)) {
              org.apache.parquet.io.OutputFile file;
              Path local = null;
              if (where.isS3()) {
                file = HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path("s3a://" + where.bucket() + "/"
                    + where.prefix() + "/plain/" + UUID.randomUUID() + ".parquet"), conf);
              } else {
                local = where.dir().resolve("plain-" + UUID.randomUUID() + ".parquet");
                file = new org.apache.parquet.io.LocalOutputFile(local);
              }
              org.apache.parquet.io.OutputFile f = file;
              sample = Bench.time(() -> PlainParquet.write(f, cols, CompressionCodecName.ZSTD));
              if (local != null) {
                Files.deleteIfExists(local);
              }
            } else {
              Peer.PeerTable t = tables.get(s);
              sample = Bench.time(() -> t.append(cols, 0, size));
            }
            if (round >= 0) {
              samples.get(s).add(sample);
            }
          }
        }
        Map<String, Double> bestWall = new LinkedHashMap<>();
        Map<String, Double> bestCpu = new LinkedHashMap<>();
        Map<String, Object> sizeDet = new LinkedHashMap<>();
        for (Map.Entry<String, List<Bench.Sample>> e : samples.entrySet()) {
          Bench.Sample best = Bench.best(e.getValue());
          double median = Bench.percentile(Bench.sortedCopy(e.getValue().stream()
              .mapToDouble(x -> x.wallRate(size)).toArray()), 50);
          bestWall.put(e.getKey(), round(best.wallRate(size), 0));
          bestCpu.put(e.getKey(), round(best.cpuRate(size), 0));
          sizeDet.put(e.getKey(), Map.of("bestWallRowsPerSec", best.wallRate(size), "medianWallRowsPerSec", median,
              "bestCpuRowsPerSec", best.cpuRate(size), "rounds", e.getValue().size()));
          Bench.out("| %,d | %s | %,.0f | %,.0f | %,.0f | %d |", size, e.getKey(), best.wallRate(size), median,
              best.cpuRate(size), e.getValue().size());
        }
        for (String s : PEERS) {
          long expected = (long) size * (rounds + 1);
          if (tables.get(s).rowCount() != expected) {
            throw new IllegalStateException(s + ": " + tables.get(s).rowCount() + " rows, expected " + expected);
          }
        }
        det.put(String.valueOf(size), sizeDet);
        metrics.add(new Metric(store, "append", fmtRows(size) + " rows, wall rows/s (best)", "rows/s", true,
            bestWall));
        metrics.add(new Metric(store, "append", fmtRows(size) + " rows, thread-CPU rows/s (best)", "rows/s", true,
            bestCpu));
      }
    }
    details.put(store + "/append", det);
  }

  static String fmtRows(long n) {
    return n >= 1_000_000 && n % 1_000_000 == 0 ? (n / 1_000_000) + "M"
        : n >= 1_000 && n % 1_000 == 0 ? (n / 1_000) + "k" : String.valueOf(n);
  }

  // ---------------------------------------------------------------- 3. scans

  private void scan(String store, Peer.Store where) throws Exception {
    int rows = intOpt("scanRows", 1_000_000);
    int files = intOpt("scanFiles", 20);
    int rounds = intOpt("scanRounds", 5);
    int per = rows / files;
    Configuration conf = where.isS3() ? IcebergPeer.s3aConfiguration(where) : new Configuration(false);
    List<org.apache.parquet.io.InputFile> plainFiles = new ArrayList<>();
    Map<String, Object> det = new LinkedHashMap<>();
    try (Peer ds = Peer.open(DS, where); Peer ice = Peer.open(ICE, where)) {
      Map<String, Peer.PeerTable> tables = new LinkedHashMap<>();
      tables.put(DS, ds.create("scan"));
      tables.put(ICE, ice.create("scan"));
      for (int f = 0; f < files; f++) {
        Bench.Columns cols = new Bench.Columns((long) f * per, per);
        for (Peer.PeerTable t : tables.values()) {
          t.append(cols, 0, per);
        }
        if (where.isS3()) {
          org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path("s3a://" + where.bucket() + "/" + where.prefix()
              + "/plain/f" + f + ".parquet");
          PlainParquet.write(HadoopOutputFile.fromPath(p, conf), cols, CompressionCodecName.ZSTD);
          plainFiles.add(HadoopInputFile.fromPath(p, conf));
        } else {
          Path p = where.dir().resolve("plain-f" + f + ".parquet");
          PlainParquet.write(p, cols, CompressionCodecName.ZSTD);
          plainFiles.add(new org.apache.parquet.io.LocalInputFile(p));
        }
      }
      long lo = (long) (files / 2) * per + per / 4;
      long hi = lo + rows / 100;
      Bench.out("table of %,d rows in %d files of %,d (one append each, ids ascending); selective = ids [%d, %d): 1%% "
          + "of the rows, inside one file; best of %d (+1 warm-up)", rows, files, per, lo, hi, rounds);
      Bench.out("| scan | system | rows | best wall ms | best thread-CPU ms | wall rows/s |");
      Bench.out("|---|---|---:|---:|---:|---:|");
      Map<String, Double> fullWall = new LinkedHashMap<>();
      Map<String, Double> fullCpu = new LinkedHashMap<>();
      Map<String, Double> selWall = new LinkedHashMap<>();
      Map<String, Double> firstWall = new LinkedHashMap<>();
      for (String s : List.of(PQ, DS, ICE)) {
        List<Bench.Sample> full = new ArrayList<>();
        long[] got = new long[1];
        for (int r = -1; r < rounds; r++) {
          Bench.Sample sample = Bench.time(() -> {
            if (s.equals(PQ)) {
              long n = 0;
              for (org.apache.parquet.io.InputFile f : plainFiles) {
                n += PlainParquet.read(f);
              }
              got[0] = n;
            } else {
              got[0] = tables.get(s).scanAll();
            }
          });
          check(s + " full scan", rows, got[0]);
          if (r >= 0) {
            full.add(sample);
          } else {
            // The first scan of files just written: no library has any of them cached yet.
            firstWall.put(s, round(sample.wallRate(rows), 0));
            Bench.out("| first full (nothing cached) | %s | %,d | %.1f | %.1f | %,.0f |", s, rows, sample.wallNanos() / 1e6,
                sample.cpuNanos() / 1e6, sample.wallRate(rows));
          }
        }
        Bench.Sample b = Bench.best(full);
        fullWall.put(s, round(b.wallRate(rows), 0));
        fullCpu.put(s, round(b.cpuRate(rows), 0));
        Bench.out("| full | %s | %,d | %.1f | %.1f | %,.0f |", s, rows, b.wallNanos() / 1e6, b.cpuNanos() / 1e6,
            b.wallRate(rows));
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("fullBestWallMs", b.wallNanos() / 1e6);
        sd.put("fullBestCpuMs", b.cpuNanos() / 1e6);
        if (!s.equals(PQ)) {
          List<Bench.Sample> sel = new ArrayList<>();
          for (int r = -1; r < Math.max(rounds, 5); r++) {
            Bench.Sample sample = Bench.time(() -> got[0] = tables.get(s).scanRange(lo, hi));
            check(s + " selective scan", hi - lo, got[0]);
            if (r >= 0) {
              sel.add(sample);
            }
          }
          Bench.Sample bs = Bench.best(sel);
          selWall.put(s, round(bs.wallNanos() / 1e6, 2));
          sd.put("selectiveBestWallMs", bs.wallNanos() / 1e6);
          sd.put("selectiveBestCpuMs", bs.cpuNanos() / 1e6);
          Bench.out("| selective 1%% | %s | %,d | %.1f | %.1f | |", s, hi - lo, bs.wallNanos() / 1e6,
              bs.cpuNanos() / 1e6);
        }
        det.put(s, sd);
      }
      metrics.add(new Metric(store, "scan", "full scan " + fmtRows(rows) + " rows, wall rows/s (best)", "rows/s", true, fullWall));
      metrics.add(new Metric(store, "scan", "full scan " + fmtRows(rows) + " rows, thread-CPU rows/s (best)", "rows/s", true, fullCpu));
      metrics.add(new Metric(store, "scan", "selective scan (1% of rows, 1 of " + files + " files), wall", "ms", false,
          selWall));
      metrics.add(new Metric(store, "scan", "first full scan " + fmtRows(rows) + " rows (nothing cached), wall rows/s",
          "rows/s", true, firstWall));
    }
    details.put(store + "/scan", det);
  }

  private static void check(String what, long expected, long actual) {
    if (expected != actual) {
      throw new IllegalStateException(what + ": " + actual + " rows, expected " + expected);
    }
  }

  // ---------------------------------------------------------------- 4. contention

  private void contention(String store, Peer.Store where) throws Exception {
    List<Integer> levels = intsOpt("writers", "1,2,4,8,16");
    int m = intOpt(store.equals("s3") ? "appendsEachS3" : "appendsEach", store.equals("s3") ? 4 : 10);
    Bench.out("N writer processes (child JVMs, -Xmx256m -XX:+UseSerialGC, each warmed up on a private table) x %d "
        + "single-row appends each, started together once all have loaded the table; default retry settings of each "
        + "library", m);
    Bench.out("| writers | system | acked commits | failed appends | lost (acked, not in the table) | rows in table |"
        + " seconds | commits/s | attempts per commit | max attempts |");
    Bench.out("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    Map<String, Object> det = new LinkedHashMap<>();
    for (int n : levels) {
      Map<String, Object> levelDet = new LinkedHashMap<>();
      for (String name : PEERS) {
        String table = "contention_" + n;
        try (Peer peer = Peer.open(name, where)) {
          peer.create(table);
          WriterRun run = runWriters(name, where, table, n, m);
          Peer.PeerTable fresh = peer.load(table);
          Set<Long> present = fresh.snapshotIds();
          long lost = run.acked.stream().filter(id -> !present.contains(id)).count();
          long rowsInTable = fresh.rowCount();
          double cps = run.acked.size() / Math.max(run.seconds, 1e-3);
          double attempts = run.attempts.stream().mapToInt(Integer::intValue).average().orElse(0);
          int maxAttempts = run.attempts.stream().mapToInt(Integer::intValue).max().orElse(0);
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("writers", n);
          r.put("appendsEach", m);
          r.put("acked", run.acked.size());
          r.put("failed", run.failures.size());
          r.put("lost", lost);
          r.put("rowsInTable", rowsInTable);
          r.put("seconds", round(run.seconds, 2));
          r.put("commitsPerSecond", round(cps, 1));
          r.put("attemptsPerCommit", round(attempts, 2));
          r.put("maxAttempts", maxAttempts);
          r.put("retries", run.attempts.stream().mapToInt(a -> a - 1).sum());
          r.put("failures", run.failures.stream().distinct().limit(3).toList());
          levelDet.put(name, r);
          Bench.out("| %d | %s | %d | %d | %d | %d | %.1f | %.1f | %.2f | %d |", n, name, run.acked.size(),
              run.failures.size(), lost, rowsInTable, run.seconds, cps, attempts, maxAttempts);
          if (!run.failures.isEmpty()) {
            Bench.out("  failures (first): %s", run.failures.get(0));
          }
        }
      }
      det.put(String.valueOf(n), levelDet);
      metrics.add(new Metric(store, "contention", n + " writers: commits/s", "commits/s", true,
          pick(levelDet, "commitsPerSecond")));
      metrics.add(new Metric(store, "contention", n + " writers: lost acked commits", "commits", false,
          pick(levelDet, "lost")));
      metrics.add(new Metric(store, "contention", n + " writers: failed appends", "appends", false,
          pick(levelDet, "failed")));
      metrics.add(new Metric(store, "contention", n + " writers: attempts per commit", "attempts", false,
          pick(levelDet, "attemptsPerCommit")));
    }
    details.put(store + "/contention", det);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Double> pick(Map<String, Object> bySystem, String key) {
    Map<String, Double> out = new LinkedHashMap<>();
    bySystem.forEach((k, v) -> out.put(k, ((Number) ((Map<String, Object>) v).get(key)).doubleValue()));
    return out;
  }

  private record WriterRun(List<Long> acked, List<Integer> attempts, List<String> failures, double seconds) {
  }

  private WriterRun runWriters(String peer, Peer.Store where, String table, int n, int m) throws Exception {
    List<Process> procs = new ArrayList<>();
    List<Long> acked = new CopyOnWriteArrayList<>();
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    List<long[]> spans = new CopyOnWriteArrayList<>();
    List<String> other = new CopyOnWriteArrayList<>();
    CountDownLatch ready = new CountDownLatch(n);
    List<Thread> readers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Process p = child(List.of("-Xmx256m", "-XX:+UseSerialGC"), "writer", peer, where.toString(), table, String.valueOf(i),
          String.valueOf(m));
      procs.add(p);
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.equals("READY")) {
              ready.countDown();
            } else if (line.startsWith("ACK ")) {
              String[] f = line.split(" ");
              acked.add(Long.parseLong(f[1]));
              attempts.add(Integer.parseInt(f[2]));
            } else if (line.startsWith("FAIL ")) {
              failures.add(line.substring(5));
            } else if (line.startsWith("DONE ")) {
              String[] f = line.split(" ");
              spans.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            } else {
              other.add(line);
            }
          }
        } catch (IOException e) {
          other.add(e.toString());
        }
      });
      t.setDaemon(true);
      t.start();
      readers.add(t);
    }
    if (!ready.await(5, TimeUnit.MINUTES)) {
      procs.forEach(Process::destroyForcibly);
      throw new IllegalStateException("writers did not start: " + other);
    }
    for (Process p : procs) {
      OutputStream os = p.getOutputStream();
      os.write("GO\n".getBytes(StandardCharsets.US_ASCII));
      os.flush();
    }
    for (Process p : procs) {
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        procs.forEach(Process::destroyForcibly);
        throw new IllegalStateException("writers did not finish");
      }
    }
    for (Thread t : readers) {
      t.join(10_000);
    }
    if (spans.size() != n) {
      throw new IllegalStateException(peer + ": " + spans.size() + " of " + n + " writers finished; output: "
          + String.join("\n", other));
    }
    long start = spans.stream().mapToLong(s -> s[0]).min().orElse(0);
    long end = spans.stream().mapToLong(s -> s[1]).max().orElse(0);
    return new WriterRun(new ArrayList<>(acked), new ArrayList<>(attempts), new ArrayList<>(failures),
        (end - start) / 1e3);
  }

  /** Starts {@code java -cp <this class path> PeerChild args}, stderr merged into stdout. */
  static Process child(List<String> jvmArgs, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PeerChild.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  // ---------------------------------------------------------------- 5. cold start

  private void cold(String store, Peer.Store where) throws Exception {
    int runs = intOpt("coldRuns", 3);
    Bench.out("fresh JVM (default flags), %d runs per system: create a table, commit one single-row append, scan it;"
        + " milliseconds from launch (measured by the parent)", runs);
    Bench.out("| system | run | main() entered | first append committed | first scan result |");
    Bench.out("|---|---:|---:|---:|---:|");
    Map<String, Double> commitMedian = new LinkedHashMap<>();
    Map<String, Double> scanMedian = new LinkedHashMap<>();
    Map<String, Object> det = new LinkedHashMap<>();
    for (String name : PEERS) {
      List<long[]> rs = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        long launched = System.currentTimeMillis();
        Process p = child(List.of(), "cold", name, where.toString(), "cold_" + i);
        Map<String, Long> marks = new TreeMap<>();
        StringBuilder other = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            String[] f = line.split(" ");
            if (f.length == 2 && f[1].matches("\\d+")) {
              marks.put(f[0], Long.parseLong(f[1]));
            } else {
              other.append(line).append('\n');
            }
          }
        }
        if (p.waitFor() != 0 || !marks.containsKey("scanned")) {
          throw new IllegalStateException(name + " cold-start child failed:\n" + other);
        }
        long[] row = {marks.get("main") - launched, marks.get("committed") - launched, marks.get("scanned") - launched};
        rs.add(row);
        Bench.out("| %s | %d | %d | %d | %d |", name, i + 1, row[0], row[1], row[2]);
      }
      double[] c = Bench.sortedCopy(rs.stream().mapToDouble(r -> r[1]).toArray());
      double[] s = Bench.sortedCopy(rs.stream().mapToDouble(r -> r[2]).toArray());
      commitMedian.put(name, Bench.percentile(c, 50));
      scanMedian.put(name, Bench.percentile(s, 50));
      det.put(name, Map.of("runsMs", rs, "commitBestMs", c[0], "commitMedianMs", Bench.percentile(c, 50),
          "scanBestMs", s[0], "scanMedianMs", Bench.percentile(s, 50)));
    }
    details.put(store + "/cold", det);
    metrics.add(new Metric(store, "cold", "JVM start to first committed append (median)", "ms", false,
        commitMedian));
    metrics.add(new Metric(store, "cold", "JVM start to first scan result (median)", "ms", false, scanMedian));
  }

  // ---------------------------------------------------------------- 6. S3 requests

  private void requests(Peer.Store direct) throws Exception {
    int appends = intOpt("requestAppends", 20);
    int files = 10;
    int per = 10_000;
    try (CountingS3Proxy proxy = CountingS3Proxy.start(direct.endpoint())) {
      Peer.Store where = Peer.Store.s3(proxy.endpoint(), direct.bucket(), direct.prefix());
      Bench.out("requests counted by a loopback proxy; table of %d appends x %,d rows, then %d single-row appends on"
          + " the warm handle; scans on the warm handle", files, per, appends);
      Bench.out("| operation | system | requests | breakdown |");
      Bench.out("|---|---|---:|---|");
      Map<String, Map<String, Double>> byOp = new LinkedHashMap<>();
      Map<String, Object> det = new LinkedHashMap<>();
      for (String name : PEERS) {
        Map<String, Object> sd = new LinkedHashMap<>();
        try (Peer peer = Peer.open(name, where)) {
          proxy.reset();
          Peer.PeerTable t = peer.create("requests");
          countOp(byOp, sd, "create table", name, proxy);
          for (int f = 0; f < files; f++) {
            proxy.reset();
            t.append(new Bench.Columns((long) f * per, per), 0, per);
            if (f == files - 1) {
              countOp(byOp, sd, "append of 10,000 rows (last of " + files + ")", name, proxy);
            }
          }
          int[] counts = new int[appends];
          Map<String, Integer> last = null;
          for (int i = 0; i < appends; i++) {
            proxy.reset();
            t.appendOne(1_000_000 + i);
            counts[i] = proxy.total();
            last = proxy.counts();
          }
          Arrays.sort(counts);
          byOp.computeIfAbsent("single-row append, warm handle (median of " + appends + ")", k -> new LinkedHashMap<>())
              .put(name, (double) counts[appends / 2]);
          sd.put("single-row append", Map.of("median", counts[appends / 2], "min", counts[0], "max",
              counts[appends - 1], "lastBreakdown", last));
          Bench.out("| single-row append, warm handle (median; min %d, max %d) | %s | %d | %s |", counts[0],
              counts[appends - 1], name, counts[appends / 2], last);
          long total = (long) files * per + appends;
          proxy.reset();
          check(name, total, t.scanAll());
          countOp(byOp, sd, "full scan (" + (files + appends) + " data files)", name, proxy);
          proxy.reset();
          check(name, per / 10, t.scanRange(5L * per, 5L * per + per / 10));
          countOp(byOp, sd, "selective scan (1 file matches)", name, proxy);
          proxy.reset();
          Peer.PeerTable cold = peer.load("requests");
          countOp(byOp, sd, "load table (warm client)", name, proxy);
          Bench.consume(cold.hashCode());
        }
        det.put(name, sd);
      }
      byOp.forEach((op, values) -> metrics.add(new Metric("s3", "requests", op, "requests", false, values)));
      details.put("s3/requests", det);
    }
  }

  private static void countOp(Map<String, Map<String, Double>> byOp, Map<String, Object> sd, String op, String name,
      CountingS3Proxy proxy) {
    int total = proxy.total();
    Map<String, Integer> counts = proxy.counts();
    byOp.computeIfAbsent(op, k -> new LinkedHashMap<>()).put(name, (double) total);
    sd.put(op, Map.of("requests", total, "breakdown", counts));
    Bench.out("| %s | %s | %d | %s |", op, name, total, counts);
  }

  // ---------------------------------------------------------------- 7. memory

  private void memory(String store, Peer.Store where) throws Exception {
    long rows = Long.parseLong(opts.getOrDefault("memoryRows", "10000000"));
    String heap = opts.getOrDefault("memoryHeap", "256m");
    Bench.out("child JVM -Xmx%s: one streaming append of %,d generated rows, then a streaming scan of them", heap,
        rows);
    Bench.out("| system | phase | seconds | peak heap used MiB (garbage included) | max heap live after a GC MiB |");
    Bench.out("|---|---|---:|---:|---:|");
    Map<String, Double> appendLive = new LinkedHashMap<>();
    Map<String, Double> scanLive = new LinkedHashMap<>();
    Map<String, Double> appendPeak = new LinkedHashMap<>();
    Map<String, Double> scanPeak = new LinkedHashMap<>();
    Map<String, Object> det = new LinkedHashMap<>();
    for (String name : PEERS) {
      Process p = child(List.of("-Xmx" + heap, "-Xms" + heap), "memory", name, where.toString(), "memory",
          String.valueOf(rows));
      Map<String, long[]> phases = new LinkedHashMap<>();
      StringBuilder other = new StringBuilder();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          String[] f = line.split(" ");
          if (f.length == 4 && (f[0].equals("append") || f[0].equals("scan"))) {
            phases.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
          } else {
            other.append(line).append('\n');
          }
        }
      }
      int rc = p.waitFor();
      Map<String, Object> sd = new LinkedHashMap<>();
      sd.put("exitCode", rc);
      for (Map.Entry<String, long[]> e : phases.entrySet()) {
        long[] v = e.getValue();
        sd.put(e.getKey(), Map.of("ms", v[0], "peakHeapBytes", v[1], "maxLiveAfterGcBytes", v[2]));
        Bench.out("| %s | %s | %.1f | %.0f | %.0f |", name, e.getKey(), v[0] / 1e3, v[1] / 1048576.0,
            v[2] / 1048576.0);
      }
      if (rc != 0 || phases.size() != 2) {
        String tail = other.length() > 2000 ? other.substring(other.length() - 2000) : other.toString();
        sd.put("error", tail);
        Bench.out("| %s | failed (exit %d) | | | |", name, rc);
        Bench.out("  %s", tail.replace('\n', ' '));
      }
      det.put(name, sd);
      if (phases.containsKey("append")) {
        appendPeak.put(name, round(phases.get("append")[1] / 1048576.0, 0));
        appendLive.put(name, round(phases.get("append")[2] / 1048576.0, 0));
      }
      if (phases.containsKey("scan")) {
        scanPeak.put(name, round(phases.get("scan")[1] / 1048576.0, 0));
        scanLive.put(name, round(phases.get("scan")[2] / 1048576.0, 0));
      }
    }
    details.put(store + "/memory", det);
    String r = fmtRows(rows);
    metrics.add(new Metric(store, "memory", r + "-row streaming append: max live heap after GC", "MiB", false,
        appendLive));
    metrics.add(new Metric(store, "memory", r + "-row streaming scan: max live heap after GC", "MiB", false,
        scanLive));
    metrics.add(new Metric(store, "memory", r + "-row streaming append: peak heap used (-Xmx" + heap + ")", "MiB",
        false, appendPeak));
    metrics.add(new Metric(store, "memory", r + "-row streaming scan: peak heap used (-Xmx" + heap + ")", "MiB",
        false, scanPeak));
  }

  // ---------------------------------------------------------------- machine

  private static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu", Bench.cpuModel());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("memTotal", memTotal());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("jvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments());
    m.put("scratch", System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
    m.put("iceberg", org.apache.iceberg.IcebergBuild.version());
    m.put("s3Server", "S3Proxy 4.1.0 in-process, transient store, 127.0.0.1; S3A read stream: DataShard "
        + DataShardPeer.readStream().name().toLowerCase(java.util.Locale.ROOT) + ", Iceberg and parquet-java "
        + IcebergPeer.s3aReadStream());
    m.put("loadAtStart", Bench.loadAverage());
    return m;
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "n/a";
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0;
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  static Set<String> systems(List<Metric> metrics) {
    Set<String> s = new HashSet<>();
    metrics.forEach(m -> s.addAll(m.values().keySet()));
    return s;
  }
}
