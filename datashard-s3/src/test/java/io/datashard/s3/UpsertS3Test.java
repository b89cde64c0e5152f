package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Merge-on-read upserts racing with each other and with appenders on S3, through two warehouses (two JVMs' worth
 * of writers): every upserted key ends up exactly once, every acknowledged append is present once.
 */
class UpsertS3Test {
  @RegisterExtension
  static final S3ProxyExtension server = new S3ProxyExtension();

  @Test
  void upsertsAndAppendsRacingOnS3LoseAndDuplicateNothing() throws Exception {
    String prefix = "upsert-" + UUID.randomUUID();
    try (Warehouse a = Warehouse.of(server.backend(prefix));
         Warehouse b = Warehouse.of(server.backend(prefix))) {
      Table created = a.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), Map.of(
          TableProperties.DELETE_MODE, TableProperties.DELETE_MODE_MERGE_ON_READ,
          TableProperties.COMMIT_NUM_RETRIES, "200", TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "1",
          TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "50"));
      created.updateSchema().setIdentifierFields(List.of("id")).commit();
      Set<Long> appended = raceWithAppends(a, b, 3, (t, writer) -> {
        for (int round = 0; round < 6; round++) {
          List<Map<String, Object>> rows = new ArrayList<>();
          for (long key = 0; key < 4; key++) {
            rows.add(TestSchemas.event((key + round + writer) % 4, "w" + writer + "r" + round, 1.0));
          }
          t.upsert(rows);
        }
      }, 100, 115);
      Map<Long, Integer> counts = countsById(a.loadTable("t"));
      assertThat(counts.values()).as("every key once: " + counts).allMatch(n -> n == 1);
      Set<Long> expected = new java.util.HashSet<>(appended);
      expected.addAll(List.of(0L, 1L, 2L, 3L));
      assertThat(counts.keySet()).isEqualTo(expected);
    }
  }

  /**
   * Format version 3 on S3: merge-on-read deletes write deletion vectors (Puffin blobs read back with ranged reads
   * through S3A), racing with each other on the same data files and with appenders through two warehouses: every
   * deleted row gone, every acknowledged append present once, one vector per data file.
   */
  @Test
  void deletionVectorDeletesAndAppendsRacingOnS3LoseNothingAndKeepOneVectorPerFile() throws Exception {
    String prefix = "dv-" + UUID.randomUUID();
    try (Warehouse a = Warehouse.of(server.backend(prefix));
         Warehouse b = Warehouse.of(server.backend(prefix))) {
      Table created = a.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), Map.of(
          "format-version", "3", TableProperties.DELETE_MODE, TableProperties.DELETE_MODE_MERGE_ON_READ,
          TableProperties.UPKEEP_ENABLED, "false",
          TableProperties.COMMIT_NUM_RETRIES, "200", TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "1",
          TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "50"));
      List<Map<String, Object>> rows = new ArrayList<>();
      for (long id = 0; id < 40; id++) {
        rows.add(TestSchemas.event(id, "base", 1.0));
      }
      created.appendRecords(rows.subList(0, 20));
      created.appendRecords(rows.subList(20, 40));
      Set<Long> appended = raceWithAppends(a, b, 3, (t, writer) -> {
        for (long id = writer; id < 30; id += 3) {
          t.deleteWhere(io.datashard.expressions.Expressions.equal("id", id));
        }
      }, 100, 110);
      Table t = a.loadTable("t");
      Map<Long, Integer> counts = countsById(t);
      Set<Long> expected = new java.util.HashSet<>(appended);
      for (long id = 30; id < 40; id++) {
        expected.add(id);
      }
      assertThat(counts.keySet()).isEqualTo(expected);
      assertThat(counts.values()).allMatch(n -> n == 1);
      assertThat(t.scan().planFiles()).allSatisfy(task -> assertThat(task.deletes().size()).isLessThanOrEqualTo(1));
      assertThat(t.scan().planFiles()).flatExtracting(io.datashard.FileScanTask::deletes)
          .extracting(io.datashard.ContentFile::recordCount).containsExactlyInAnyOrder(20L, 10L);
    }
  }

  /** One racing writer's work, on a handle of table {@code t} of its own. */
  private interface Writer {
    void run(Table t, int writer) throws Exception;
  }

  /**
   * Runs {@code writers} writers, alternately through warehouse {@code a} and {@code b}, while an appender on
   * {@code b} appends ids {@code from} to {@code to} (exclusive) one commit each; waits for all of them (a failure
   * of any fails the test).
   *
   * @return the ids whose appends were acknowledged
   */
  private static Set<Long> raceWithAppends(Warehouse a, Warehouse b, int writers, Writer work, long from, long to)
      throws Exception {
    Set<Long> appended = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Warehouse wh = w % 2 == 0 ? a : b;
      futures.add(pool.submit(() -> {
        work.run(wh.loadTable("t"), writer);
        return null;
      }));
    }
    futures.add(pool.submit(() -> {
      Table t = b.loadTable("t");
      for (long id = from; id < to; id++) {
        t.appendRecords(List.of(TestSchemas.event(id, "append", 1.0)));
        appended.add(id);
      }
      return null;
    }));
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return appended;
  }

  /** @return how many times each id is read */
  private static Map<Long, Integer> countsById(Table t) {
    Map<Long, Integer> counts = new HashMap<>();
    for (Row r : t.scan().toList()) {
      counts.merge(r.getLong("id"), 1, Integer::sum);
    }
    return counts;
  }
}
