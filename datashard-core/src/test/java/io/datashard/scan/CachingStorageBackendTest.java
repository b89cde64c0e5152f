package io.datashard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Row;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import io.datashard.storage.CachingStorageBackend;
import io.datashard.storage.CountingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingStorageBackendTest {
  @TempDir
  Path dir;

  private static void fill(Table t, int files) {
    for (int f = 0; f < files; f++) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        rows.add(TestSchemas.event(f * 1000L + i, "file-" + f, (double) i));
      }
      t.appendRecords(rows);
    }
  }

  @Test
  void repeatedScansReadDataFilesFromTheCacheNotTheBackend() throws Exception {
    CountingStorageBackend remote = new CountingStorageBackend(new LocalStorageBackend(dir.resolve("wh"), false));
    Path cacheDir = dir.resolve("cache");
    try (Warehouse wh = Warehouse.of(remote).withReadCache(cacheDir, 64L << 20)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      fill(t, 5);
      remote.reset();

      List<Row> first = t.scan().toList();
      assertThat(remote.distinctDataFilesRead()).isEqualTo(5);
      long downloaded = remote.dataFileStreams();
      assertThat(downloaded).isEqualTo(5); // each file downloaded once, whole

      remote.reset();
      List<Row> second = t.scan().toList();
      List<Row> filtered = t.scan().filter(Expressions.equal("event", "file-3")).toList();
      assertThat(second).isEqualTo(first);
      assertThat(filtered).hasSize(200);
      assertThat(remote.dataFileStreams()).isZero(); // served locally
      CachingStorageBackend cache = (CachingStorageBackend) wh.storage();
      assertThat(cache.misses()).isEqualTo(5);
      assertThat(cache.hits()).isGreaterThanOrEqualTo(6);
      try (Stream<Path> s = Files.list(cacheDir)) {
        assertThat(s.count()).isEqualTo(5);
      }
    }
    // a new process adopts what is on disk
    remote.reset();
    try (Warehouse wh = Warehouse.of(remote).withReadCache(cacheDir, 64L << 20)) {
      assertThat(wh.loadTable("events").scan().count()).isEqualTo(1000);
      assertThat(wh.loadTable("events").scan().toList()).hasSize(1000);
      assertThat(remote.dataFileStreams()).isZero();
    }
  }

  @Test
  void staysWithinItsSizeEvictingLeastRecentlyUsedFiles() {
    CountingStorageBackend remote = new CountingStorageBackend(new LocalStorageBackend(dir.resolve("wh"), false));
    try (Warehouse plain = Warehouse.of(remote)) {
      Table t = plain.createTable("events", TestSchemas.EVENTS);
      fill(t, 6);
    }
    long fileSize;
    try (Stream<Path> s = Files.walk(dir.resolve("wh"))) {
      fileSize = s.filter(p -> p.toString().endsWith(".parquet")).mapToLong(p -> p.toFile().length()).max()
          .orElseThrow();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    long max = fileSize * 3 + fileSize / 2; // room for three files
    CachingStorageBackend cache = new CachingStorageBackend(remote, dir.resolve("cache"), max);
    try (Warehouse wh = Warehouse.of(cache)) {
      Table t = wh.loadTable("events");
      for (int round = 0; round < 3; round++) {
        assertThat(t.scan().toList()).hasSize(1200);
        assertThat(cache.cachedBytes()).isLessThanOrEqualTo(max);
      }
      // scanning 6 files through a 3-file cache in the same order each time evicts every file before reuse
      assertThat(cache.misses()).isEqualTo(18);

      // a file used again right away is a hit
      remote.reset();
      t.scan().filter(Expressions.equal("event", "file-5")).toList();
      t.scan().filter(Expressions.equal("event", "file-5")).toList();
      assertThat(remote.dataFileStreams()).isZero();
    }
  }

  @Test
  void concurrentReadersDownloadEachFileOnce() throws Exception {
    CountingStorageBackend remote = new CountingStorageBackend(new LocalStorageBackend(dir.resolve("wh"), false));
    try (Warehouse wh = Warehouse.of(remote).withReadCache(dir.resolve("cache"), 64L << 20)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      fill(t, 4);
      List<Row> expected = t.scan().toList();
      remote.reset();
      Path cacheDir = dir.resolve("cache");
      try (Stream<Path> s = Files.list(cacheDir)) {
        s.forEach(p -> p.toFile().delete());
      }
      // a fresh cache over the same directory, read by 8 threads at once
      try (Warehouse fresh = Warehouse.of(remote).withReadCache(cacheDir, 64L << 20)) {
        Table ft = fresh.loadTable("events");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
          List<Future<List<Row>>> results = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            results.add(pool.submit(() -> ft.scan().parallelism(2).toList()));
          }
          for (Future<List<Row>> f : results) {
            assertThat(f.get()).isEqualTo(expected);
          }
        } finally {
          pool.shutdownNow();
        }
        assertThat(remote.dataFileStreams()).isEqualTo(4);
      }
    }
  }
}
