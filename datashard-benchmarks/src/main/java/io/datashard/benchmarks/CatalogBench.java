package io.datashard.benchmarks;

import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Warehouse;
import io.datashard.s3.CountingS3Proxy;
import io.datashard.s3.S3ProxyServer;
import io.datashard.s3.S3StorageBackend;
import io.datashard.server.DataShardServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * The three doors to a table on loopback S3 (in-process S3Proxy), in one run (issue 17, "Performance"):
 * <ol>
 *   <li>{@code library}: the DataShard library directly ({@link Warehouse} on its S3 backend,
 *       {@code Table.appendRecords} of one row);</li>
 *   <li>{@code rest}: Apache Iceberg's {@link RESTCatalog} client talking HTTP to an in-process {@link DataShardServer}
 *       (127.0.0.1, free port, authentication off) on the same S3; each append writes a one-row Parquet file with
 *       Iceberg's generic writer through the client's FileIO ({@code io.datashard.iceberg.StorageFileIO}) and commits
 *       it with {@code table.newAppend().appendFile(..).commit()};</li>
 *   <li>{@code hadoop}: Apache Iceberg's {@link HadoopCatalog} on the same S3 through Hadoop S3A, the same one-row
 *       file and fast append. Each client gets its own lock manager ({@link PerClientLock}), as separate engine
 *       processes would: Iceberg's default in-memory lock is JVM-wide and would serialise this run's threads, which
 *       no set of separate writers on an object store gets.</li>
 * </ol>
 * Per path, on one table: rounds of single-client appends on a warm handle (p50/p95), rounds of load-table on a fresh
 * handle (p50/p95), then 1, 2, 4, 8, 16 concurrent clients (threads, each with its own client, catalog and handle)
 * appending single rows. Afterwards every acknowledged append is looked for in the table: present exactly once,
 * lost, or duplicated. Between the two, a few appends and loads per path go through a {@link CountingS3Proxy}, to
 * count the S3 requests each path makes.
 *
 * <p>Two more paths on local disk, not in the default set: {@code library-local} (the library on a temporary folder)
 * and {@code library-rest-local} (the library through a second server whose warehouse is a temporary folder); they
 * take no part in the S3 request counts.
 *
 * <p>Arguments (key=value, all optional): {@code paths=library,library-rest,rest,hadoop rounds=3 warmup=3 appends=20 loads=10
 * writers=1,2,4,8,16 commitsPerLevel=16 minEach=2 requests=5 pairs=0 requestLog=false serverCache=1000 latencyMs=0
 * serverGroupCommit=true serverHintAsync=true upkeep=true} ({@code latencyMs=N}: every path reaches S3 through a front that delays each request by N
 * + 0..10 ms; {@code serverGroupCommit=false}: the server commits each request on its own) ({@code requestLog=true} prints each S3 request of one more append per
 * path) ({@code pairs=N}: after the rounds, N single-row appends to the library directly and N through the server
 * alternate, one of each in turn, on both backends where both paths are in {@code paths}) (each concurrency level makes max(minEach, commitsPerLevel / W)
 * appends per client). Iceberg's and Hadoop's retry warnings are silenced (level ERROR), as they are expected here.
 */
public final class CatalogBench {
  static final String LIB = "library";
  static final String REST = "rest";
  static final String HADOOP = "hadoop";
  /** The DataShard library itself on the REST server ({@code Warehouse.rest}), data files straight to S3. */
  static final String LIBREST = "library-rest";
  /** The library directly on local disk (a temporary folder): the direct side of the local-disk comparison. */
  static final String LIB_LOCAL = "library-local";
  /** The library on a second REST server whose warehouse is a local folder; data files straight to that folder. */
  static final String LIBREST_LOCAL = "library-rest-local";
  /** The table of the library-rest path, in the REST server's namespace {@code ns}. */
  static final String LIBREST_TABLE = "ns.lib";
  static final TableIdentifier ID = TableIdentifier.of("ns", "t");
  /** The same retry budget on every path: enough that contention at 16 clients never exhausts it. */
  static final Map<String, String> RETRIES = Map.of(
      TableProperties.COMMIT_NUM_RETRIES, "1000",
      TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "5",
      TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "1000",
      TableProperties.COMMIT_TOTAL_RETRY_TIME_MS, "600000");

  private final Map<String, String> opts;

