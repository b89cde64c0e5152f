package io.datashard.reliability;

import io.datashard.Appender;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.storage.CountingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Contention benchmark (a main, not a test of speed): W writers, each with its own table handle and storage
 * client (exactly as separate processes would be), append to one local table at once. Reports commits per
 * second and how many commit attempts each append needed (1 = won at once), for single-batch appends and for
 * the same rows committed in larger batches through the streaming appender.
 *
 * <p>Run: {@code mvn -q -B -o -pl datashard-reliability -am test -Dtest=ContentionBench
 * -Dreliability.bench=true -Dsurefire.failIfNoSpecifiedTests=false}, or its {@link #main}.
 */
public final class ContentionBench {
  /** Counts attempts to create a version file (each is one try to commit). */
  static final class AttemptCounting extends CountingStorageBackend {
    final AtomicInteger creates = new AtomicInteger();

    AttemptCounting(Path root) {
      super(new LocalStorageBackend(root));
    }

    @Override
    public boolean createExclusive(String location, byte[] content) {
      if (location.endsWith(".metadata.json")) {
        creates.incrementAndGet();
      }
      return super.createExclusive(location, content);
    }
  }

  record Run(int writers, int appendsEach, int rowsPerAppend, double seconds, Map<String, Integer> attempts,
             int totalAttempts) {
    String row() {
      int commits = writers * appendsEach;
      return String.format("| %d | %d x %d rows | %d | %.1f | %.0f | %.2f | %s |", writers, appendsEach,
          rowsPerAppend, commits, seconds, commits / seconds, (double) totalAttempts / commits, attempts);
    }
  }

  static Run run(Path root, int writers, int appendsEach, int rowsPerAppend) throws Exception {
    String table = "contention-" + writers + "-" + rowsPerAppend + "-" + System.nanoTime();
    try (Warehouse wh = Warehouse.local(root)) {
      wh.createTable(table, TestSchemas.EVENTS);
    }
    Map<String, Integer> histogram = new TreeMap<>();
    AtomicInteger total = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int worker = w;
      futures.add(pool.submit(() -> {
        AttemptCounting storage = new AttemptCounting(root);
        try (Warehouse wh = Warehouse.of(storage)) {
          Table t = wh.loadTable(table);
          start.await();
          for (int seq = 0; seq < appendsEach; seq++) {
            int before = storage.creates.get();
            try (Appender a = t.newAppend()) {
              a.addAll(StressWorker.rows(worker, seq, rowsPerAppend));
              a.commit();
            }
            int attempts = storage.creates.get() - before;
            total.addAndGet(attempts);
            String bucket = attempts <= 1 ? "1" : attempts == 2 ? "2" : attempts <= 4 ? "3-4" : attempts <= 8 ? "5-8"
                : attempts <= 16 ? "9-16" : ">16";
            synchronized (histogram) {
              histogram.merge(bucket, 1, Integer::sum);
            }
          }
        }
        return null;
      }));
    }
    long t0 = System.nanoTime();
    start.countDown();
    for (Future<?> f : futures) {
      f.get();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    try (Warehouse wh = Warehouse.local(root)) {
      int snapshots = wh.loadTable(table).snapshots().size();
      if (snapshots != writers * appendsEach) {
        throw new AssertionError("expected " + writers * appendsEach + " snapshots, found " + snapshots);
      }
    }
    return new Run(writers, appendsEach, rowsPerAppend, seconds, histogram, total.get());
  }

  public static void main(String[] args) throws Exception {
    int appends = args.length > 0 ? Integer.parseInt(args[0]) : 25;
    Path root = Files.createTempDirectory("datashard-contention");
    System.out.println("| writers | appends each | commits | seconds | commits/s | attempts per commit | attempts"
        + " histogram (attempts: appends) |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
    run(root, 2, 5, 10); // warm-up, not reported
    for (int writers : new int[] {1, 2, 4, 8, 16}) {
      System.out.println(run(root, writers, appends, 10).row());
    }
    // The same 250 rows per writer as 5 batches of 50 (the streaming appender: one snapshot per batch).
    for (int writers : new int[] {8, 16}) {
      System.out.println(run(root, writers, 5, 10 * appends / 5).row());
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "reliability.bench", matches = "true")
  void runBenchmark() throws Exception {
    main(new String[] {System.getProperty("reliability.bench.appends", "25")});
  }
}
