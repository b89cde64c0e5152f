package io.datashard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.datashard.DataShardException;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.RemoveOrphanFiles;
import io.datashard.s3.CountingS3Proxy;
import io.datashard.s3.CountingS3Proxy.Fault;
import io.datashard.s3.S3ProxyServer;
import io.datashard.storage.FileInfo;
import io.datashard.table.TableHandle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Writers append through a proxy that, at a steady rate, drops connections (before and after the server
 * applied the request), delays, answers 500/503 SlowDown and cuts responses short; conditional creates of
 * version files are hit harder with faults that apply the create and lose the answer, so the commit's
 * unknown-outcome path runs many times. Every append either succeeds and is present once, or fails with a
 * clear exception and is absent. No log line or exception text carries the secret key.
 */
class StorageFaultTest {
  static final int WRITERS = 4;
  static final int APPENDS = 6;
  static final int ROWS = 3;

  /** Matches every {@code n}-th request {@code when} matches (the n-th, 2n-th, ...), counted across threads. */
  private static Predicate<CountingS3Proxy.Request> everyNth(int n, Predicate<CountingS3Proxy.Request> when) {
    AtomicInteger seen = new AtomicInteger();
    return r -> when.test(r) && seen.incrementAndGet() % n == 0;
  }

  @Test
  void everyAppendUnderSteadyFaultsSucceedsAndIsPresentOrFailsClearlyAndIsAbsent() throws Exception {
    Seed.run("faults", this::run);
  }

  private void run(long seed) throws Exception {
    String seedTag = Seed.tag(seed);
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    Logger datashard = (Logger) LoggerFactory.getLogger("io.datashard");
    ch.qos.logback.classic.Level was = datashard.getLevel();
    datashard.setLevel(ch.qos.logback.classic.Level.DEBUG); // secrets must not leak at any level
    List<String> exceptionTexts = new ArrayList<>();
    String prefix = "faults";
    try (Backend backend = Backend.s3(prefix);
         CountingS3Proxy proxy = CountingS3Proxy.start(backend.server().endpoint())) {
      try (Warehouse wh = backend.warehouse()) {
        wh.createTable("t", TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(), Backend.tableProperties());
      }
      proxy.seed(seed);
      proxy.faultDelayMillis(150);
      Predicate<CountingS3Proxy.Request> versionCreate = r -> r.type().equals("PUT") && r.hasHeader("if-none-match")
          && r.path().endsWith(".metadata.json");
      // A guaranteed share of faults, spread out (never two in a row on one request's retries), so that what the
      // floors below check happens for every seed and every thread timing: version creates applied with their
      // answer lost (the unknown-outcome path), and refusals, resets and delays across all request types.
      proxy.inject(everyNth(3, versionCreate), Fault.RESET_AFTER, 3);
      proxy.inject(everyNth(11, r -> true), Fault.STATUS_503_BEFORE, 8);
      proxy.inject(everyNth(13, r -> true), Fault.RESET_BEFORE, 8);
      proxy.inject(everyNth(17, r -> true), Fault.DELAY_BEFORE, 6);
      // On top of those, random faults. Version-file creates: applied, answer lost, or refused unapplied.
      proxy.injectRandomly(versionCreate,
          0.3, Fault.RESET_AFTER, Fault.STATUS_500_AFTER, Fault.TRUNCATE_RESPONSE, Fault.RESET_BEFORE,
          Fault.STATUS_503_BEFORE);
      // Everything else: a steady background rate of every fault.
      proxy.injectRandomly(r -> true, 0.04, Fault.values());

      Ledger ledger = new Ledger();
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int worker = w;
        futures.add(pool.submit(() -> {
          // Few storage-level attempts, so that some appends do fail and the failure path is tested too.
          try (Warehouse wh = backend.warehouseVia(proxy.endpoint(), 3)) {
            Table t = null;
            for (int seq = 0; seq < APPENDS; seq++) {
              ledger.record("BEGIN " + worker + " " + seq);
              try {
                if (t == null) {
                  t = wh.loadTable("t");
                }
                Snapshot s = t.appendRecords(StressWorker.rows(worker, seq, ROWS));
                ledger.record("ACK " + worker + " " + seq + " " + s.snapshotId());
              } catch (DataShardException e) {
                synchronized (exceptionTexts) {
                  StringWriter sw = new StringWriter();
                  e.printStackTrace(new PrintWriter(sw));
                  exceptionTexts.add(sw.toString());
                }
                assertThat(e.getMessage()).as(seedTag + "a failure says what failed").isNotBlank();
                ledger.record("FAIL " + worker + " " + seq + " " + e.getClass().getName() + " " + e.getMessage());
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.MINUTES);
      }
      pool.shutdown();
      Map<Fault, Integer> injected = proxy.injected();
      int requests = proxy.total();
      proxy.reset();

      long unknownResolved = logs.list.stream()
          .filter(e -> e.getFormattedMessage().contains("unknown") && e.getFormattedMessage().contains("reading it back"))
          .count();
      try (Warehouse wh = backend.warehouse()) {
        TableHandle t = (TableHandle) wh.loadTable("t");
        Set<Long> present = Audit.check(t, ledger, ROWS, false);
        assertThat(present).as(seedTag + "appends present").hasSize(ledger.ackedSnapshotByAppend.size() + (int) ledger.unknown.keySet().stream()
            .filter(present::contains).count());
        int faults = injected.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(faults).as(seedTag + "faults injected").isGreaterThan(20);
        assertThat(unknownResolved).as(seedTag + "commits whose outcome was unknown and read back").isPositive();
        assertThat(ledger.ackedSnapshotByAppend).as(seedTag + "most appends survive the faults").hasSizeGreaterThan(WRITERS * APPENDS / 2);

        // What failed appends or lost answers left behind is reclaimed; what is referenced stays.
        List<String> listed = wh.storage().list(t.location()).stream().map(FileInfo::location).toList();
        Set<String> referenced = Audit.referencedFiles(t, listed);
        Set<String> leftovers = new HashSet<>(listed);
        leftovers.removeAll(referenced);
        RemoveOrphanFiles.Result removed = t.removeOrphanFiles().olderThan(Duration.ZERO).execute();
        assertThat(new HashSet<>(removed.orphanFiles())).as(seedTag + "orphans removed").isEqualTo(leftovers);
        Audit.check(wh.loadTable("t"), ledger, ROWS, false);

        System.out.printf("faults (seed %d): %d requests, %d faults injected %s; %d appends acknowledged, %d failed"
                + " cleanly (absent), %d unknown to the caller; %d unknown commit outcomes read back; %d leftover"
                + " files reclaimed; rows lost: 0%n", seed, requests, faults, injected,
            ledger.ackedSnapshotByAppend.size(), ledger.failed.size(), ledger.unknown.size(), unknownResolved,
            removed.orphanFiles().size());
        ledger.failed.values().stream().distinct().limit(5).forEach(f -> System.out.println("  failure: " + f));
      }
    } finally {
      root.detachAppender(logs);
      datashard.setLevel(was);
    }
    // Credentials never appear in logs or exception texts, even with every failure path taken.
    for (ILoggingEvent e : logs.list) {
      String text = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
          : ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(e.getThrowableProxy()));
      assertThat(text).as(seedTag + "log line").doesNotContain(S3ProxyServer.SECRET_KEY);
    }
    for (String t : exceptionTexts) {
      assertThat(t).as(seedTag + "exception text").doesNotContain(S3ProxyServer.SECRET_KEY);
    }
    assertThat(logs.list).as(seedTag + "log lines captured").isNotEmpty();
  }
}
