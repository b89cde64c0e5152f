package io.datashard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.DataShardException;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.s3.CountingS3Proxy;
import io.datashard.s3.CountingS3Proxy.Fault;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Group commit under storage faults: many threads of one JVM append single batches to one table through one
 * {@link Warehouse} (so their commits are coalesced) while the fault-injecting S3 proxy drops, refuses and cuts
 * requests, version-file creates above all (applied with the answer lost, or refused). Every acknowledged append is
 * present exactly once and in the snapshot it was acknowledged with; every definitely failed append is absent; so
 * no caller is acknowledged for rows of a group that failed, and no caller's failure removes another's rows.
 */
class GroupCommitFaultTest {
  static final int THREADS = 12;
  static final int APPENDS = 6;
  static final int ROWS = 2;

  private static Predicate<CountingS3Proxy.Request> everyNth(int n, Predicate<CountingS3Proxy.Request> when) {
    AtomicInteger seen = new AtomicInteger();
    return r -> when.test(r) && seen.incrementAndGet() % n == 0;
  }

  @Test
  void everyAcknowledgedAppendIsPresentOnceInItsSnapshotAndEveryFailedOneAbsent() throws Exception {
    Seed.run("group-commit-faults", this::run);
  }

  private void run(long seed) throws Exception {
    String seedTag = Seed.tag(seed);
    try (Backend backend = Backend.s3("groupfaults");
         CountingS3Proxy proxy = CountingS3Proxy.start(backend.server().endpoint())) {
      try (Warehouse wh = backend.warehouse()) {
        wh.createTable("t", TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(),
            Map.of(TableProperties.WRITE_GROUP_COMMIT, "true", TableProperties.COMMIT_NUM_RETRIES, "2"));
      }
      proxy.seed(seed);
      proxy.faultDelayMillis(100);
      Predicate<CountingS3Proxy.Request> versionCreate = r -> r.type().equals("PUT") && r.hasHeader("if-none-match")
          && r.path().endsWith(".metadata.json");
      // A burst first: the first group's every attempt is refused (3 commit attempts x 2 client tries), so at least
      // one group fails for certain and its callers' absence is checked; then spread and random faults.
      proxy.inject(versionCreate, Fault.STATUS_503_BEFORE, 6);
      proxy.inject(everyNth(3, versionCreate), Fault.RESET_AFTER, 3);
      proxy.inject(everyNth(4, versionCreate), Fault.STATUS_503_BEFORE, 3);
      proxy.injectRandomly(versionCreate, 0.25, Fault.RESET_AFTER, Fault.STATUS_500_AFTER, Fault.RESET_BEFORE,
          Fault.STATUS_503_BEFORE);
      proxy.injectRandomly(r -> true, 0.03, Fault.values());

      Ledger ledger = new Ledger();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      // One warehouse for every thread: its group commit coalesces their appends.
      try (Warehouse wh = backend.warehouseVia(proxy.endpoint(), 2)) {
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < THREADS; w++) {
          int worker = w;
          futures.add(pool.submit(() -> {
            start.await();
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
                assertThat(e.getMessage()).as(seedTag + "a failure says what failed").isNotBlank();
                ledger.record("FAIL " + worker + " " + seq + " " + e.getClass().getName() + " " + e.getMessage());
              }
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : futures) {
          f.get(10, TimeUnit.MINUTES);
        }
      }
      pool.shutdown();
      Map<Fault, Integer> injected = proxy.injected();
      proxy.reset();

      try (Warehouse wh = backend.warehouse()) {
        Table t = wh.loadTable("t");
        // present once, atomic, acknowledged present, failed absent, nothing unbegun
        Set<Long> present = Audit.check(t, ledger, ROWS, false, true);
        // each acknowledged append is in the snapshot it was acknowledged with
        Map<Long, List<Long>> bySnapshot = new HashMap<>();
        ledger.ackedSnapshotByAppend.forEach((k, s) -> bySnapshot.computeIfAbsent(s, x -> new ArrayList<>()).add(k));
        for (Map.Entry<Long, List<Long>> e : bySnapshot.entrySet()) {
          Set<Long> inSnapshot = new HashSet<>();
          t.scan().useSnapshot(e.getKey()).select("id").toList().forEach(r -> {
            long id = (Long) r.get("id");
            inSnapshot.add(Ledger.key(StressWorker.workerOf(id), StressWorker.seqOf(id)));
          });
          assertThat(inSnapshot).as(seedTag + "appends acknowledged with snapshot " + e.getKey())
              .containsAll(e.getValue());
        }
        int acked = ledger.ackedSnapshotByAppend.size();
        System.out.println("GroupCommitFaultTest " + seedTag + THREADS * APPENDS + " appends: " + acked
            + " acknowledged in " + bySnapshot.size() + " snapshots, " + ledger.failed.size() + " failed (absent), "
            + ledger.unknown.size() + " unknown outcome, present " + present.size() + "; faults " + injected);
        assertThat(acked).as(seedTag + "some appends acknowledged").isPositive();
        assertThat(bySnapshot.size()).as(seedTag + "appends were coalesced").isLessThan(acked);
        // Not asserted: whether some appends failed. The store client and the commit loop retry the refusals, and
        // in some runs every append got through (then the absence check above had nothing to check; the seed's
        // line says so). TODO: a fault the retries cannot absorb, so that failure is certain.
      }
    }
  }
}
