package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users share one table handle across threads: appends on several threads while maintenance (manifest rewrite,
 * compaction, expiry) runs on another thread through the same handle. Every acknowledged row must be readable
 * once, and the table must stay loadable (no manifest list or manifest of the current snapshot deleted).
 */
class SharedHandleMaintenanceTest {
  @TempDir
  Path dir;

  @Test
  void maintenanceOnTheAppendersHandleLosesNothing() throws Exception {
    Schema schema = Schema.of(Field.required(1, "id", Types.LONG));
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    List<String> maintenanceErrors = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, Throwable> deletions = new ConcurrentHashMap<>();
    Map<String, Throwable> creations = new ConcurrentHashMap<>();
    io.datashard.storage.StorageBackend storage = new io.datashard.storage.ForwardingStorageBackend(
        new io.datashard.storage.LocalStorageBackend(dir)) {
      @Override
      public void delete(String location) {
        deletions.put(location, new Throwable("deleted " + location + " on " + Thread.currentThread().getName()));
        super.delete(location);
      }

      @Override
      public boolean createExclusive(String location, byte[] content) {
        boolean created = super.createExclusive(location, content);
        if (created) {
          creations.put(location, new Throwable("created " + location + " on " + Thread.currentThread().getName()
              + " content " + new String(content, java.nio.charset.StandardCharsets.UTF_8)));
        }
        return created;
      }
    };
    try (Warehouse wh = Warehouse.of(storage)) {
      Table t = wh.createTable("shared", schema, PartitionSpec.unpartitioned(),
          Map.of("commit.retry.num-retries", "100", "commit.retry.min-wait-ms", "1", "commit.retry.max-wait-ms", "20"));
      AtomicLong next = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        writers.add(pool.submit(() -> {
          for (int i = 0; i < 40; i++) {
            long id = next.getAndIncrement();
            t.appendRecords(List.of(Map.of("id", id)));
            acked.add(id);
          }
          return null;
        }));
      }
      Future<?> maintenance = pool.submit(() -> {
        int round = 0;
        while (!stop.get()) {
          try {
            switch (round++ % 3) {
              case 0 -> t.rewriteManifests();
              case 1 -> t.rewriteDataFiles().execute();
              default -> t.expireSnapshots().expireOlderThan(Instant.now().plusSeconds(1)).retainLast(2).commit();
            }
          } catch (CommitConflictException e) {
            // a clean give-up is allowed
          } catch (RuntimeException e) {
            maintenanceErrors.add(e.toString());
          }
        }
        return null;
      });
      for (Future<?> f : writers) {
        f.get();
      }
      stop.set(true);
      maintenance.get();
      pool.shutdown();

      assertThat(maintenanceErrors).isEmpty();
      List<Object> ids = new ArrayList<>();
      try {
        wh.loadTable("shared").scan().toList().forEach(r -> ids.add(r.get("id")));
      } catch (DataShardException e) {
        for (Map.Entry<String, Throwable> d : deletions.entrySet()) {
          if (String.valueOf(e.getMessage()).contains(d.getKey())) {
            e.addSuppressed(d.getValue());
            String list = d.getKey().substring(d.getKey().lastIndexOf('/') + 1);
            creations.entrySet().stream().filter(c -> c.getValue().getMessage().contains(list))
                .sorted(Map.Entry.comparingByKey()).limit(1).forEach(c -> e.addSuppressed(c.getValue()));
          }
        }
        throw e;
      }
      assertThat(ids).doesNotHaveDuplicates();
      assertThat(ids).containsExactlyInAnyOrderElementsOf(new ArrayList<>(acked));
    }
  }
}
