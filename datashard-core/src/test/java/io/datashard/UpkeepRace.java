package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.table.TableHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Writers, readers and automatic upkeep racing on one table (shared by the local and the S3 upkeep tests). */
public final class UpkeepRace {
  private UpkeepRace() {
  }

  /** What a race of writers, readers and upkeep saw. */
  public static final class Result {
    public final Set<Long> acked = ConcurrentHashMap.newKeySet();
    public final List<String> readerFailures = java.util.Collections.synchronizedList(new ArrayList<>());
    public final AtomicInteger scans = new AtomicInteger();
    public final AtomicInteger expiredWhileRead = new AtomicInteger();

    @Override
    public String toString() {
      return acked.size() + " acknowledged appends, " + scans.get() + " scans checked, " + expiredWhileRead.get()
          + " scans failed cleanly on an expired snapshot, reader failures " + readerFailures;
    }
  }

  /**
   * Writers append single rows with unique ids while readers scan: every scan must return each id at most once,
   * only ids that were appended, and every id acknowledged before the scan started; the only failure allowed is
   * the error naming an expired snapshot. Upkeep runs meanwhile (the table's thresholds).
   */
  public static Result race(Warehouse wh, String table, int writers, int appendsEach, int readers)
      throws Exception {
    Result r = new Result();
    ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Future<?>> writerFutures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int worker = w;
      writerFutures.add(pool.submit(() -> {
        Table mine = wh.loadTable(table);
        for (int i = 0; i < appendsEach; i++) {
          long id = worker * 100_000L + i;
          mine.appendRecords(List.of(TestSchemas.event(id, "w" + worker, (double) i)));
          r.acked.add(id);
        }
        return null;
      }));
    }
    List<Future<?>> readerFutures = new ArrayList<>();
    for (int k = 0; k < readers; k++) {
      readerFutures.add(pool.submit(() -> {
        Table mine = wh.loadTable(table);
        while (writing.get()) {
          Set<Long> before = Set.copyOf(r.acked);
          List<Long> ids;
          try {
            ids = TestSchemas.ids(mine.scan());
          } catch (DataShardException e) {
            if (String.valueOf(e.getMessage()).contains("expired")) {
              r.expiredWhileRead.incrementAndGet();
              continue;
            }
            r.readerFailures.add(e.toString());
            continue;
          }
          r.scans.incrementAndGet();
          Set<Long> seen = new java.util.HashSet<>(ids);
          if (seen.size() != ids.size()) {
            r.readerFailures.add("duplicate rows in a scan of " + ids.size());
          }
          if (!seen.containsAll(before)) {
            r.readerFailures.add("a scan missed acknowledged rows");
          }
          for (long id : seen) {
            if (id % 100_000L >= appendsEach || id / 100_000L >= writers) {
              r.readerFailures.add("a scan returned a row never appended: " + id);
            }
          }
        }
        return null;
      }));
    }
    try {
      for (Future<?> f : writerFutures) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      writing.set(false);
    }
    for (Future<?> f : readerFutures) {
      f.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();
    assertThat(((TableHandle) wh.loadTable(table)).upkeep().awaitIdle(120_000)).isTrue();
    return r;
  }
}