  /**
   * The benchmark tables' properties: {@link #RETRIES}, plus {@code write.datashard.upkeep.enabled=false} with
   * {@code upkeep=false} (the library's background upkeep then does not share the machine with the appends timed).
   */
  private Map<String, String> tableProperties() {
    Map<String, String> p = new HashMap<>(RETRIES);
    if (!Boolean.parseBoolean(opts.getOrDefault("upkeep", "true"))) {
      p.put(io.datashard.TableProperties.UPKEEP_ENABLED, "false");
    }
    return p;
  }
  private final S3ProxyServer s3;
  private DataShardServer server;
  private DataShardServer localServer;
  private java.nio.file.Path localRoot;
  private final Map<String, AtomicLong> nextId = new ConcurrentHashMap<>();
  private final Map<String, Set<Long>> acked = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> failed = new ConcurrentHashMap<>();
  private final Map<String, List<String>> failures = new ConcurrentHashMap<>();

  /** Where every path reaches S3: S3Proxy itself, or the latency-injecting front ({@code latencyMs=N}). */
  private final java.net.URI endpoint;

  private CatalogBench(Map<String, String> opts, S3ProxyServer s3, java.net.URI endpoint) {
    this.opts = opts;
    this.s3 = s3;
    this.endpoint = endpoint;
  }

  /** One client of one path: its own connection to the table. */
  interface Client extends AutoCloseable {
    /** Appends one row with this id and returns when the commit is acknowledged. */
    void appendOne(long id);

    /** Loads the table afresh (a new handle), as a new query or job would. */
    void loadTable();

    @Override
    void close();
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
    // Commit retries (Iceberg's Tasks, HadoopTableOperations) are expected under contention; keep the report readable.
    for (String quiet : List.of("org.apache.iceberg", "org.apache.hadoop")) {
      System.setProperty("org.slf4j.simpleLogger.log." + quiet, "error");
    }
    long latency = Long.parseLong(opts.getOrDefault("latencyMs", "0"));
    try (S3ProxyServer s3 = S3ProxyServer.builder().maxThreads(256).start();
         CountingS3Proxy front = latency > 0 ? CountingS3Proxy.start(s3.endpoint()) : null) {
      if (front != null) {
        front.latency(latency, 10); // each request waits latency + 0..10 ms, as on a real store
      }
      CatalogBench b = new CatalogBench(opts, s3, front != null ? front.endpoint() : s3.endpoint());
      try {
        b.runAll();
      } finally {
        if (b.server != null) {
          b.server.close();
        }
        if (b.localServer != null) {
          b.localServer.close();
        }
        if (b.localRoot != null) {
          Bench.deleteRecursively(b.localRoot);
        }
      }
    }
  }

  /**
   * {@code serverCache=N}: the server catalog's version cache size (docs/catalog.md; 0 = off, default 1000);
   * {@code serverHintAsync=false}: the server writes each version hint before it answers the commit;
   * {@code serverCommitCheckMs=N}: how long a checked cached version is committed on unchecked (0: check the cached
   * version before every commit, as before 2026-12-04; default 1000).
   */
  private void serverCache(Map<String, String> props) {
    if (opts.containsKey("serverCommitCheckMs")) {
      props.put("datashard.metadata-cache.commit-check-interval-ms", opts.get("serverCommitCheckMs"));
    }
    if (opts.containsKey("serverCache")) {
      props.put("datashard.metadata-cache.max-tables", opts.get("serverCache"));
    }
    if (opts.containsKey("serverHintAsync")) {
      props.put("datashard.version-hint.async", opts.get("serverHintAsync"));
    }
  }

  private int intOpt(String key, int def) {
    return Integer.parseInt(opts.getOrDefault(key, String.valueOf(def)));
  }

