package io.datashard.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown of {@link PeersBench}: the machine, the goals of issue 9 checked against the figures, every metric
 * with its ratio DataShard / peer, and the contention runs in full.
 */
final class PeerReport {
  private PeerReport() {
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> results, List<PeersBench.Metric> metrics) {
    StringBuilder sb = new StringBuilder();
    Map<String, Object> m = (Map<String, Object>) results.get("machine");
    line(sb, "Measured %s on %s (%s cores, %s RAM), %s, %s; Apache Iceberg %s (HadoopTables); S3: %s. Load average "
        + "(1/5/15 min) %s at start, %s at the end; the whole run took %s s wall, %s s CPU in the parent JVM (child "
        + "JVMs not included).", results.get("started"), m.get("cpu"), m.get("cores"), m.get("memTotal"), m.get("os"),
        m.get("jvm"), m.get("iceberg"), m.get("s3Server"), m.get("loadAtStart"), m.get("loadAtEnd"),
        m.get("wallSeconds"), m.get("parentCpuSeconds"));
    line(sb, "");
    goals(sb, metrics);
    line(sb, "");
    line(sb, "All figures: ratio = DataShard ÷ peer. For rates (rows/s, commits/s) above 1 means DataShard is ahead;"
        + " for times, heap, requests, attempts and lost commits below 1 means DataShard is ahead.");
    line(sb, "");
    line(sb, "| store | workload | metric | DataShard | Iceberg | parquet-java | DataShard / Iceberg |"
        + " DataShard / parquet-java |");
    line(sb, "|---|---|---|---:|---:|---:|---:|---:|");
    for (PeersBench.Metric x : metrics) {
      Double ds = x.values().get(PeersBench.DS);
      Double ice = x.values().get(PeersBench.ICE);
      Double pq = x.values().get(PeersBench.PQ);
      line(sb, "| %s | %s | %s (%s) | %s | %s | %s | %s | %s |", x.store(), x.workload(), x.metric(), x.unit(),
          num(ds), num(ice), num(pq), ratio(ds, ice), ratio(ds, pq));
    }
    Map<String, Object> details = (Map<String, Object>) results.get("details");
    for (String store : List.of("local", "s3")) {
      Map<String, Object> c = (Map<String, Object>) details.get(store + "/contention");
      if (c == null) {
        continue;
      }
      line(sb, "");
      line(sb, "Contention on %s, in full (writers are separate JVMs started together; \"lost\" = commits the writer"
          + " was told succeeded whose snapshot is not in the table afterwards):", store);
      line(sb, "");
      line(sb, "| writers | system | appends | acked | failed | lost | rows in table | seconds | commits/s |"
          + " attempts per commit | retries | max attempts |");
      line(sb, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (Map.Entry<String, Object> level : c.entrySet()) {
        for (Map.Entry<String, Object> sys : ((Map<String, Object>) level.getValue()).entrySet()) {
          Map<String, Object> r = (Map<String, Object>) sys.getValue();
          int appends = ((Number) r.get("writers")).intValue() * ((Number) r.get("appendsEach")).intValue();
          line(sb, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |", level.getKey(), sys.getKey(),
              appends, r.get("acked"), r.get("failed"), r.get("lost"), r.get("rowsInTable"), r.get("seconds"),
              r.get("commitsPerSecond"), r.get("attemptsPerCommit"), r.get("retries"), r.get("maxAttempts"));
        }
      }
    }
    Map<String, Object> loads = (Map<String, Object>) results.get("workloads");
    if (loads != null && !loads.isEmpty()) {
      line(sb, "");
      line(sb, "Load per workload (the machine is shared; wall-clock figures move with it):");
      line(sb, "");
      line(sb, "| workload | load before | load after | wall s | parent CPU s |");
      line(sb, "|---|---|---|---:|---:|");
      loads.forEach((k, v) -> {
        Map<String, Object> l = (Map<String, Object>) v;
        line(sb, "| %s | %s | %s | %s | %s |", k, l.get("loadBefore"), l.get("loadAfter"), l.get("wallSeconds"),
            l.get("parentCpuSeconds"));
      });
    }
    return sb.toString();
  }

  /** The goals of issue 9, each with the figure it is held against and whether it is met. */
  private static void goals(StringBuilder sb, List<PeersBench.Metric> metrics) {
    List<String[]> rows = new ArrayList<>();
    for (PeersBench.Metric x : metrics) {
      Double ds = x.values().get(PeersBench.DS);
      Double ice = x.values().get(PeersBench.ICE);
      Double pq = x.values().get(PeersBench.PQ);
      // The throughput goals are held against the largest append (1M rows by default) and the full scan.
      boolean big = x.metric().startsWith(PeersBench.fmtRows(largestAppend(metrics)) + " rows")
          || x.metric().startsWith("full scan");
      if ((x.workload().equals("append") || x.workload().equals("scan")) && big && ds != null) {
        String what = x.store() + ": " + x.metric();
        if (pq != null) {
          rows.add(new String[] {"≥ 85% of parquet-java: " + what, pct(ds / pq), met(ds / pq >= 0.85)});
        }
        if (ice != null) {
          rows.add(new String[] {"ahead of Iceberg: " + what, pct(ds / ice), met(ds > ice)});
        }
      }
      if (x.workload().equals("latency") && x.metric().equals("single-row append p50") && ds != null && ice != null) {
        rows.add(new String[] {"p50 ≤ ½ Iceberg fast append: " + x.store(), fmt("%.2f ms vs %.2f ms = %s", ds, ice,
            pct(ds / ice)), met(ds <= ice / 2)});
      }
      if (x.workload().equals("cold") && x.store().equals("local") && x.metric().contains("committed append")
          && ds != null) {
        rows.add(new String[] {"cold start to first committed append < 1.5 s (local)", fmt("%.0f ms", ds),
            met(ds < 1500)});
      }
    }
    double dsLost = 0;
    double iceLost = 0;
    int levels = 0;
    for (PeersBench.Metric x : metrics) {
      if (x.workload().equals("contention") && x.metric().endsWith("lost acked commits")) {
        dsLost += x.values().getOrDefault(PeersBench.DS, 0.0);
        iceLost += x.values().getOrDefault(PeersBench.ICE, 0.0);
        levels++;
      }
    }
    if (levels > 0) {
      rows.add(new String[] {"zero lost commits at every contention level (" + levels + " runs)",
          fmt("DataShard %.0f lost; Iceberg %.0f lost", dsLost, iceLost), met(dsLost == 0)});
    }
    line(sb, "| goal | measured | met? |");
    line(sb, "|---|---|---|");
    for (String[] r : rows) {
      line(sb, "| %s | %s | %s |", r[0], r[1], r[2]);
    }
  }

  private static long largestAppend(List<PeersBench.Metric> metrics) {
    long max = 0;
    for (PeersBench.Metric x : metrics) {
      if (x.workload().equals("append")) {
        String n = x.metric().substring(0, x.metric().indexOf(' '));
        long v = n.endsWith("M") ? Long.parseLong(n.substring(0, n.length() - 1)) * 1_000_000
            : n.endsWith("k") ? Long.parseLong(n.substring(0, n.length() - 1)) * 1_000 : Long.parseLong(n);
        max = Math.max(max, v);
      }
    }
    return max;
  }

  private static String met(boolean ok) {
    return ok ? "yes" : "**no**";
  }

  private static String pct(double r) {
    return fmt("%.0f%%", 100 * r);
  }

  private static String num(Double v) {
    if (v == null) {
      return "";
    }
    if (Math.abs(v) >= 1000) {
      return fmt("%,.0f", v);
    }
    if (v == Math.rint(v)) {
      return fmt("%.0f", v);
    }
    return fmt("%.2f", v);
  }

  private static String ratio(Double a, Double b) {
    if (a == null || b == null) {
      return "";
    }
    if (b == 0) {
      return a == 0 ? "=" : "∞";
    }
    return fmt("%.2f", a / b);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static void line(StringBuilder sb, String format, Object... args) {
    sb.append(args.length == 0 ? format : fmt(format, args)).append('\n');
  }
}
