package io.datashard.benchmarks;

import static io.datashard.Field.required;

import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Types;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Shared pieces of the benchmarks: the row shape of the foundation issue (long, 16-character string, double,
 * long), pre-generated column values, and timing of wall-clock and benchmark-thread CPU time.
 */
final class Bench {
  /** The benchmark schema: every column required, as in the parquet-java baseline. */
  static final Schema SCHEMA = Schema.of(
      required(1, "id", Types.LONG),
      required(2, "name", Types.STRING),
      required(3, "value", Types.DOUBLE),
      required(4, "ts", Types.LONG));

  /** Loaded on first use only: the cold-start child touches {@link #SCHEMA} and must not pay for JMX. */
  private static final class Threads {
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  }

  private Bench() {
  }

  /** 16 characters, mostly distinct (the dictionary overflows to plain encoding, as with real keys). */
  static String name(long i) {
    String hex = Long.toHexString(i * 0x9E3779B97F4A7C15L);
    return ("user-" + hex + "0000000000000000").substring(0, 16);
  }

  static double value(long i) {
    return i * 0.25;
  }

  static long ts(long i) {
    return 1_700_000_000_000_000L + i;
  }

  /** The rows as primitive columns, generated once so no writer is charged for producing them. */
  static final class Columns {
    final int rows;
    final long[] id;
    final String[] name;
    final double[] value;
    final long[] ts;

    Columns(int rows) {
      this(0, rows);
    }

    /** Rows {@code first .. first+rows-1} (ids, names, values and timestamps derived from the row number). */
    Columns(long first, int rows) {
      this.rows = rows;
      id = new long[rows];
      name = new String[rows];
      value = new double[rows];
      ts = new long[rows];
      for (int i = 0; i < rows; i++) {
        long r = first + i;
        id[i] = r;
        name[i] = name(r);
        value[i] = value(r);
        ts[i] = ts(r);
      }
    }

    /** @return row i as the map a user would build */
    Map<String, Object> map(int i) {
      Map<String, Object> m = new HashMap<>(8);
      m.put("id", id[i]);
      m.put("name", name[i]);
      m.put("value", value[i]);
      m.put("ts", ts[i]);
      return m;
    }

    /** @return row i as a {@link Row} of the table schema (the positional fast path) */
    Row record(int i) {
      return Row.wrap(SCHEMA, new Object[] {id[i], name[i], value[i], ts[i]});
    }
  }

  /** Wall-clock and benchmark-thread CPU nanoseconds of one run. */
  record Sample(long wallNanos, long cpuNanos) {
    double wallRate(long units) {
      return units / (wallNanos / 1e9);
    }

    double cpuRate(long units) {
      return units / (cpuNanos / 1e9);
    }
  }

  interface Task {
    void run() throws Exception;
  }

  /** Runs a task after a GC (so one run's garbage is not charged to the next) and times it. */
  static Sample time(Task task) throws Exception {
    System.gc();
    long c0 = Threads.MX.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    task.run();
    long wall = System.nanoTime() - t0;
    long cpu = Threads.MX.getCurrentThreadCpuTime() - c0;
    return new Sample(wall, cpu);
  }

  static long cpuNow() {
    return Threads.MX.getCurrentThreadCpuTime();
  }

  /** Best of several samples: least wall time, least CPU time (taken independently). */
  static Sample best(Iterable<Sample> samples) {
    long w = Long.MAX_VALUE;
    long c = Long.MAX_VALUE;
    for (Sample s : samples) {
      w = Math.min(w, s.wallNanos());
      c = Math.min(c, s.cpuNanos());
    }
    return new Sample(w, c);
  }

  /** @return the CPU model from {@code /proc/cpuinfo}, or the architecture elsewhere */
  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  /** @return {@code /proc/loadavg}'s first three fields, or "n/a" */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  /** @return the p-th percentile (0..100) of sorted values, nearest-rank */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double[] sortedCopy(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s;
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  static void out(String format, Object... args) {
    System.out.println(fmt(format, args));
    System.out.flush();
  }

  static Path tempDir(String prefix) throws IOException {
    String base = System.getProperty("bench.dir");
    return base == null ? Files.createTempDirectory(prefix)
        : Files.createTempDirectory(Files.createDirectories(Path.of(base)), prefix);
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }

  /** Keeps results alive so the JIT cannot drop the work producing them. */
  static volatile long sink;

  static void consume(long v) {
    sink += v;
  }
}
