package io.datashard.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.datashard.iceberg.DataShardCatalog;
import io.datashard.storage.LocalStorageBackend;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;

/**
 * Issue 19's long-life workload through Apache Iceberg's {@code HadoopTables} (docs/benchmarks.md, "Long life"), or,
 * with {@code catalog=datashard} (phase {@code longlife-catalog}), the same Iceberg appends through
 * {@code DataShardCatalog} (as Spark or Flink would make them), whose commits apply the table's automatic-upkeep
 * snapshot limit, merge manifests and retire old versions ({@code catalogUpkeep=false}: only retire versions, as
 * the catalog did before 2026-12-05):
 * 16 threads making single-row appends to one local table, every Iceberg setting at its default (no snapshot expiry,
 * no metadata cleanup: Iceberg has no automatic upkeep) except the commit retry budget. Bounded by {@code appends=} and {@code seconds=}, since each
 * commit rewrites every snapshot so far. Reports commit p50 at the start and at the end, bytes under
 * {@code metadata/} and {@code data/}, and scan planning p50 at the end, to set beside the DataShard phases of
 * {@code SmallWritersBench}.
 */
final class HadoopLongLifeBench {
  private HadoopLongLifeBench() {
  }

  static void run(Map<String, String> opts) throws Exception {
    int appends = Integer.parseInt(opts.getOrDefault("appends", "100000"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "120"));
    int threads = 16;
    boolean throughCatalog = "datashard".equals(opts.getOrDefault("catalog", "hadoop"));
    Path dir = Bench.tempDir("hadoop-long-life");
    Path tableDir = throughCatalog ? dir.resolve("ns").resolve("t") : dir.resolve("t");
    String location = tableDir.toString();
    TableIdentifier id = TableIdentifier.of("ns", "t");
    DataShardCatalog writers = throughCatalog ? new DataShardCatalog("ds", new LocalStorageBackend(dir), Map.of())
        : null;
    DataShardCatalog catalog = writers;
    // Iceberg's defaults, except the retry budget: its default of 4 retries fails appends at 16 writers; this is the
    // budget CatalogBench gives every path. Through the catalog, the table gets what every table created there gets
    // (upkeep on: 100 snapshots, 10 previous versions).
    Table table;
    if (throughCatalog) {
      catalog.createNamespace(Namespace.of("ns"));
      Map<String, String> props = new java.util.HashMap<>(CatalogBench.RETRIES);
      if ("false".equals(opts.get("catalogUpkeep"))) { // as before 2026-12-05: no expiry, no manifest merging
        props.put(io.datashard.TableProperties.UPKEEP_MAX_SNAPSHOTS, Integer.toString(Integer.MAX_VALUE / 2));
        props.put(io.datashard.TableProperties.UPKEEP_MAX_MANIFESTS, Integer.toString(Integer.MAX_VALUE / 2));
      }
      table = catalog.createTable(id, IcebergPeer.SCHEMA, PartitionSpec.unpartitioned(), props);
    } else {
      table = new HadoopTables(new Configuration()).create(IcebergPeer.SCHEMA, PartitionSpec.unpartitioned(),
          CatalogBench.RETRIES, location);
    }
    String path = throughCatalog ? "DataShardCatalog" : "HadoopTables";
    Bench.out("## Long life through Iceberg %s: up to %,d single-row appends by %d threads, at most %d s; "
        + "load %s", path, appends, threads, seconds, Bench.loadAverage());
    long[] commitNanos = new long[appends];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long t0 = System.nanoTime();
    Future<?>[] futures = new Future<?>[threads];
    for (int w = 0; w < threads; w++) {
      futures[w] = pool.submit(() -> {
        Table t = throughCatalog ? writers.loadTable(id) : new HadoopTables(new Configuration()).load(location);
        for (int i = next.getAndIncrement(); i < appends && System.nanoTime() < deadline;
            i = next.getAndIncrement()) {
          long s = System.nanoTime();
          try {
            t.newFastAppend().appendFile(oneRow(t, i)).commit();
          } catch (RuntimeException e) {
            failed.incrementAndGet();
            continue;
          }
          commitNanos[i] = System.nanoTime() - s;
          done.incrementAndGet();
        }
        return null;
      });
    }
    for (Future<?> f : futures) {
      f.get(seconds + 600L, TimeUnit.SECONDS);
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    int n = done.get();
    long[] finished = Arrays.stream(commitNanos).filter(x -> x > 0).toArray(); // in id order, as the appends ran
    if (throughCatalog) {
      catalog.close(); // its last snapshot-limit run and retired versions finish first
      catalog = new DataShardCatalog("ds", new LocalStorageBackend(dir), Map.of());
      table = catalog.loadTable(id);
    }
    table.refresh();
    long metadata = bytes(tableDir.resolve("metadata"));
    long data = bytes(tableDir.resolve("data"));
    double planning = planningP50(table);
    long liveFiles;
    try (CloseableIterable<?> tasks = table.newScan().planFiles()) {
      liveFiles = count(tasks);
    }
    long manifests = table.currentSnapshot() == null ? 0 : table.currentSnapshot().allManifests(table.io()).size();
    String kinds = metadataKinds(tableDir.resolve("metadata"));
    double compactedPlanning = -1;
    if (throughCatalog) { // the same table after the library's maintain(): one file, one manifest
      try (io.datashard.Warehouse wh = io.datashard.Warehouse.local(dir.resolve("ns"))) {
        wh.loadTable("t").maintain();
      }
      compactedPlanning = planningP50(catalog.loadTable(id));
    }
    Bench.out("%s at the end: %,d live data files in %,d manifests; metadata/ holds %s; planning p50 %.2f ms, %.2f ms "
        + "after maintain()", path, liveFiles, manifests, kinds, planning, compactedPlanning);
    Bench.out("%s long life: %,d appends in %.1f s (%.0f/s), %d failed; commit p50 first 10 %.1f ms, first 100 %.1f ms, "
        + "last 1000 %.1f ms; snapshots %,d; metadata/ %,d bytes, data/ %,d bytes (%.0fx); scan planning p50 %.1f ms",
        path, n, elapsed, n / elapsed, failed.get(), p50(finished, 0, 10), p50(finished, 0, 100),
        p50(finished, finished.length - 1000, finished.length), count(table.snapshots()),
        metadata, data, (double) metadata / Math.max(1, data), planning);
    if (catalog != null) {
      catalog.close();
    }
    Bench.deleteRecursively(dir);
  }

  private static DataFile oneRow(Table t, long i) throws IOException {
    Record r = GenericRecord.create(t.schema());
    r.setField("id", i);
    r.setField("name", Bench.name(i));
    r.setField("value", Bench.value(i));
    r.setField("ts", Bench.ts(i));
    DataWriter<Record> writer = Parquet.writeData(t.io().newOutputFile(t.locationProvider().newDataLocation(
            FileFormat.PARQUET.addExtension(UUID.randomUUID().toString()))))
        .forTable(t).createWriterFunc(GenericParquetWriter::create).withSpec(t.spec()).overwrite().build();
    try (writer) {
      writer.write(r);
    }
    return writer.toDataFile();
  }

  /**
   * Median time to plan a scan that prunes every file, in milliseconds: 21 plans after 10 untimed ones, which warm the
   * scan code up as a long-running reader's is.
   */
  private static double planningP50(Table table) throws IOException {
    long[] plan = new long[21];
    for (int i = -10; i < plan.length; i++) {
      long s = System.nanoTime();
      try (CloseableIterable<?> tasks = table.newScan().filter(Expressions.equal("id", -1L)).planFiles()) {
        tasks.forEach(x -> { });
      }
      if (i >= 0) {
        plan[i] = System.nanoTime() - s;
      }
    }
    Arrays.sort(plan);
    return plan[plan.length / 2] / 1e6;
  }

  /** Bytes and counts of full version files, version tombstones, manifest lists and manifests. */
  private static String metadataKinds(Path metadata) throws IOException {
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
    kinds.forEach((k, v) -> out.append(String.format("%s %,d files %,d bytes; ", k, v[1], v[0])));
    return out.toString();
  }

  private static long count(Iterable<?> items) {
    long n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }

  private static double p50(long[] nanos, int from, int to) {
    long[] part = Arrays.copyOfRange(nanos, Math.max(0, from), Math.max(Math.max(0, from) + 1, to));
    Arrays.sort(part);
    return part[part.length / 2] / 1e6;
  }

  private static long bytes(Path p) {
    if (!Files.exists(p)) {
      return 0;
    }
    try (var s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
