package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The asynchronous appender: every batch answered by its own future, nothing lost, bounded, back-pressure. */
class AsyncAppenderTest {
  private static final Schema SCHEMA = Schema.builder().required("id", Types.LONG).optional("v", Types.STRING).build();

  @TempDir
  Path dir;

  private static List<Map<String, Object>> batch(long from, int n) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long i = from; i < from + n; i++) {
      rows.add(Map.of("id", i, "v", "r" + i));
    }
    return rows;
  }

  private static Set<Long> ids(Table t) {
    Set<Long> ids = new TreeSet<>();
    for (Row r : t.refresh().scan().toList()) {
      assertThat(ids.add(r.getLong("id"))).as("row %s once", r).isTrue();
    }
    return ids;
  }

  @Test
  void everyBatchIsCommittedOnceAndAnsweredWithItsSnapshot() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", SCHEMA);
      List<CompletableFuture<Snapshot>> futures = new ArrayList<>();
      try (AsyncAppender a = t.newAsyncAppender()) {
        for (int b = 0; b < 64; b++) {
          futures.add(a.append(batch(b * 10L, 10)));
        }
      }
      Set<Long> expected = new TreeSet<>();
      for (long i = 0; i < 640; i++) {
        expected.add(i);
      }
      assertThat(ids(t)).isEqualTo(expected);
      for (CompletableFuture<Snapshot> f : futures) {
        assertThat(f).isDone();
        Snapshot s = f.get();
        // the snapshot that answers a batch holds it: its rows are visible at that snapshot
        assertThat(t.scan().useSnapshot(s.snapshotId()).toList().size()).isGreaterThanOrEqualTo(10);
      }
      assertThat(t.refresh().snapshots().size()).isBetween(1, 64);
    }
  }

  @Test
  void aBadBatchFailsItsOwnFutureAndNoOther() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", SCHEMA);
      List<Map<String, Object>> bad = new ArrayList<>(batch(100, 5));
      bad.set(3, Map.of("id", "not a number"));
      CompletableFuture<Snapshot> good1;
      CompletableFuture<Snapshot> failed;
      CompletableFuture<Snapshot> good2;
      try (AsyncAppender a = t.newAsyncAppender(2, 1000)) {
        good1 = a.append(batch(0, 5));
        failed = a.append(bad);
        good2 = a.append(batch(200, 5));
      }
      assertThat(good1.get()).isNotNull();
      assertThat(good2.get()).isNotNull();
      assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(RecordValidationException.class).hasMessageContaining("record 3");
      assertThat(ids(t)).containsExactly(0L, 1L, 2L, 3L, 4L, 200L, 201L, 202L, 203L, 204L);
    }
  }

  /** A record whose values can be read only once the test opens the latch: holds a writer thread mid-batch. */
  private static final class HeldRecord extends AbstractMap<String, Object> {
    private final Map<String, Object> values;
    private final CountDownLatch open;

    HeldRecord(long id, CountDownLatch open) {
      this.values = Map.of("id", id);
      this.open = open;
    }

    @Override
    public Object get(Object key) {
      try {
        open.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return values.get(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return values.entrySet();
    }
  }

  @Test
  void theBoundHoldsProducersBackUntilRowsAreCommitted() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", SCHEMA);
      CountDownLatch open = new CountDownLatch(1);
      List<Map<String, ?>> held = new ArrayList<>();
      for (long i = 0; i < 6; i++) {
        held.add(new HeldRecord(i, open));
      }
      try (AsyncAppender a = t.newAsyncAppender(2, 10)) {
        CompletableFuture<Snapshot> first = a.append(held);
        assertThat(a.pendingRows()).isEqualTo(6);
        // 6 + 5 > 10: no room; offer says so without blocking, ready() is not yet complete
        assertThat(a.offer(batch(100, 5))).isEmpty();
        CompletableFuture<Void> ready = a.ready();
        assertThat(a.offer(batch(100, 4))).isPresent(); // 6 + 4 fits
        assertThat(a.pendingRows()).isGreaterThanOrEqualTo(6);
        // append() blocks a producer while the bound is reached
        CompletableFuture<CompletableFuture<Snapshot>> blocked = new CompletableFuture<>();
        Thread producer = new Thread(() -> blocked.complete(a.append(batch(200, 5))));
        producer.start();
        while (producer.getState() != Thread.State.WAITING && !blocked.isDone()) {
          Thread.onSpinWait();
        }
        assertThat(first).isNotDone();
        open.countDown(); // the held batch can now be validated, written and committed
        assertThat(first.get(1, TimeUnit.MINUTES)).isNotNull();
        ready.get(1, TimeUnit.MINUTES);
        producer.join();
        assertThat(blocked.get().get(1, TimeUnit.MINUTES)).isNotNull();
      }
      assertThat(ids(t)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 100L, 101L, 102L, 103L, 200L, 201L, 202L, 203L,
          204L);
    }
  }

  @Test
  void closeWaitsForEveryBatchAndRefusesNewOnes() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", SCHEMA);
      AsyncAppender a = t.newAsyncAppender(1, 100);
      List<CompletableFuture<Snapshot>> futures = new ArrayList<>();
      for (int b = 0; b < 8; b++) {
        futures.add(a.append(batch(b * 3L, 3)));
      }
      a.close();
      assertThat(futures).allMatch(CompletableFuture::isDone).noneMatch(CompletableFuture::isCompletedExceptionally);
      assertThat(a.pendingRows()).isZero();
      assertThatThrownBy(() -> a.append(batch(99, 1))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
      assertThatThrownBy(() -> a.offer(batch(99, 1))).isInstanceOf(IllegalStateException.class);
      assertThat(ids(t)).hasSize(24);
      assertThatThrownBy(() -> t.newAsyncAppender(0, 10)).isInstanceOf(ValidationException.class);
    }
  }
}
