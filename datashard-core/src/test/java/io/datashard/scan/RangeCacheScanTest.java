package io.datashard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Row;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import io.datashard.storage.CountingStorageBackend;
import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.InputFile;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.RangeCache;
import io.datashard.storage.StorageBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scans through a {@link RangeCache}, as the S3 backend does by default: same rows, fewer reads. */
class RangeCacheScanTest {
  @TempDir
  Path dir;

  /** Reads data files through the cache, as S3StorageBackend does. */
  static final class CachedDataFiles extends ForwardingStorageBackend {
    final RangeCache cache;

    CachedDataFiles(StorageBackend delegate, RangeCache cache) {
      super(delegate);
      this.cache = cache;
    }

    @Override
    public InputFile newInputFile(String location) {
      return wrap(super.newInputFile(location));
    }

    @Override
    public InputFile newInputFile(String location, long length) {
      return wrap(super.newInputFile(location, length));
    }

    private InputFile wrap(InputFile f) {
      return f.location().endsWith(".parquet") ? cache.wrap(f) : f;
    }
  }

  private static void fill(Table t, int files, int rows) {
    for (int f = 0; f < files; f++) {
      List<Map<String, Object>> batch = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        batch.add(TestSchemas.event(f * 100_000L + i, "file-" + f, (double) i));
      }
      t.appendRecords(batch);
    }
  }

  @Test
  void repeatedScansReadNothingTwiceAndReturnTheSameRows() {
    CountingStorageBackend remote = new CountingStorageBackend(new LocalStorageBackend(dir, false));
    RangeCache cache = new RangeCache(64L << 20);
    try (Warehouse wh = Warehouse.of(new CachedDataFiles(remote, cache))) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      fill(t, 4, 500);
      List<Row> written = new ArrayList<>();
      try (Warehouse plain = Warehouse.of(new LocalStorageBackend(dir, false))) {
        written.addAll(plain.loadTable("events").scan().toList());
      }
      remote.reset();

      List<Row> first = t.scan().toList();
      assertThat(first).containsExactlyInAnyOrderElementsOf(written).hasSize(2000);
      // small files: one request each, footer and all
      assertThat(remote.dataFileStreams()).isEqualTo(4);
      assertThat(cache.stats().misses()).isEqualTo(4);

      remote.reset();
      assertThat(t.scan().toList()).containsExactlyInAnyOrderElementsOf(first);
      assertThat(t.scan().filter(Expressions.equal("event", "file-2")).toList()).hasSize(500)
          .allSatisfy(r -> assertThat(r.get("event")).isEqualTo("file-2"));
      assertThat(t.scan().select("id").toList()).hasSize(2000);
      assertThat(remote.dataFileStreams()).isZero();
      assertThat(cache.stats().misses()).isEqualTo(4);
      assertThat(cache.stats().hits()).isPositive();
    }
  }

  @Test
  void aCacheSmallerThanTheTableStillReadsEveryRowCorrectly() {
    CountingStorageBackend remote = new CountingStorageBackend(new LocalStorageBackend(dir, false));
    try (Warehouse plain = Warehouse.of(remote)) {
      fill(plain.createTable("events", TestSchemas.EVENTS), 6, 20_000);
    }
    long max = 256 << 10; // far below the table's size: ranges come and go
    RangeCache cache = new RangeCache(max);
    try (Warehouse wh = Warehouse.of(new CachedDataFiles(remote, cache))) {
      Table t = wh.loadTable("events");
      for (int round = 0; round < 3; round++) {
        List<Row> rows = t.scan().toList();
        assertThat(rows).hasSize(120_000);
        assertThat(rows.stream().mapToLong(r -> (Long) r.get("id")).sum())
            .isEqualTo(6L * (20_000L * 19_999 / 2) + 20_000L * 100_000 * (0 + 1 + 2 + 3 + 4 + 5));
        assertThat(cache.stats().cachedBytes()).isLessThanOrEqualTo(max);
      }
      assertThat(cache.stats().evictions()).isPositive();
    }
  }
}
