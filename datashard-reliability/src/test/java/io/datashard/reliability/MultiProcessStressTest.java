package io.datashard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.PartitionSpec;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * N separate JVMs × M appends each to one table, on local disk and on S3 (S3Proxy in this JVM, children
 * pointed at it through DATASHARD_* variables). Every append carries rows whose ids encode (worker, sequence).
 * Light form in the suite (8 × 25 per backend); heavier with {@code -Dreliability.processes=16
 * -Dreliability.appends=100}, or through {@link StressHarness#main}.
 */
class MultiProcessStressTest {
  static final int ROWS = 3;

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local", "s3"})
  void manyJvmsAppendingAtOnceLoseNothing(String kind) throws Exception {
    runAndCheck(kind, false);
  }

  /**
   * The same with old metadata versions cleaned up after every commit ({@code write.metadata.delete-after-commit}
   * on, two previous versions kept) and a snapshot-expiry job in this JVM racing the writers on one long-lived
   * (so mostly stale) handle: every acknowledged append is present exactly once. This is what lost acknowledged
   * commits before version names were kept (docs/concurrency.md, "No version is published twice").
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local", "s3"})
  void manyJvmsWithMetadataCleanupAndExpiryRacingLoseNothing(String kind) throws Exception {
    StressHarness.Result r = runAndCheck(kind, true);
    assertThat(r.expiries()).as("expiry commits during the run").isPositive();
  }

  private StressHarness.Result runAndCheck(String kind, boolean cleanupAndExpiry) throws Exception {
    int processes = Integer.getInteger("reliability.processes", 8);
    int appends = Integer.getInteger("reliability.appends", 25);
    try (Backend backend = Backend.of(kind, dir)) {
      StressHarness.Result r = StressHarness.run(backend, dir, processes, appends, ROWS, cleanupAndExpiry);
      System.out.println(r.describe());
      assertThat(r.ledger().ackedSnapshotByAppend).as("acknowledged appends").hasSize(processes * appends);
      assertThat(r.ledger().failed).isEmpty();
      assertThat(r.present()).hasSize(processes * appends);
      return r;
    }
  }

  /** Runs the harness and checks the table; also a main for heavier runs. */
  static final class StressHarness {
    private StressHarness() {
    }

    record Result(String backend, int processes, int appends, Ledger ledger, Set<Long> present, long millis,
                  List<Long> ackMillis, int expiries) {
      String describe() {
        List<Long> sorted = new ArrayList<>(ackMillis);
        Collections.sort(sorted);
        long p50 = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
        long p99 = sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99)));
        long max = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
        return String.format("stress %s: %d JVMs x %d appends: %d acknowledged, %d failed, %d present, %d rows lost;"
                + " %.1f s wall (JVM start included), %.1f commits/s; append latency p50 %d ms, p99 %d ms, max %d ms%s",
            backend, processes, appends, ledger.ackedSnapshotByAppend.size(), ledger.failed.size(), present.size(),
            0, millis / 1000.0, present.size() * 1000.0 / millis, p50, p99, max,
            expiries < 0 ? "" : "; metadata cleanup on, " + expiries + " racing expiry commits");
      }
    }

    static Result run(Backend backend, Path scratch, int processes, int appends, int rows) throws Exception {
      return run(backend, scratch, processes, appends, rows, false);
    }

    /**
     * @param cleanupAndExpiry create the table with {@code write.metadata.delete-after-commit.enabled=true} and
     *     {@code write.metadata.previous-versions-max=2}, and race a snapshot-expiry job against the writers
     */
    static Result run(Backend backend, Path scratch, int processes, int appends, int rows, boolean cleanupAndExpiry)
        throws Exception {
      String table = "stress";
      try (Warehouse wh = backend.warehouse()) {
        wh.createTable(table, TestSchemas.EVENTS, PartitionSpec.unpartitioned(), cleanupAndExpiry
            ? Backend.CLEANUP : Backend.tableProperties());
      }
      Ledger ledger = new Ledger();
      long started = System.currentTimeMillis();
      List<Child> children = new ArrayList<>();
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger expiries = new AtomicInteger();
      AtomicReference<Throwable> expiryFailure = new AtomicReference<>();
      Thread expiry = new Thread(() -> {
        try (Warehouse wh = backend.warehouse()) {
          Table t = wh.loadTable(table); // one handle for the whole run: stale between its commits
          while (writing.get()) {
            if (!t.expireSnapshots().expireOlderThan(Instant.now()).retainLast(2).commit().expiredSnapshotIds()
                .isEmpty()) {
              expiries.incrementAndGet();
            }
            Thread.sleep(100);
          }
        } catch (Throwable e) {
          expiryFailure.set(e);
        }
      }, "racing-expiry");
      try {
        if (cleanupAndExpiry) {
          expiry.start();
        }
        for (int w = 0; w < processes; w++) {
          children.add(Child.start(backend.env(), scratch.resolve("worker-" + w + ".err"), table,
              Integer.toString(w), Integer.toString(appends), Integer.toString(rows)));
        }
        for (int w = 0; w < children.size(); w++) {
          Child c = children.get(w);
          ledger.recordAll(c.drain(30 * 60_000L));
          c.process.waitFor();
          assertThat(c.process.exitValue()).as("worker %d exit code; stderr: %s", w,
              Files.readString(scratch.resolve("worker-" + w + ".err"))).isZero();
        }
      } finally {
        writing.set(false);
        for (Child c : children) {
          c.close();
        }
      }
      long millis = System.currentTimeMillis() - started;
      if (cleanupAndExpiry) {
        expiry.join();
        assertThat(expiryFailure.get()).as("racing expiry job").isNull();
      }
      try (Warehouse wh = backend.warehouse()) {
        Table t = wh.loadTable(table);
        Set<Long> present = Audit.check(t, ledger, rows, false, cleanupAndExpiry);
        return new Result(backend.name, processes, appends, ledger, present, millis, ledger.ackMillis,
            cleanupAndExpiry ? expiries.get() : -1);
      }
    }

    /** Args: {@code local|s3 processes appends [rows [cleanup]]}. */
    public static void main(String[] args) throws Exception {
      Path scratch = Files.createTempDirectory("datashard-stress");
      int rows = args.length > 3 ? Integer.parseInt(args[3]) : ROWS;
      boolean cleanup = args.length > 4 && args[4].equals("cleanup");
      try (Backend backend = Backend.of(args[0], scratch)) {
        Result r = run(backend, scratch, Integer.parseInt(args[1]), Integer.parseInt(args[2]), rows, cleanup);
        System.out.println(r.describe());
      }
    }
  }
}
