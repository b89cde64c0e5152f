package io.datashard.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Bonus target: a fresh JVM ({@code java -cp <this class path> ColdStartChild <dir>}, default JVM flags) that
 * creates a table on local disk and commits one single-row append, then exits. Reported per run (wall
 * clock, measured by this parent from just before it launches the process): time until {@code main} runs,
 * until the table is created, until the first append is committed, and until the process has exited.
 */
final class ColdStartBench {
  private ColdStartBench() {
  }

  static void run(int runs) throws Exception {
    Bench.out("## Cold start to first committed append: %d runs; load %s", runs, Bench.loadAverage());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    List<long[]> results = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Path dir = Bench.tempDir("ds-cold");
      try {
        long launched = System.currentTimeMillis();
        Process p = new ProcessBuilder(java, "-cp", cp, ColdStartChild.class.getName(), dir.toString())
            .redirectErrorStream(true).start();
        long main = -1;
        long created = -1;
        long committed = -1;
        StringBuilder other = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            String[] f = line.split(" ");
            if (f.length == 2 && f[0].equals("main")) {
              main = Long.parseLong(f[1]);
            } else if (f.length == 2 && f[0].equals("created")) {
              created = Long.parseLong(f[1]);
            } else if (f.length == 2 && f[0].equals("committed")) {
              committed = Long.parseLong(f[1]);
            } else {
              other.append(line).append('\n');
            }
          }
        }
        int rc = p.waitFor();
        long exited = System.currentTimeMillis();
        if (rc != 0 || committed < 0) {
          throw new IllegalStateException("cold-start child failed (exit " + rc + "):\n" + other);
        }
        results.add(new long[] {main - launched, created - launched, committed - launched, exited - launched});
      } finally {
        Bench.deleteRecursively(dir);
      }
    }
    Bench.out("");
    Bench.out("| run | JVM up, main() entered ms | table created ms | first append committed ms | process exited ms |");
    Bench.out("|---|---:|---:|---:|---:|");
    for (int i = 0; i < results.size(); i++) {
      long[] r = results.get(i);
      Bench.out("| %d | %d | %d | %d | %d |", i + 1, r[0], r[1], r[2], r[3]);
    }
    for (String agg : new String[] {"best", "median"}) {
      long[] row = new long[4];
      for (int c = 0; c < 4; c++) {
        final int col = c;
        double[] v = Bench.sortedCopy(results.stream().mapToDouble(r -> r[col]).toArray());
        row[c] = (long) (agg.equals("best") ? v[0] : Bench.percentile(v, 50));
      }
      Bench.out("| %s | %d | %d | %d | %d |", agg, row[0], row[1], row[2], row[3]);
    }
    Bench.out("load after: %s", Bench.loadAverage());
  }
}
