package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;

import io.datashard.metadata.TableMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads, each with its own table handle, append to one table: nothing is lost or duplicated. */
class ConcurrentAppendTest {
  static final int THREADS = 8;
  static final int APPENDS = 25;

  @TempDir
  Path dir;

  @Test
  void eightThreadsTimesTwentyFiveAppendsGiveExactlyTwoHundredSnapshots() throws Exception {
    try (Warehouse wh = Warehouse.local(dir)) {
      // Group commit off: this test is about the exclusive-create protocol, one version per append, each racing
      // (GroupCommitTest covers coalescing).
      wh.createTable("shared", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.WRITE_GROUP_COMMIT, "false", TableProperties.UPKEEP_ENABLED, "false"));
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int w = 0; w < THREADS; w++) {
        int worker = w;
        results.add(pool.submit(() -> {
          Table mine = wh.loadTable("shared"); // a separate handle per thread
          start.await();
          List<Long> snapshotIds = new ArrayList<>();
          for (int i = 0; i < APPENDS; i++) {
            long id = worker * 1000L + i;
            Snapshot s = mine.appendRecords(List.of(
                Map.of("id", id, "event", "w" + worker + "-" + i, "value", (double) i),
                Map.of("id", id + 100_000, "event", "second row", "value", 0.0)));
            snapshotIds.add(s.snapshotId());
          }
          return snapshotIds;
        }));
      }
      start.countDown();
      Set<Long> acknowledged = new HashSet<>();
      for (Future<List<Long>> f : results) {
        acknowledged.addAll(f.get());
      }
      pool.shutdown();

      Table t = wh.loadTable("shared");
      assertThat(acknowledged).hasSize(THREADS * APPENDS);
      assertThat(t.snapshots()).hasSize(THREADS * APPENDS);
      assertThat(t.snapshots()).extracting(Snapshot::snapshotId).containsExactlyInAnyOrderElementsOf(acknowledged);

      List<Row> rows = t.scan().toList();
      assertThat(rows).hasSize(THREADS * APPENDS * 2);
      Set<Long> ids = new HashSet<>();
      for (Row r : rows) {
        assertThat(ids.add((Long) r.get("id"))).as("duplicate row %s", r).isTrue();
      }
      for (int w = 0; w < THREADS; w++) {
        for (int i = 0; i < APPENDS; i++) {
          assertThat(ids).contains(w * 1000L + i, w * 1000L + i + 100_000);
        }
      }
      assertThat(t.rowCount()).isEqualTo(rows.size());

      // The history is one chain: every parent is the previous snapshot, sequence numbers 1..200.
      TableMetadata m = TableInternals.of(t).metadata();
      List<Snapshot> chain = m.snapshots();
      for (int i = 0; i < chain.size(); i++) {
        assertThat(chain.get(i).sequenceNumber()).isEqualTo(i + 1);
        assertThat(chain.get(i).parentId()).isEqualTo(i == 0 ? null : chain.get(i - 1).snapshotId());
      }
      assertThat(m.version()).isEqualTo(1 + THREADS * APPENDS);
    }
  }
}
