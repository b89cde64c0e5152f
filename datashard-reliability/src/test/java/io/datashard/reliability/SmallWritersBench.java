package io.datashard.reliability;

import io.datashard.DataShardException;
import io.datashard.PartitionSpec;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import io.datashard.iceberg.DataShardCatalog;
import io.datashard.maintenance.Upkeep;
import io.datashard.s3.CountingS3Proxy;
import io.datashard.s3.S3ProxyServer;
import io.datashard.s3.S3StorageBackend;
import io.datashard.server.DataShardServer;
import io.datashard.table.TableHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.catalog.Namespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue 19's benchmarks, scaled to about three minutes (a main, not a test of speed; docs/benchmarks.md, "Many small
 * writers"):
 * <ol>
 *   <li><b>Contention</b>: W writer threads in one JVM make single-row appends to one table on S3Proxy behind the
 *       latency-injecting front ({@link CountingS3Proxy#latency}, 30 ms + 0..10 ms per request), for a fixed time,
 *       group commit on, then off (one commit per append), in the same run: acknowledged appends/s; every
 *       acknowledged append present exactly once (lost = 0 checked).
 *   <li><b>Processes</b>: P writer processes (16) with T threads (8) each do the same against one table, each
 *       process configured by {@code DATASHARD_*} variables alone; group commit on, then off.
 *   <li><b>Server</b> (phase {@code server}, not in the default set): the same processes through an in-process
 *       {@code datashard serve} ({@code DATASHARD_CATALOG_URI}) on the same S3 behind the same front, the server's
 *       group commit on, then off.
 *   <li><b>Long life</b>: N single-row appends by 16 threads (group commit on) to a local table with automatic
 *       upkeep on at its default thresholds: commit p50 over the first and the last appends, bytes under
 *       {@code metadata/} vs {@code data/}, and scan planning p50 vs the same table freshly compacted. Phase
 *       {@code longlife-rest} (not in the default set): the same through a {@code DataShardServer} on the same kind
 *       of local folder, the writers using the library's REST client (the server's group commit on).
 * </ol>
 *
 * <p>Run: {@code mvn -B -o -pl datashard-reliability -am test -Dtest=SmallWritersBench -Dreliability.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false} (-Dbench.writers=64 -Dbench.seconds=40 -Dbench.appends=20000
 * -Dbench.latencyMs=30 -Dbench.phases=contention,processes,server,longlife,longlife-rest; the long-life table's
 * -Dbench.previousVersionsMax, -Dbench.maxSnapshots, -Dbench.sizeRatio and -Dbench.removeTombstonesAfterMs, and
 * the writers' -Dbench.baseMaxAgeMs; the contended tables' -Dbench.retryMaxWaitMs
 * ({@code commit.retry.max-wait-ms}); -Dbench.groupOnly=true skips the one-commit-per-append runs; -Dbench.rows=varied writes event rows with one of 16 names and a measured value
 * instead of the minimal constant row).
 */
public final class SmallWritersBench {
  @Test
  @EnabledIfSystemProperty(named = "reliability.bench", matches = "true")
  void runBenchmark() throws Exception {
    main(new String[0]);
  }

  public static void main(String[] args) throws Exception {
    int writers = Integer.getInteger("bench.writers", 64);
    int seconds = Integer.getInteger("bench.seconds", 40);
    int appends = Integer.getInteger("bench.appends", 20_000);
    long latency = Long.getLong("bench.latencyMs", 30);
    System.out.println("SmallWritersBench " + java.time.Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
        + " cores");
    Set<String> phases = Set.of(System.getProperty("bench.phases", "contention,processes,longlife").split(","));
    try (S3ProxyServer s3 = S3ProxyServer.builder().maxThreads(256).start();
         CountingS3Proxy front = CountingS3Proxy.start(s3.endpoint())) {
      front.recordRequests(false);
      front.latency(latency, 10);
      for (boolean group : Boolean.getBoolean("bench.groupOnly") ? new boolean[] {true} : new boolean[] {true, false}) {
        if (phases.contains("contention")) {
          contention(s3, front, writers, seconds, group, latency);
        }
      }
      int processes = Integer.getInteger("bench.processes", 16);
      int processThreads = Integer.getInteger("bench.processThreads", 8);
      boolean[] modes = Boolean.getBoolean("bench.groupOnly") ? new boolean[] {true} : new boolean[] {true, false};
      if (processes > 0 && phases.contains("processes")) {
        for (boolean group : modes) {
          processes(s3, front, processes, processThreads, seconds, group, latency, null);
        }
      }
      if (processes > 0 && phases.contains("server")) {
        for (boolean serverGroup : new boolean[] {true, false}) {
          processes(s3, front, processes, processThreads, seconds, true, latency, serverGroup);
        }
      }
    }
    if (phases.contains("longlife")) {
      longLife(appends, false);
    }
    if (phases.contains("longlife-rest")) {
      longLife(appends, true);
    }
  }

  /**
   * @return a warehouse on S3Proxy through the latency-injecting front, holding the new table {@code t} with group
   *     commit on or off, upkeep off, and retries generous enough that contention alone never fails an append
   */
  private static Warehouse contendedTable(S3ProxyServer s3, CountingS3Proxy front, String prefix, boolean group,
      long retryMillis) {
    Warehouse wh = Warehouse.of(new S3StorageBackend(s3.configBuilder(front.endpoint()).prefix(prefix).build()));
    Map<String, String> props = new HashMap<>(Map.of(
        TableProperties.WRITE_GROUP_COMMIT, Boolean.toString(group),
        TableProperties.UPKEEP_ENABLED, "false",
        TableProperties.COMMIT_TOTAL_RETRY_TIME_MS, Long.toString(retryMillis),
        TableProperties.COMMIT_NUM_RETRIES, "1000"));
    String maxWait = System.getProperty("bench.retryMaxWaitMs");
    if (maxWait != null) {
      props.put(TableProperties.COMMIT_MAX_RETRY_WAIT_MS, maxWait);
    }
    wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), props);
    return wh;
  }

  /** One contention run: W threads append single rows for {@code seconds}, then the table is audited. */
  static void contention(S3ProxyServer s3, CountingS3Proxy front, int writers, int seconds, boolean group,
      long latency) throws Exception {
    String prefix = "contention-" + (group ? "group" : "single") + "-" + System.nanoTime();
    try (Warehouse wh = contendedTable(s3, front, prefix, group, 60_000)) {
      Set<Long> acked = ConcurrentHashMap.newKeySet();
      AtomicInteger failed = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      CountDownLatch start = new CountDownLatch(1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int worker = w;
        futures.add(pool.submit(() -> {
          Table t = wh.loadTable("t");
          start.await();
          for (int i = 0; System.nanoTime() < deadline; i++) {
            long id = worker * 1_000_000L + i;
            try {
              t.appendRecords(List.of(TestSchemas.event(id, "w" + worker, 1.0)));
              acked.add(id);
            } catch (DataShardException e) {
              failed.incrementAndGet();
            }
          }
          return null;
        }));
      }
      long t0 = System.nanoTime();
      start.countDown();
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.MINUTES);
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      pool.shutdown();
      Table t = wh.loadTable("t");
      List<Long> ids = new ArrayList<>();
      t.scan().select("id").toList().forEach(r -> ids.add((Long) r.get("id")));
      Set<Long> present = new HashSet<>(ids);
      long lost = acked.stream().filter(id -> !present.contains(id)).count();
      int duplicates = ids.size() - present.size();
      System.out.printf("| %s | %d | %.0f ms | %.1f | %d | %.1f | %d | %d | %d | %d |%n",
          group ? "group commit" : "one commit per append", writers, (double) latency, elapsed, acked.size(),
          acked.size() / elapsed, t.snapshots().size(), failed.get(), lost, duplicates);
      if (lost != 0 || duplicates != 0) {
        throw new AssertionError("lost " + lost + " acknowledged appends, " + duplicates + " duplicates");
      }
    }
  }

  /**
   * P writer processes with T threads each append single rows to one table through the latency-injecting front for
   * {@code seconds} (all starting at one agreed time, after the JVMs have started), then the table is audited: every
   * acknowledged append present exactly once, no failed one present.
   */
  static void processes(S3ProxyServer s3, CountingS3Proxy front, int processes, int threads, int seconds,
      boolean group, long latency, Boolean serverGroupCommit) throws Exception {
    String prefix = "processes-" + (group ? "group" : "single") + "-" + System.nanoTime();
    boolean viaServer = serverGroupCommit != null;
    // Through the server the table is ns.t: namespace ns is the folder ns of the server's warehouse.
    try (Warehouse wh = contendedTable(s3, front, viaServer ? prefix + "/ns" : prefix, group, 120_000);
         DataShardServer server = viaServer ? startServer(s3, front, prefix, serverGroupCommit) : null) {
      Map<String, String> env = new HashMap<>(s3.environment(front.endpoint(), prefix));
      String table = "t";
      if (server != null) {
        env.put(Warehouse.ENV_CATALOG_URI, server.uri().toString());
        table = "ns.t";
      }
      // the JVMs start one after another on a small machine: everyone begins at the same moment, after that
      long startAt = System.currentTimeMillis() + 2_000L * processes + 5_000L;
      long endAt = startAt + seconds * 1000L;
      Set<Long> acked = ConcurrentHashMap.newKeySet();
      Set<Long> failed = ConcurrentHashMap.newKeySet();
      List<Process> children = new ArrayList<>();
      List<Thread> readers = new ArrayList<>();
      for (int p = 0; p < processes; p++) {
        Process child = io.datashard.testing.ChildJvm.builder(env, SmallWritersWorker.class.getName(), table,
            Integer.toString(p), Integer.toString(threads), Long.toString(startAt), Long.toString(endAt))
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        children.add(child);
        Thread reader = new Thread(() -> readLines(child, acked, failed));
        reader.start();
        readers.add(reader);
      }
      for (Process child : children) {
        if (!child.waitFor(seconds + 2L * processes + 600, TimeUnit.SECONDS)) {
          child.destroyForcibly();
          throw new AssertionError("a writer process did not finish");
        }
      }
      for (Thread r : readers) {
        r.join();
      }
      double elapsed = Math.max(seconds, (System.currentTimeMillis() - startAt) / 1000.0);
      Table t = wh.loadTable("t");
      List<Long> ids = new ArrayList<>();
      t.scan().select("id").toList().forEach(r -> ids.add((Long) r.get("id")));
      Set<Long> present = new HashSet<>(ids);
      long lost = acked.stream().filter(id -> !present.contains(id)).count();
      int duplicates = ids.size() - present.size();
      String mode = !viaServer ? (group ? "group commit" : "one commit per append")
          : "through datashard serve, its group commit " + (serverGroupCommit ? "on" : "off");
      if (viaServer) {
        System.out.printf("  server: %d commits in %d versions, %d appends moved, %d answered 409%n",
            server.metrics().commits(), server.metrics().versionsPublished(), server.metrics().appendsMoved(),
            server.metrics().commitConflicts());
      }
      System.out.printf("| %s, %d processes x %d threads | %d | %.0f ms | %.1f | %d | %.1f | %d | %d | %d | %d |%n",
          mode, processes, threads, processes * threads,
          (double) latency, elapsed, acked.size(), acked.size() / elapsed, t.snapshots().size(),
          failed.size(), lost, duplicates);
      long failedPresent = failed.stream().filter(present::contains).count();
      if (lost != 0 || duplicates != 0 || failedPresent != 0) {
        throw new AssertionError("lost " + lost + " acknowledged appends, " + duplicates + " duplicates, "
            + failedPresent + " failed appends present");
      }
    }
  }

  /**
   * @return a {@code datashard serve} (in-process, 127.0.0.1, no authentication) on the warehouse at {@code prefix},
   *     reaching S3 through the latency-injecting front as the writers do, with namespace {@code ns}
   */
  private static DataShardServer startServer(S3ProxyServer s3, CountingS3Proxy front, String prefix,
      boolean groupCommit) throws Exception {
    Map<String, String> props = new HashMap<>(s3.catalogProperties(front.endpoint(), prefix));
    props.put("datashard.use-environment", "false");
    try (DataShardCatalog catalog = new DataShardCatalog()) {
      catalog.initialize("bench", props);
      if (!catalog.namespaceExists(Namespace.of("ns"))) {
        catalog.createNamespace(Namespace.of("ns"));
      }
    }
    return DataShardServer.builder().catalogProperties(props).port(0).insecureNoAuth().coalesceCommits(groupCommit)
        .maxThreads(256).build().start();
  }

  /** Reads a worker's {@code ACK <worker> <seq> <snapshot>} and {@code FAIL <worker> <seq> ...} lines. */
  private static void readLines(Process child, Set<Long> acked, Set<Long> failed) {
    try (java.io.BufferedReader r = child.inputReader(java.nio.charset.StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("NOLOAD ")) {
          System.out.println("  a writer could not load the table and did not run: " + line);
          continue;
        }
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[0].equals("ACK") || parts[0].equals("FAIL"))) {
          long id = Long.parseLong(parts[1]) * 1_000_000L + Long.parseLong(parts[2]);
          (parts[0].equals("ACK") ? acked : failed).add(id);
          if (parts[0].equals("FAIL") && failed.size() <= 3 && parts.length == 4) {
            System.out.println("  failed append " + id + ": " + parts[3]);
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** N single-row appends by 16 threads with automatic upkeep at its defaults, on local disk. */
  /**
   * @param throughServer whether the 16 writers append through a {@code DataShardServer} on the same local folder
   *     (the library's REST client, group commit on the server) instead of straight to the folder
   */
  static void longLife(int appends, boolean throughServer) throws Exception {
    Path dir = Files.createTempDirectory("small-writers");
    int threads = 16;
    DataShardServer server = throughServer ? DataShardServer.builder().warehouse(dir.toString()).bind("127.0.0.1")
        .port(0).insecureNoAuth().build().start() : null;
    String name = throughServer ? "ns.t" : "t";
    Path tableDir = throughServer ? dir.resolve("ns").resolve("t") : dir.resolve("t");
    Long baseMaxAgeMs = Long.getLong("bench.baseMaxAgeMs");
    try (Warehouse wh = throughServer ? Warehouse.rest(server.uri().toString(), Map.of(), Map.of())
        : baseMaxAgeMs == null ? Warehouse.local(dir)
        : Warehouse.local(dir).withBaseMaxAge(java.time.Duration.ofMillis(baseMaxAgeMs))) {
      Map<String, String> props = new HashMap<>(Map.of(TableProperties.UPKEEP_ENABLED, "true"));
      String removeAfter = System.getProperty("bench.removeTombstonesAfterMs");
      if (removeAfter != null) {
        props.put(TableProperties.UPKEEP_REMOVE_TOMBSTONES_AFTER_MS, removeAfter);
      }
      String versionsMax = System.getProperty("bench.previousVersionsMax");
      if (versionsMax != null) {
        props.put("write.metadata.previous-versions-max", versionsMax);
      }
      String sizeRatio = System.getProperty("bench.sizeRatio");
      if (sizeRatio != null) {
        props.put(TableProperties.UPKEEP_COMPACT_SIZE_RATIO, sizeRatio);
      }
      String maxSnapshots = System.getProperty("bench.maxSnapshots");
      if (maxSnapshots != null) {
        props.put(TableProperties.UPKEEP_MAX_SNAPSHOTS, maxSnapshots);
      }
      System.out.println("long life " + (throughServer ? "through DataShardServer " + server.uri() : "on local disk")
          + ", table properties: " + props + (baseMaxAgeMs == null ? "" : ", base age " + baseMaxAgeMs + " ms"));
      wh.createTable(name, TestSchemas.EVENTS, PartitionSpec.unpartitioned(), props);
      boolean varied = "varied".equals(System.getProperty("bench.rows"));
      System.out.println("rows: " + (varied ? "varied (one of 16 event names, a measured value)" : "minimal (\"e\", 1.0)"));
      long[] commitNanos = new long[appends];
      AtomicInteger next = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> futures = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int w = 0; w < threads; w++) {
        futures.add(pool.submit(() -> {
          Table t = wh.loadTable(name);
          for (int i = next.getAndIncrement(); i < appends; i = next.getAndIncrement()) {
            long s = System.nanoTime();
            t.appendRecords(List.of(varied ? variedEvent(i) : TestSchemas.event(i, "e", 1.0)));
            commitNanos[i] = System.nanoTime() - s;
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.MINUTES);
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      pool.shutdown();
      Table t = wh.loadTable(name);
      Upkeep upkeep = ((TableHandle) t).upkeep();
      upkeep.awaitIdle(120_000);
      long count = t.refresh().scan().select("id").toList().size();
      Map<String, Long> bytes = bytesUnder(tableDir);
      System.out.println("metadata/ at the end: " + metadataBreakdown(tableDir.resolve("metadata")));
      double planEnd = planningP50(t);
      List<io.datashard.FileScanTask> live = t.scan().planFiles();
      System.out.printf("live at the end: %d data files, %d bytes (of data/ %d bytes)%n", live.size(),
          live.stream().mapToLong(task -> task.file().fileSizeInBytes()).sum(), bytes.get("data"));
      long rowsCompacted = upkeep.rowsCompacted(); // before maintain(), which compacts the whole table once more
      t.maintain();
      t.refresh();
      double planCompacted = planningP50(t);
      System.out.printf("long life" + (throughServer ? " (REST)" : "") + ": %d single-row appends by %d threads in %.1f s (%.0f/s), %d rows read back; commit "
          + "p50 first 10 appends %.1f ms (p50 over first 100: %.1f ms), last 1000 %.1f ms; metadata/ %d bytes (%d "
          + "files), data/ %d bytes (%d files); current metadata+manifests %d bytes; snapshots %d; upkeep runs %d; "
          + "scan planning p50 %.2f ms at the end vs %.2f ms freshly compacted%n",
          appends, threads, elapsed, appends / elapsed, count, p50(commitNanos, 0, 10), p50(commitNanos, 0, 100),
          p50(commitNanos, appends - 1000, appends), bytes.get("metadata"), bytes.get("metadataFiles"),
          bytes.get("data"), bytes.get("dataFiles"), upkeep.lastResult() == null ? -1 : upkeep.lastResult().metadataBytes(),
          t.snapshots().size(), upkeep.runs(), planEnd, planCompacted);
      System.out.printf("compaction rewrote %d rows in this JVM's upkeep runs: %.1f times the rows appended%n",
          rowsCompacted, rowsCompacted / (double) appends);
      if (server != null) {
        System.out.printf("server: %d commits in %d versions%n", server.metrics().commits(),
            server.metrics().versionsPublished());
      }
      if (count != appends) {
        throw new AssertionError("rows read back " + count + " != " + appends);
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static final String[] EVENT_NAMES = {"page_view", "click", "add_to_cart", "remove_from_cart", "checkout",
      "purchase", "refund", "login", "logout", "signup", "search", "share", "rate", "comment", "subscribe",
      "unsubscribe"};

  /**
   * An event row as a service might append it: the same three columns as the minimal row, with one of 16 event names
   * and a measured value (a price or a duration: two decimals), both drawn from the row's id so every run writes the
   * same rows.
   */
  static Map<String, Object> variedEvent(long id) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(id * 0x9E3779B97F4A7C15L);
    return TestSchemas.event(id, EVENT_NAMES[r.nextInt(EVENT_NAMES.length)],
        Math.round(r.nextDouble() * 50_000) / 100.0);
  }

  private static double p50(long[] nanos, int from, int to) {
    long[] part = java.util.Arrays.copyOfRange(nanos, Math.max(0, from), to);
    java.util.Arrays.sort(part);
    return part[part.length / 2] / 1e6;
  }

  /**
   * Median time to plan a scan that prunes every file (no data file opened): manifests read and evaluated. The first
   * 500 plans are not timed: the writers never planned a filtered scan, so without them the table at the end was
   * measured with the scan code cold and the compacted one, measured next, with it warm.
   */
  private static double planningP50(Table t) {
    for (int i = 0; i < 500; i++) {
      t.scan().filter(Expressions.equal("id", -1L)).count();
    }
    long[] n = new long[101];
    for (int i = 0; i < n.length; i++) {
      long s = System.nanoTime();
      t.scan().filter(Expressions.equal("id", -1L)).count();
      n[i] = System.nanoTime() - s;
    }
    java.util.Arrays.sort(n);
    return n[n.length / 2] / 1e6;
  }

  /** Bytes and counts of full version files, version tombstones, manifest lists and manifests. */
  private static String metadataBreakdown(Path metadata) throws Exception {
    Map<String, long[]> kinds = new java.util.TreeMap<>();
    try (var s = Files.list(metadata)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        String name = f.getFileName().toString();
        long size = Files.size(f);
        String kind = name.endsWith(".metadata.json") ? (size < 1024 ? "version tombstones" : "full versions")
            : name.startsWith("snap-") ? "manifest lists" : name.endsWith(".avro") ? "manifests" : "other";
        long[] k = kinds.computeIfAbsent(kind, x -> new long[2]);
        k[0] += size;
        k[1]++;
      }
    }
    StringBuilder out = new StringBuilder();
    kinds.forEach((k, v) -> out.append(k).append(' ').append(v[1]).append(" files ").append(v[0]).append(" bytes; "));
    return out.toString();
  }

  private static Map<String, Long> bytesUnder(Path table) throws Exception {
    Map<String, Long> out = new HashMap<>();
    for (String sub : List.of("metadata", "data")) {
      long[] sum = {0, 0};
      Path p = table.resolve(sub);
      if (Files.exists(p)) {
        try (var s = Files.walk(p)) {
          s.filter(Files::isRegularFile).forEach(f -> {
            try {
              sum[0] += Files.size(f);
              sum[1]++;
            } catch (java.io.IOException e) {
              // deleted meanwhile
            }
          });
        }
      }
      out.put(sub, sum[0]);
      out.put(sub + "Files", sum[1]);
    }
    return out;
  }
}
