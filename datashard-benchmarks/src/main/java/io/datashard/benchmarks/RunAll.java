package io.datashard.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the benchmarks of docs/benchmarks.md and prints their results as Markdown.
 *
 * <p>Arguments: any of {@code append latency scan coldstart jmh} (default {@code all} = every one), or
 * {@code peers} (DataShard against Iceberg and parquet-java, {@link PeersBench}; not part of {@code all}),
 * {@code nested} (the nested-data workload against the same peers, {@link NestedBench}; not part of {@code all}),
 * {@code nested-chart} (its SVG from nested.json),
 * {@code catalog} (library vs REST server vs HadoopCatalog on loopback S3, {@link CatalogBench}; not part of
 * {@code all}) and
 * {@code upsert} (copy-on-write vs merge-on-read upserts and scans with deletes, {@link UpsertBench}),
 * {@code longlife-hadoop} (issue 19's long-life workload through Iceberg's HadoopTables, {@link HadoopLongLifeBench};
 * options {@code appends=100000 seconds=120}), {@code longlife-catalog} (the same Iceberg appends through
 * {@code DataShardCatalog}) and
 * {@code charts} ({@link PeerCharts}: SVGs from the peers' results.json), plus
 * overrides {@code rows=1000000 rounds=5 warmup=100 appends=500 coldruns=5 jmh=<regex>}. The JVM property
 * {@code bench.dir} chooses where scratch tables go (default: the system temp directory).
 */
public final class RunAll {
  private RunAll() {
  }

  public static void main(String[] args) throws Exception {
    Set<String> modes = new LinkedHashSet<>();
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      if (a.contains("=")) {
        opts.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      } else if (!a.isBlank()) {
        modes.add(a);
      }
    }
    if (modes.isEmpty() || modes.contains("all")) {
      modes = new LinkedHashSet<>(List.of("append", "latency", "scan", "coldstart", "jmh"));
    }
    int rows = Integer.parseInt(opts.getOrDefault("rows", "1000000"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "5"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "100"));
    int appends = Integer.parseInt(opts.getOrDefault("appends", "500"));
    int coldRuns = Integer.parseInt(opts.getOrDefault("coldruns", "5"));

    machine();
    long started = System.nanoTime();
    for (String mode : modes) {
      Bench.out("");
      switch (mode) {
        case "append" -> AppendThroughputBench.run(rows, rounds);
        case "latency" -> AppendLatencyBench.run(warmup, appends);
        case "scan" -> ScanThroughputBench.run(rows, rounds);
        case "coldstart" -> ColdStartBench.run(coldRuns);
        case "jmh" -> jmh(opts.getOrDefault("jmh", ".*Jmh.*"));
        case "peers" -> PeersBench.run(opts);
        case "nested" -> NestedBench.run(opts);
        case "nested-chart" -> NestedBench.chart(java.nio.file.Path.of(opts.getOrDefault("out", "target/nested.json")),
            java.nio.file.Path.of(opts.getOrDefault("img", "../docs/img")));
        case "replication" -> ReplicationBench.run(opts);
        case "catalog" -> CatalogBench.run(opts);
        case "encryption" -> EncryptionBench.run(opts);
        case "upsert" -> UpsertBench.run(opts);
        case "longlife-hadoop" -> HadoopLongLifeBench.run(opts);
        case "longlife-catalog" -> {
          Map<String, String> through = new HashMap<>(opts);
          through.put("catalog", "datashard");
          HadoopLongLifeBench.run(through);
        }
        case "charts" -> PeerCharts.render(java.nio.file.Path.of(opts.getOrDefault("out", "target/results.json")),
            java.nio.file.Path.of(opts.getOrDefault("img", "../docs/img")));
        default -> throw new IllegalArgumentException("unknown benchmark '" + mode
            + "'; use append, latency, scan, coldstart, jmh, all, peers, nested, nested-chart, replication, catalog, upsert, "
            + "encryption or charts");
      }
    }
    Bench.out("");
    Bench.out("done in %.0f s; load %s", (System.nanoTime() - started) / 1e9, Bench.loadAverage());
  }

  private static void machine() {
    Bench.out("## Machine");
    Bench.out("- CPU: %s, %d cores visible to the JVM", Bench.cpuModel(), Runtime.getRuntime().availableProcessors());
    Bench.out("- JVM: %s %s (%s), max heap %d MiB, args %s", System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"),
        Runtime.getRuntime().maxMemory() >> 20, ManagementFactory.getRuntimeMXBean().getInputArguments());
    Bench.out("- OS: %s %s %s", System.getProperty("os.name"), System.getProperty("os.version"),
        System.getProperty("os.arch"));
    Bench.out("- scratch directory: %s", System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
    Bench.out("- load average (1/5/15 min) at start: %s", Bench.loadAverage());
  }

  private static void jmh(String include) throws Exception {
    Bench.out("## JMH (%s); load %s", include, Bench.loadAverage());
    // The Runner (not jmh.Main, which may System.exit) prints its own progress and summary to stdout.
    new org.openjdk.jmh.runner.Runner(new org.openjdk.jmh.runner.options.OptionsBuilder().include(include)
        .shouldFailOnError(true).build()).run();
  }
}