  private void runAll() throws Exception {
    List<String> paths = List.of(opts.getOrDefault("paths", LIB + "," + LIBREST + "," + REST + "," + HADOOP).split(","));
    int rounds = intOpt("rounds", 3);
    int warmup = intOpt("warmup", 3);
    int appends = intOpt("appends", 20);
    int loads = intOpt("loads", 10);
    List<Integer> writers = Arrays.stream(opts.getOrDefault("writers", "1,2,4,8,16").split(","))
        .map(String::trim).map(Integer::parseInt).toList();
    int perLevel = intOpt("commitsPerLevel", 16);
    int minEach = intOpt("minEach", 2);
    long t0 = System.nanoTime();
    Bench.out("## Catalog paths on loopback S3 (S3Proxy %s, %s ms injected per request); Iceberg %s; load %s",
        endpoint, opts.getOrDefault("latencyMs", "0"), org.apache.iceberg.IcebergBuild.version(), Bench.loadAverage());
    for (String p : paths) {
      setUp(p);
      nextId.put(p, new AtomicLong());
      acked.put(p, ConcurrentHashMap.newKeySet());
      failed.put(p, new AtomicInteger());
      failures.put(p, Collections.synchronizedList(new ArrayList<>()));
    }

    Map<String, List<double[]>> appendRounds = new LinkedHashMap<>();
    Map<String, List<double[]>> loadRounds = new LinkedHashMap<>();
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < paths.size(); k++) {
        String p = paths.get((k + r) % paths.size()); // rotate the order, so no path always goes first
        try (Client c = client(p)) {
          for (int i = 0; i < warmup; i++) {
            append(p, c);
          }
          double[] a = new double[appends];
          for (int i = 0; i < appends; i++) {
            long s = System.nanoTime();
            append(p, c);
            a[i] = (System.nanoTime() - s) / 1e6;
          }
          double[] l = new double[loads];
          for (int i = 0; i < loads; i++) {
            long s = System.nanoTime();
            c.loadTable();
            l[i] = (System.nanoTime() - s) / 1e6;
          }
          appendRounds.computeIfAbsent(p, x -> new ArrayList<>()).add(Bench.sortedCopy(a));
          loadRounds.computeIfAbsent(p, x -> new ArrayList<>()).add(Bench.sortedCopy(l));
          Bench.out("round %d %-8s append p50 %7.2f p95 %7.2f ms | load p50 %7.2f p95 %7.2f ms (load %s)", r + 1,
              p, Bench.percentile(a = Bench.sortedCopy(a), 50), Bench.percentile(a, 95),
              Bench.percentile(l = Bench.sortedCopy(l), 50), Bench.percentile(l, 95), Bench.loadAverage());
        }
      }
    }

    int pairs = intOpt("pairs", 0);
    if (pairs > 0) {
      pairedRun(paths, LIB, LIBREST, pairs, warmup);
      pairedRun(paths, LIB_LOCAL, LIBREST_LOCAL, pairs, warmup);
    }

    Map<String, String> requestCounts = countRequests(paths.stream()
        .filter(p -> !p.equals(LIB_LOCAL) && !p.equals(LIBREST_LOCAL)).toList(), intOpt("requests", 5));

    Map<String, Map<Integer, double[]>> sweep = new LinkedHashMap<>();
    for (int w : writers) {
      for (String p : paths) {
        int each = Math.max(minEach, perLevel / w);
        double[] res = concurrent(p, w, each);
        sweep.computeIfAbsent(p, x -> new LinkedHashMap<>()).put(w, res);
        Bench.out("%-8s %2d clients x %2d appends: %4.0f acknowledged in %6.2f s = %6.1f commits/s, %d failed "
            + "(load %s)", p, w, each, res[0], res[1], res[0] / res[1], (int) res[2], Bench.loadAverage());
      }
    }

    Map<String, int[]> checks = new LinkedHashMap<>();
    for (String p : paths) {
      checks.put(p, verify(p));
    }

    // ---------------------------------------------------------------- report
    Bench.out("");
    Bench.out("| path | single-row append p50 ms (median of rounds; min-max) | append p95 ms | load-table p50 ms "
        + "(median; min-max) | load-table p95 ms | " + String.join(" | ", writers.stream()
        .map(w -> w + " client" + (w == 1 ? "" : "s") + " commits/s").toList())
        + " | acknowledged | present once | lost | duplicated | failed appends |");
    Bench.out("|" + " --- |".repeat(5 + writers.size() + 5));
    for (String p : paths) {
      StringBuilder row = new StringBuilder("| " + label(p) + " | " + spread(appendRounds.get(p), 50) + " | "
          + spread(appendRounds.get(p), 95) + " | " + spread(loadRounds.get(p), 50) + " | "
          + spread(loadRounds.get(p), 95) + " |");
      for (int w : writers) {
        double[] res = sweep.get(p).get(w);
        row.append(Bench.fmt(" %.1f |", res[0] / res[1]));
      }
      int[] c = checks.get(p);
      row.append(Bench.fmt(" %d | %d | %d | %d | %d |", c[0], c[1], c[2], c[3], failed.get(p).get()));
      Bench.out("%s", row);
    }
    Bench.out("");
    Bench.out("S3 requests (counted by a proxy in front of S3Proxy, one warm client, server included):");
    requestCounts.forEach((p, c) -> Bench.out("- %s: %s", label(p), c));
    if (appendRounds.containsKey(LIB) && appendRounds.containsKey(REST)) {
      double lib = median(appendRounds.get(LIB), 50);
      double rest = median(appendRounds.get(REST), 50);
      Bench.out("");
      Bench.out("REST server / library, single-row append p50: %.2f / %.2f ms = %.2f (target <= 1.20)", rest, lib,
          rest / lib);
    }
    if (appendRounds.containsKey(LIB) && appendRounds.containsKey(LIBREST)) {
      double lib = median(appendRounds.get(LIB), 50);
      double viaRest = median(appendRounds.get(LIBREST), 50);
      Bench.out("library through REST / library direct, single-row append p50: %.2f / %.2f ms = %.2f (+%.2f ms)",
          viaRest, lib, viaRest / lib, viaRest - lib);
    }
    if (appendRounds.containsKey(LIB_LOCAL) && appendRounds.containsKey(LIBREST_LOCAL)) {
      double lib = median(appendRounds.get(LIB_LOCAL), 50);
      double viaRest = median(appendRounds.get(LIBREST_LOCAL), 50);
      Bench.out("local disk: library through REST / library direct, single-row append p50: %.2f / %.2f ms = %.2f "
          + "(+%.2f ms)", viaRest, lib, viaRest / lib, viaRest - lib);
    }
    for (String p : paths) {
      List<String> f = failures.get(p);
      if (!f.isEmpty()) {
        Bench.out("%s: first failures: %s", p, f.subList(0, Math.min(3, f.size())));
      }
    }
    COMMIT_NANOS.forEach((k, v) -> {
      double[] ms;
      synchronized (v) {
        ms = Bench.sortedCopy(v.stream().mapToDouble(n -> n / 1e6).toArray());
      }
      Bench.out("%s: newAppend().appendFile(..).commit() alone (data file already written), all appends: p50 %.1f ms, "
          + "p95 %.1f ms", k, Bench.percentile(ms, 50), Bench.percentile(ms, 95));
    });
    if (server != null) {
      Bench.out("DataShardServer: %d commits in %d versions (group commit), %d appends moved onto a newer head, "
          + "%d commit conflicts answered 409", server.metrics().commits(), server.metrics().versionsPublished(),
          server.metrics().appendsMoved(), server.metrics().commitConflicts());
    }
    Bench.out("catalog bench done in %.0f s; load %s", (System.nanoTime() - t0) / 1e9, Bench.loadAverage());
  }

  /**
   * Direct and through REST side by side: one warm handle on each, appending one row to each in turn, so that the
   * machine's noise (other processes, the garbage collector, S3Proxy's own pauses) falls on both paths alike.
   * Prints both p50s, their ratio, and the median of the per-pair differences; and, for scale, the p50 of two
   * round trips to the server from a third client between pairs: a load-table (it carries the whole metadata, as a
   * commit's answer must, and converts it) and a table-exists check (a {@code HEAD}, nothing carried).
   */
  private void pairedRun(List<String> paths, String direct, String viaRest, int pairs, int warmup) throws Exception {
    if (!paths.contains(direct) || !paths.contains(viaRest)) {
      return;
    }
    try (Client d = client(direct); Client r = client(viaRest); Client probe = client(viaRest)) {
      for (int i = 0; i < warmup; i++) {
        append(direct, d);
        append(viaRest, r);
      }
      double[] a = new double[pairs];
      double[] b = new double[pairs];
      double[] diff = new double[pairs];
      double[] loads = new double[pairs];
      double[] heads = new double[pairs];
      for (int i = 0; i < pairs; i++) {
        long t = System.nanoTime();
        probe.loadTable();
        loads[i] = (System.nanoTime() - t) / 1e6;
        t = System.nanoTime();
        ((LibraryClient) probe).exists();
        heads[i] = (System.nanoTime() - t) / 1e6;
        boolean directFirst = i % 2 == 0; // neither path always goes first
        for (int k = 0; k < 2; k++) {
          boolean isDirect = directFirst == (k == 0);
          long s = System.nanoTime();
          append(isDirect ? direct : viaRest, isDirect ? d : r);
          double ms = (System.nanoTime() - s) / 1e6;
          if (isDirect) {
            a[i] = ms;
          } else {
            b[i] = ms;
          }
        }
        diff[i] = b[i] - a[i];
      }
      double pa = Bench.percentile(Bench.sortedCopy(a), 50);
      double pb = Bench.percentile(Bench.sortedCopy(b), 50);
      Bench.out("paired, %d alternating single-row appends each: %s p50 %.2f ms, %s p50 %.2f ms: %.2fx (+%.2f ms); "
          + "median per-pair difference %+.2f ms; mean %.2f vs %.2f ms (load %s)", pairs, direct, pa, viaRest, pb,
          pb / pa, pb - pa, Bench.percentile(Bench.sortedCopy(diff), 50), mean(a), mean(b), Bench.loadAverage());
      Bench.out("  round trips to the server meanwhile (p50): load-table %.2f ms, table-exists %.2f ms",
          Bench.percentile(Bench.sortedCopy(loads), 50), Bench.percentile(Bench.sortedCopy(heads), 50));
    }
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  private static String label(String p) {
    return switch (p) {
      case LIB -> "DataShard library";
      case REST -> "Iceberg RESTCatalog -> DataShardServer";
      case LIBREST -> "DataShard library -> DataShardServer (Warehouse.rest)";
      case HADOOP -> "Iceberg HadoopCatalog (S3A)";
      case LIB_LOCAL -> "DataShard library, local disk";
      case LIBREST_LOCAL -> "DataShard library -> DataShardServer, local disk";
      default -> p;
    };
  }

  private static double median(List<double[]> rounds, double pct) {
    double[] v = rounds.stream().mapToDouble(a -> Bench.percentile(a, pct)).sorted().toArray();
    return v[v.length / 2];
  }

  private static String spread(List<double[]> rounds, double pct) {
    double[] v = rounds.stream().mapToDouble(a -> Bench.percentile(a, pct)).sorted().toArray();
    return Bench.fmt("%.1f (%.1f-%.1f)", v[v.length / 2], v[0], v[v.length - 1]);
  }

  private void append(String p, Client c) {
    long id = nextId.get(p).getAndIncrement();
    try {
      c.appendOne(id);
      if (!acked.get(p).add(id)) {
        throw new IllegalStateException("id " + id + " acknowledged twice");
      }
    } catch (RuntimeException e) {
      failed.get(p).incrementAndGet();
      failures.get(p).add(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * S3 requests per single-row append (warm handle) and per load-table, per path, through a {@link CountingS3Proxy}
   * in front of the same S3Proxy (for the REST path a second server on the same warehouse reaches S3 through it).
   */
  private Map<String, String> countRequests(List<String> paths, int n) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    if (n <= 0) {
      return out;
    }
    try (CountingS3Proxy proxy = CountingS3Proxy.start(endpoint)) {
      for (String p : paths) {
        DataShardServer counted = null;
        Client c;
        switch (p) {
          case LIB -> c = new LibraryClient(libraryWarehouse(proxy.endpoint()), "t");
          case LIBREST -> {
            Map<String, String> props = new HashMap<>(s3Properties("rest", proxy.endpoint()));
            props.put("datashard.use-environment", "false");
            serverCache(props);
            counted = DataShardServer.builder().catalogProperties(props).port(0).insecureNoAuth().build().start();
            c = new LibraryClient(restLibraryWarehouse(counted, proxy.endpoint()), LIBREST_TABLE);
          }
          case REST -> {
            Map<String, String> props = new HashMap<>(s3Properties("rest", proxy.endpoint()));
            props.put("datashard.use-environment", "false");
            serverCache(props);
            counted = DataShardServer.builder().catalogProperties(props).port(0).insecureNoAuth().build().start();
            c = new IcebergClient(restCatalog(counted, proxy.endpoint()));
          }
          default -> c = new IcebergClient(hadoopCatalog(proxy.endpoint()));
        }
        try (c) {
          append(p, c); // warm
          proxy.reset();
          for (int i = 0; i < n; i++) {
            append(p, c);
          }
          Map<String, Integer> appendCounts = proxy.counts();
          int appendTotal = proxy.total();
          if (Boolean.parseBoolean(opts.getOrDefault("requestLog", "false"))) {
            proxy.reset();
            append(p, c);
            proxy.requests().forEach(q -> Bench.out("  %s append request: %s %s%s", p, q.method(), q.path(),
                q.query() == null || q.query().isEmpty() ? "" : "?" + q.query()));
          }
          proxy.reset();
          for (int i = 0; i < n; i++) {
            c.loadTable();
          }
          int loadTotal = proxy.total();
          out.put(p, Bench.fmt("%.1f per append %s; %.1f per load-table", appendTotal / (double) n,
              perOp(appendCounts, n), loadTotal / (double) n));
        } finally {
          if (counted != null) {
            counted.close();
          }
        }
      }
    }
    return out;
  }

  private static Map<String, String> perOp(Map<String, Integer> counts, int n) {
    Map<String, String> m = new java.util.TreeMap<>();
    counts.forEach((k, v) -> m.put(k, Bench.fmt("%.1f", v / (double) n)));
    return m;
  }

  /** @return {acknowledged, seconds, failed} for w clients appending {@code each} rows each at once */
  private double[] concurrent(String p, int w, int each) throws Exception {
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < w; i++) {
      Client c = client(p);
      c.loadTable();
      clients.add(c);
    }
    int ackedBefore = acked.get(p).size();
    int failedBefore = failed.get(p).get();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (Client c : clients) {
      Thread t = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < each; i++) {
            append(p, c);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, p + "-writer");
      threads.add(t);
      t.start();
    }
    long s = System.nanoTime();
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - s) / 1e9;
    clients.forEach(Client::close);
    return new double[] {acked.get(p).size() - ackedBefore, seconds, failed.get(p).get() - failedBefore};
  }

  /** @return {acknowledged, present exactly once, lost, duplicated} */
  private int[] verify(String p) {
    List<Long> ids = new ArrayList<>();
    if (p.equals(LIB) || p.equals(LIBREST) || p.equals(LIB_LOCAL) || p.equals(LIBREST_LOCAL)) {
      try (LibraryClient c = (LibraryClient) client(p)) {
        for (Row r : c.table().scan().toList()) {
          ids.add((Long) r.get("id"));
        }
      }
    } else {
      Catalog cat = p.equals(REST) ? restCatalog() : hadoopCatalog();
      try (CloseableIterable<Record> rows = IcebergGenerics.read(cat.loadTable(ID)).build()) {
        for (Record r : rows) {
          ids.add((Long) r.getField("id"));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        closeQuietly(cat);
      }
    }
    Map<Long, Integer> count = new HashMap<>();
    ids.forEach(id -> count.merge(id, 1, Integer::sum));
    Set<Long> ack = acked.get(p);
    int once = 0;
    int lost = 0;
    int dup = 0;
    for (long id : ack) {
      int n = count.getOrDefault(id, 0);
      if (n == 0) {
        lost++;
      } else if (n == 1) {
        once++;
      } else {
        dup++;
      }
    }
    long unacked = count.keySet().stream().filter(id -> !ack.contains(id)).count();
    Bench.out("%-8s check: %d acknowledged, %d present exactly once, %d lost, %d duplicated; %d rows in table, %d of "
        + "them from appends that reported failure", p, ack.size(), once, lost, dup, ids.size(), unacked);
    return new int[] {ack.size(), once, lost, dup};
  }

  private static void closeQuietly(Catalog c) {
    if (c instanceof AutoCloseable a) {
      try {
        a.close();
      } catch (Exception e) {
        // nothing to do at the end of a benchmark
      }
    }
  }

  // ---------------------------------------------------------------- set-up and clients

  private void setUp(String p) throws Exception {
    switch (p) {
      case LIB -> {
        try (Warehouse wh = libraryWarehouse()) {
          wh.createTable("t", Bench.SCHEMA, PartitionSpec.unpartitioned(), tableProperties());
        }
      }
      case REST -> {
        startServer();
        RESTCatalog c = restCatalog();
        try {
          if (!c.namespaceExists(Namespace.of("ns"))) {
            c.createNamespace(Namespace.of("ns"));
          }
          c.createTable(ID, IcebergPeer.SCHEMA, org.apache.iceberg.PartitionSpec.unpartitioned(), tableProperties());
        } finally {
          closeQuietly(c);
        }
      }
      case LIBREST -> {
        startServer();
        try (Warehouse wh = restLibraryWarehouse(server, endpoint)) {
          wh.createTable(LIBREST_TABLE, Bench.SCHEMA, PartitionSpec.unpartitioned(), tableProperties());
        }
      }
      case LIB_LOCAL -> {
        try (Warehouse wh = localWarehouse()) {
          wh.createTable("t", Bench.SCHEMA, PartitionSpec.unpartitioned(), tableProperties());
        }
      }
      case LIBREST_LOCAL -> {
        startLocalServer();
        try (Warehouse wh = Warehouse.rest(localServer.uri().toString(), Map.of(), Map.of())) {
          wh.createTable(LIBREST_TABLE, Bench.SCHEMA, PartitionSpec.unpartitioned(), tableProperties());
        }
      }
      case HADOOP -> {
        HadoopCatalog c = hadoopCatalog();
        try {
          c.createNamespace(Namespace.of("ns"));
          c.createTable(ID, IcebergPeer.SCHEMA, org.apache.iceberg.PartitionSpec.unpartitioned(), tableProperties());
        } finally {
          closeQuietly(c);
        }
      }
      default -> throw new IllegalArgumentException("unknown path " + p + "; use library, library-rest, rest, hadoop, "
          + "library-local or library-rest-local");
    }
  }

  /** Starts the REST server both REST paths talk to, once. */
  private void startServer() throws Exception {
    if (server != null) {
      return;
    }
    Map<String, String> props = new HashMap<>(s3Properties("rest"));
    props.put("datashard.use-environment", "false");
    serverCache(props);
    boolean groupCommit = Boolean.parseBoolean(opts.getOrDefault("serverGroupCommit", "true"));
    server = DataShardServer.builder().catalogProperties(props).port(0).insecureNoAuth()
        .coalesceCommits(groupCommit).maxThreads(256).build().start();
    Bench.out("DataShardServer on %s (no authentication, group commit %s), warehouse %s", server.uri(),
        groupCommit ? "on" : "off", props.get(CatalogProperties.WAREHOUSE_LOCATION));
  }

  /** Starts the REST server of the local-disk path, once, on a warehouse folder next to the library's. */
  private void startLocalServer() throws Exception {
    if (localServer != null) {
      return;
    }
    Map<String, String> props = new HashMap<>();
    props.put("datashard.use-environment", "false");
    serverCache(props);
    localServer = DataShardServer.builder().warehouse(localRoot().resolve("rest").toString())
        .catalogProperties(props).port(0).insecureNoAuth().maxThreads(256).build().start();
    Bench.out("DataShardServer on %s (no authentication), warehouse %s", localServer.uri(), localRoot.resolve("rest"));
  }

  private java.nio.file.Path localRoot() throws IOException {
    if (localRoot == null) {
      localRoot = java.nio.file.Files.createTempDirectory("catalog-bench-");
    }
    return localRoot;
  }

  private Warehouse localWarehouse() {
    try {
      return Warehouse.local(localRoot().resolve("library"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The DataShard library on a REST server; data files go to S3 at {@code endpoint} with the test credentials. */
  private Warehouse restLibraryWarehouse(DataShardServer to, java.net.URI endpoint) {
    Map<String, String> env = new HashMap<>();
    env.put(io.datashard.s3.S3Config.ENV_ENDPOINT, endpoint.toString());
    env.put(io.datashard.s3.S3Config.ENV_REGION, S3ProxyServer.REGION);
    env.put(io.datashard.s3.S3Config.ENV_BUCKET, s3.bucket());
    env.put(io.datashard.s3.S3Config.ENV_ACCESS_KEY, S3ProxyServer.ACCESS_KEY);
    env.put(io.datashard.s3.S3Config.ENV_SECRET_KEY, S3ProxyServer.SECRET_KEY);
    env.put(io.datashard.s3.S3Config.ENV_PATH_STYLE, "true");
    return Warehouse.rest(to.uri().toString(), Map.of(), env);
  }

  private Map<String, String> s3Properties(String prefix) {
    return s3Properties(prefix, endpoint);
  }

  private Map<String, String> s3Properties(String prefix, java.net.URI endpoint) {
    return s3.catalogProperties(endpoint, prefix);
  }

  private Warehouse libraryWarehouse() {
    return libraryWarehouse(endpoint);
  }

  private Warehouse libraryWarehouse(java.net.URI endpoint) {
    return Warehouse.of(new S3StorageBackend(DataShardPeer.s3Config(endpoint, s3.bucket(), "library")));
  }

  private RESTCatalog restCatalog() {
    return restCatalog(server, endpoint);
  }

  private RESTCatalog restCatalog(DataShardServer to, java.net.URI endpoint) {
    Map<String, String> p = new HashMap<>(s3Properties("rest", endpoint));
    p.put("datashard.use-environment", "false");
    p.put(CatalogProperties.URI, to.uri().toString());
    p.put(CatalogProperties.FILE_IO_IMPL, "io.datashard.iceberg.StorageFileIO");
    RESTCatalog c = new RESTCatalog();
    c.initialize("bench-" + UUID.randomUUID(), p);
    return c;
  }

  private HadoopCatalog hadoopCatalog() {
    return hadoopCatalog(endpoint);
  }

  private HadoopCatalog hadoopCatalog(java.net.URI endpoint) {
    Configuration conf = IcebergPeer.s3aConfiguration(Peer.Store.s3(endpoint, s3.bucket(), "hadoop"));
    conf.setBoolean("fs.s3a.impl.disable.cache", !endpoint.equals(this.endpoint));
    HadoopCatalog c = new HadoopCatalog();
    c.setConf(conf);
    c.initialize("hadoop", Map.of(CatalogProperties.WAREHOUSE_LOCATION, "s3a://" + s3.bucket() + "/hadoop",
        CatalogProperties.LOCK_IMPL, PerClientLock.class.getName()));
    return c;
  }

  private Client client(String p) {
    return switch (p) {
      case LIB -> new LibraryClient(libraryWarehouse(), "t");
      case LIBREST -> new LibraryClient(restLibraryWarehouse(server, endpoint), LIBREST_TABLE);
      case LIB_LOCAL -> new LibraryClient(localWarehouse(), "t");
      case LIBREST_LOCAL -> new LibraryClient(Warehouse.rest(localServer.uri().toString(), Map.of(), Map.of()),
          LIBREST_TABLE);
      case REST -> new IcebergClient(restCatalog());
      case HADOOP -> new IcebergClient(hadoopCatalog());
      default -> throw new IllegalArgumentException(p);
    };
  }

  private static final class LibraryClient implements Client {
    private final Warehouse warehouse;
    private final String name;
    private io.datashard.Table table;

    LibraryClient(Warehouse warehouse, String name) {
      this.warehouse = warehouse;
      this.name = name;
      this.table = warehouse.loadTable(name);
    }

    @Override
    public void appendOne(long i) {
      table.appendRecords(List.of(Map.of("id", i, "name", Bench.name(i), "value", Bench.value(i), "ts",
          Bench.ts(i))));
    }

    @Override
    public void loadTable() {
      table = warehouse.loadTable(name);
    }

    io.datashard.Table table() {
      return table;
    }

    boolean exists() {
      return warehouse.tableExists(name);
    }

    @Override
    public void close() {
      warehouse.close();
    }
  }

  /** Per catalog class: time spent in {@code newAppend().appendFile(..).commit()} alone (after the data file). */
  static final Map<String, List<Long>> COMMIT_NANOS = new ConcurrentHashMap<>();

  private static final class IcebergClient implements Client {
    private final Catalog catalog;
    private Table table;

    IcebergClient(Catalog catalog) {
      this.catalog = catalog;
      this.table = catalog.loadTable(ID);
    }

    @Override
    public void appendOne(long i) {
      OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation(
          FileFormat.PARQUET.addExtension(UUID.randomUUID().toString())));
      Record r = GenericRecord.create(table.schema());
      r.setField("id", i);
      r.setField("name", Bench.name(i));
      r.setField("value", Bench.value(i));
      r.setField("ts", Bench.ts(i));
      DataWriter<Record> writer;
      try {
        writer = Parquet.writeData(out).forTable(table).createWriterFunc(GenericParquetWriter::create)
            .withSpec(table.spec()).overwrite().build();
        try (writer) {
          writer.write(r);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      DataFile file = writer.toDataFile();
      long c0 = System.nanoTime();
      table.newAppend().appendFile(file).commit();
      COMMIT_NANOS.computeIfAbsent(catalog.getClass().getSimpleName(), k -> Collections.synchronizedList(
          new ArrayList<>())).add(System.nanoTime() - c0);
    }

    @Override
    public void loadTable() {
      table = catalog.loadTable(ID);
    }

    @Override
    public void close() {
      closeQuietly(catalog);
    }
  }

  /**
   * A lock manager of one client's own, so that clients in this JVM contend on the object store as separate
   * processes do (each process's Iceberg in-memory lock is its own): acquiring always succeeds.
   */
  public static final class PerClientLock implements org.apache.iceberg.LockManager {
    /** Loaded by class name ({@code lock-impl}). */
    public PerClientLock() {
    }

    @Override
    public boolean acquire(String entityId, String ownerId) {
      return true;
    }

    @Override
    public boolean release(String entityId, String ownerId) {
      return true;
    }

    @Override
    public void initialize(Map<String, String> properties) {
    }

    @Override
    public void close() {
    }
  }
}
