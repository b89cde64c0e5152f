package io.datashard.bench;

import io.datashard.Snapshot;
import io.datashard.update.TableInternals;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * How commit and planning costs evolve with table history: single-row appends and scan planning measured
 * after 10, 1,000 and 10,000 appends, (a) keeping every snapshot, and (b) with a maintenance job expiring
 * snapshots beyond the newest 100 every 500 appends. Local disk, fsync on. Prints Markdown.
 *
 * <p>Run: {@code java -cp <core test classpath> io.datashard.bench.TableHistoryBench [maxAppends]}
 */
public final class TableHistoryBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final int SAMPLES = 50;

  private TableHistoryBench() {
  }

  public static void main(String[] args) throws Exception {
    int max = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    System.out.printf("load average at start: %s%n%n", Files.readString(Path.of("/proc/loadavg")).trim());
    for (boolean expire : new boolean[] {false, true}) {
      Path dir = Files.createTempDirectory("history-bench");
      try (Warehouse wh = Warehouse.local(dir)) {
        Table t = wh.createTable("h", TestSchemas.EVENTS);
        System.out.printf("### %s%n%n", expire ? "with expiry (keep newest 100, every 500 appends)"
            : "keeping every snapshot");
        System.out.println("| appends so far | append p50 ms (wall) | append p50 ms (CPU) | plan p50 ms | snapshots in metadata"
            + " | metadata JSON bytes | manifests in current list |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        int done = 0;
        long id = 0;
        for (int checkpoint : new int[] {10, 1_000, 10_000}) {
          if (checkpoint > max) {
            break;
          }
          int samples = Math.min(SAMPLES, checkpoint);
          while (done < checkpoint - samples) {
            t.appendRecords(List.of(TestSchemas.event(id++, "e", 1.0)));
            done++;
            if (expire && done % 500 == 0) {
              t.expireSnapshots().expireOlderThan(java.time.Instant.now().plusSeconds(1)).retainLast(100).commit();
            }
          }
          double[] wall = new double[samples];
          double[] cpu = new double[samples];
          for (int i = 0; i < samples; i++) {
            long w0 = System.nanoTime();
            long c0 = THREADS.getCurrentThreadCpuTime();
            t.appendRecords(List.of(TestSchemas.event(id++, "e", 1.0)));
            cpu[i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
            wall[i] = (System.nanoTime() - w0) / 1e6;
            done++;
          }
          double[] plan = new double[20];
          for (int i = 0; i < plan.length; i++) {
            Table fresh = wh.loadTable("h"); // a reader planning from scratch: manifest list and manifests read
            long p0 = System.nanoTime();
            fresh.scan().planFiles();
            plan[i] = (System.nanoTime() - p0) / 1e6;
          }
          TableInternals bt = TableInternals.of(t);
          Snapshot cur = t.currentSnapshot();
          Path meta = wh.storage() instanceof io.datashard.storage.LocalStorageBackend l
              ? l.toPath(bt.metadata().metadataFileLocation()) : null;
          System.out.printf("| %,d | %.2f | %.2f | %.2f | %,d | %,d | %d |%n", done, median(wall), median(cpu),
              median(plan), bt.metadata().snapshots().size(), meta == null ? -1 : Files.size(meta),
              bt.files().manifests(cur.manifestListLocation()).size());
        }
        System.out.println();
      }
    }
    System.out.printf("load average at end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
