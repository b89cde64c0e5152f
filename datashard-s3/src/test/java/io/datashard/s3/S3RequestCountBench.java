package io.datashard.s3;

import io.datashard.Row;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the S3 requests of the table API on S3Proxy through {@link CountingS3Proxy}: a single-row append on a
 * warm table handle (target: at most 8), a cold {@code loadTable}, a scan, and the latency of single-row appends.
 *
 * <p>Run: {@code java -cp <datashard-s3 test class path> io.datashard.s3.S3RequestCountBench [appends]}. Prints a
 * Markdown section for docs/benchmarks.md.
 */
public final class S3RequestCountBench {
  private S3RequestCountBench() {
  }

  public static void main(String[] args) {
    int appends = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    try (S3ProxyServer server = S3ProxyServer.start();
         CountingS3Proxy proxy = CountingS3Proxy.start(server.endpoint());
         Warehouse wh = Warehouse.of(new S3StorageBackend(server.configBuilder(proxy.endpoint()).prefix("bench").build()))) {
      proxy.reset();
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      Map<String, Integer> create = breakdown(proxy.requests());

      proxy.reset();
      t.appendRecords(List.of(TestSchemas.event(0, "first", 1.0)));
      Map<String, Integer> firstAppend = breakdown(proxy.requests());

      // Warm handle: steady-state single-row appends.
      long[] nanos = new long[appends];
      int maxRequests = 0;
      int minRequests = Integer.MAX_VALUE;
      Map<String, Integer> steady = null;
      for (int i = 0; i < appends; i++) {
        proxy.reset();
        long start = System.nanoTime();
        t.appendRecords(List.of(TestSchemas.event(i + 1, "row " + i, (double) i)));
        nanos[i] = System.nanoTime() - start;
        List<CountingS3Proxy.Request> requests = proxy.requests();
        maxRequests = Math.max(maxRequests, requests.size());
        minRequests = Math.min(minRequests, requests.size());
        steady = breakdown(requests);
      }
      Arrays.sort(nanos);

      // Cold: a new process would build a new backend, load the table and scan it.
      Map<String, Integer> coldLoad;
      Map<String, Integer> coldScan;
      Map<String, Integer> warmScan;
      long rows;
      try (Warehouse cold = Warehouse.of(new S3StorageBackend(server.configBuilder(proxy.endpoint()).prefix("bench").build()))) {
        proxy.reset();
        Table loaded = cold.loadTable("events");
        coldLoad = breakdown(proxy.requests());
        proxy.reset();
        List<Row> all = loaded.scan().toList();
        rows = all.size();
        coldScan = breakdown(proxy.requests());
        proxy.reset();
        loaded.scan().toList();
        warmScan = breakdown(proxy.requests());
      }

      // Latency without the counting proxy in the path: straight to S3Proxy, after a warm-up.
      long[] direct = new long[appends];
      try (Warehouse straight = Warehouse.of(new S3StorageBackend(server.configBuilder().prefix("latency").build()))) {
        Table lt = straight.createTable("events", TestSchemas.EVENTS);
        for (int i = 0; i < 20; i++) {
          lt.appendRecords(List.of(TestSchemas.event(-i - 1, "warm-up", null)));
        }
        for (int i = 0; i < appends; i++) {
          long start = System.nanoTime();
          lt.appendRecords(List.of(TestSchemas.event(i, "row " + i, (double) i)));
          direct[i] = System.nanoTime() - start;
        }
      }
      Arrays.sort(direct);

      int files = appends + 1;
      System.out.println("## S3 request counts");
      System.out.println();
      System.out.println("`S3RequestCountBench` (datashard-s3 test tree) on in-process S3Proxy 4.1 (transient store) through"
          + " `CountingS3Proxy`, 2-core shared machine, JDK 17, " + appends + " single-row appends.");
      System.out.println();
      System.out.println("| operation | requests | breakdown |");
      System.out.println("|---|---|---|");
      row("createTable (new backend: includes the one-off conditional-write probe)", create);
      row("first append on the new handle", firstAppend);
      row("single-row append, warm handle (last of " + appends + "; min " + minRequests + ", max " + maxRequests + ")",
          steady);
      row("cold `loadTable` (new backend)", coldLoad);
      row("first scan of " + rows + " rows in " + files + " data files (cold)", coldScan);
      row("second scan, same handle", warmScan);
      System.out.println();
      System.out.printf("Single-row append latency on a warm handle, straight to S3Proxy (%d appends after 20 warm-up):"
          + " median %.1f ms, p90 %.1f ms, max %.1f ms. Through the counting proxy: median %.1f ms.%n", appends,
          direct[appends / 2] / 1e6, direct[(int) (appends * 0.9)] / 1e6, direct[appends - 1] / 1e6,
          nanos[appends / 2] / 1e6);
    }
  }

  private static void row(String what, Map<String, Integer> counts) {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder sb = new StringBuilder();
    counts.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(v).append(" × ").append(k));
    System.out.println("| " + what + " | " + total + " | " + sb + " |");
  }

  /** Groups requests by what they do to which kind of object. */
  static Map<String, Integer> breakdown(List<CountingS3Proxy.Request> requests) {
    Map<String, Integer> counts = new TreeMap<>();
    for (CountingS3Proxy.Request r : requests) {
      counts.merge(describe(r), 1, Integer::sum);
    }
    return counts;
  }

  static String describe(CountingS3Proxy.Request r) {
    String p = r.path();
    String kind;
    if (p.endsWith(".parquet")) {
      kind = "data file";
    } else if (p.contains("/.datashard-probe-")) {
      kind = "conditional-write probe";
    } else if (p.matches(".*/metadata/v\\d+\\.metadata\\.json")) {
      kind = "v<N>.metadata.json";
    } else if (p.endsWith("/version-hint.text")) {
      kind = "version-hint.text";
    } else if (p.matches(".*/metadata/snap-[^/]*\\.avro")) {
      kind = "manifest list";
    } else if (p.endsWith(".avro")) {
      kind = "manifest";
    } else {
      kind = p.matches("/?[^/]*/?") ? "bucket" : "other " + p;
    }
    String op = r.type();
    if ("PUT".equals(op) && r.hasHeader("if-none-match")) {
      op = "conditional PUT";
    }
    if ("GET".equals(op) && r.hasHeader("range")) {
      op = "ranged GET";
    }
    return op + " " + kind;
  }

  static List<String> paths(List<CountingS3Proxy.Request> requests) {
    List<String> out = new ArrayList<>();
    requests.forEach(r -> out.add(r.method() + " " + r.path() + (r.query().isEmpty() ? "" : "?" + r.query())));
    return out;
  }
}
