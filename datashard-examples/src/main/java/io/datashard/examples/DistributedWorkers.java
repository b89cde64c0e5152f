package io.datashard.examples;

import io.datashard.Field;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.Warehouse;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Many writers, one table, nothing lost: starts N worker processes (separate JVMs, as separate machines would
 * be) that append to one table at the same time, each in many small commits, then checks that every row of
 * every worker arrived exactly once and prints the figures.
 *
 * <pre>
 * mvn -q -ntp -DskipTests -pl datashard-examples -am package exec:java \
 *     -Dexec.mainClass=io.datashard.examples.DistributedWorkers -Dexec.args="4 20000 500"
 * </pre>
 * Arguments: workers (4), rows per worker (20000), rows per commit (500), table name (workers-demo). The
 * warehouse comes from the {@code DATASHARD_*} variables (local {@code ./warehouse} by default; S3 works the same
 * way), and the workers inherit them. The table is dropped and re-created at the start.
 */
public final class DistributedWorkers {
  private DistributedWorkers() {
  }

  static final Schema SCHEMA = Schema.of(
      Field.required(1, "worker", Types.INT),
      Field.required(2, "seq", Types.LONG),
      Field.required(3, "payload", Types.STRING));

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--worker")) {
      worker(args);
      return;
    }
    int workers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 20_000;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    String name = args.length > 3 ? args[3] : "workers-demo";
    System.exit(run(workers, rows, batch, name) ? 0 : 1);
  }

  /** @return whether every row arrived exactly once */
  static boolean run(int workers, long rows, int batch, String name) throws Exception {
    try (Warehouse wh = Warehouse.fromEnvironment()) {
      wh.dropTable(name);
      wh.createTable(name, SCHEMA);
      System.out.println("Table " + name + " at " + wh.tableLocation(name));
      System.out.printf(Locale.ROOT, "Starting %d worker processes, each appending %,d rows in commits of %d rows%n",
          workers, rows, batch);
      long start = System.nanoTime();
      List<Process> procs = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-Dorg.slf4j.simpleLogger.log.org.apache.hadoop=warn", "-cp", classPath(), DistributedWorkers.class.getName(), "--worker", name,
            String.valueOf(w), String.valueOf(rows), String.valueOf(batch)));
        procs.add(new ProcessBuilder(cmd).inheritIO().start());
      }
      boolean allOk = true;
      for (int w = 0; w < workers; w++) {
        if (!procs.get(w).waitFor(30, TimeUnit.MINUTES)) {
          procs.get(w).destroyForcibly();
        }
        int code = procs.get(w).exitValue();
        if (code != 0) {
          System.out.println("worker " + w + " failed with exit code " + code);
          allOk = false;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;

      Table t = wh.loadTable(name);
      Map<Integer, BitSet> seen = new HashMap<>();
      long found = 0;
      long duplicates = 0;
      for (Row r : t.scan().select("worker", "seq").toList()) {
        BitSet bits = seen.computeIfAbsent((Integer) r.get(0), k -> new BitSet());
        int seq = (int) (long) (Long) r.get(1);
        if (bits.get(seq)) {
          duplicates++;
        }
        bits.set(seq);
        found++;
      }
      long missing = 0;
      for (int w = 0; w < workers; w++) {
        BitSet bits = seen.getOrDefault(w, new BitSet());
        missing += rows - bits.cardinality();
      }
      long expected = workers * rows;
      int commits = 0;
      for (Snapshot s : t.snapshots()) {
        if ("append".equals(s.operation())) {
          commits++;
        }
      }
      System.out.println();
      System.out.printf(Locale.ROOT, "Workers:            %d processes%n", workers);
      System.out.printf(Locale.ROOT, "Rows expected:      %,d%n", expected);
      System.out.printf(Locale.ROOT, "Rows found:         %,d (missing %d, duplicated %d)%n", found, missing, duplicates);
      System.out.printf(Locale.ROOT, "Commits:            %,d snapshots (expected %,d)%n", commits,
          workers * ((rows + batch - 1) / batch));
      System.out.printf(Locale.ROOT, "Wall time:          %.1f s including JVM starts (%,.0f rows/s, %.1f commits/s)%n",
          seconds, expected / seconds, commits / seconds);
      boolean ok = allOk && found == expected && missing == 0 && duplicates == 0;
      System.out.println(ok ? "OK: every row of every worker arrived exactly once" : "FAILED: rows were lost or duplicated");
      return ok;
    }
  }

  private static void worker(String[] args) {
    String name = args[1];
    int id = Integer.parseInt(args[2]);
    long rows = Long.parseLong(args[3]);
    int batch = Integer.parseInt(args[4]);
    try (Warehouse wh = Warehouse.fromEnvironment()) {
      Table t = wh.loadTable(name);
      for (long from = 0; from < rows; from += batch) {
        List<Map<String, ?>> records = new ArrayList<>();
        for (long s = from; s < Math.min(rows, from + batch); s++) {
          records.add(Map.of("worker", id, "seq", s, "payload", "w" + id + "-" + s));
        }
        t.appendRecords(records);
      }
    }
  }

  private static String classPath() {
    ClassLoader cl = DistributedWorkers.class.getClassLoader();
    if (cl instanceof URLClassLoader) { // under mvn exec:java
      List<String> entries = new ArrayList<>();
      for (URL u : ((URLClassLoader) cl).getURLs()) {
        try {
          entries.add(Path.of(u.toURI()).toString());
        } catch (java.net.URISyntaxException e) {
          throw new IllegalStateException(e);
        }
      }
      return String.join(File.pathSeparator, entries);
    }
    return System.getProperty("java.class.path");
  }
}
