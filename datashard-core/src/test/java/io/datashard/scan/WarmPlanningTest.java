package io.datashard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.PartitionSpec;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import io.datashard.manifest.TableFiles;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A handle plans its scans from manifests it decoded before (they never change), so a table of many small appends
 * plans about as fast as a compacted one (docs/benchmarks.md); the files those manifests describe are shared between
 * scans, so nothing a caller does with one can change what the next scan prunes.
 */
class WarmPlanningTest {
  @TempDir
  Path dir;

  /** Counts whole-file reads of manifests (not of manifest lists, whose names start with {@code snap-}). */
  static final class ManifestReads extends ForwardingStorageBackend {
    final AtomicInteger manifestReads = new AtomicInteger();

    ManifestReads(Path root) {
      super(new LocalStorageBackend(root));
    }

    @Override
    public byte[] readAll(String location) {
      String name = location.substring(location.lastIndexOf('/') + 1);
      if (name.endsWith(".avro") && !name.startsWith("snap-")) {
        manifestReads.incrementAndGet();
      }
      return super.readAll(location);
    }
  }

  private static final Map<String, String> NO_UPKEEP = Map.of(TableProperties.UPKEEP_ENABLED, "false");

  @Test
  void aWarmHandleReadsOnlyManifestsItHasNotSeenAndFindsEveryRow() {
    ManifestReads storage = new ManifestReads(dir);
    try (Warehouse wh = Warehouse.of(storage)) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), NO_UPKEEP);
      Table t = wh.loadTable("t");
      for (long i = 0; i < 20; i++) {
        t.appendRecords(List.of(TestSchemas.event(i, "e", 1.0)));
      }
      storage.manifestReads.set(0);
      assertThat(t.scan().filter(Expressions.equal("id", 7L)).count()).isEqualTo(1);
      assertThat(storage.manifestReads).as("first scan reads every manifest").hasValue(20);
      for (int i = 0; i < 3; i++) {
        assertThat(t.scan().filter(Expressions.equal("id", 7L)).count()).isEqualTo(1);
        assertThat(t.scan().count()).isEqualTo(20);
      }
      assertThat(storage.manifestReads).as("warm scans read none again").hasValue(20);

      t.appendRecords(List.of(TestSchemas.event(20, "e", 1.0)));
      assertThat(t.scan().filter(Expressions.greaterThanOrEqual("id", 19L)).count()).isEqualTo(2);
      assertThat(t.scan().count()).isEqualTo(21);
      assertThat(storage.manifestReads).as("only the new append's manifest").hasValue(21);
    }
  }

  @Test
  void aCallerReadingAFilesBoundsCannotChangeWhatLaterScansPrune() {
    try (Warehouse wh = Warehouse.local(dir)) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), NO_UPKEEP);
      Table t = wh.loadTable("t");
      for (long i = 0; i < 3; i++) {
        t.appendRecords(List.of(TestSchemas.event(1_000_000_000_000L + i, "e", 1.0)));
      }
      TableFiles files = new TableFiles(new LocalStorageBackend(dir), t.location());
      for (ManifestFile m : files.manifests(t.currentSnapshot().manifestListLocation())) {
        for (ManifestEntry e : files.entries(m)) {
          DataFile f = e.file();
          // Relative reads, as careless code does: half of the id's 8-byte bound, all of the rest.
          ByteBuffer id = f.lowerBounds().get(1);
          id.getInt();
          f.upperBound(1).getInt();
          f.lowerBounds().values().forEach(b -> b.position(b.limit()));
          assertThat(f.lowerBound(1).remaining()).isEqualTo(8);
          assertThat(f.upperBounds().get(1).remaining()).isEqualTo(8);
        }
      }
      // The same decoded files, now shared by this handle's cache, still prune by their whole bounds.
      for (ManifestFile m : files.manifests(t.currentSnapshot().manifestListLocation())) {
        for (ManifestEntry e : files.entries(m)) {
          long lower = e.file().lowerBound(1)
              .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
          assertThat(lower).isGreaterThanOrEqualTo(1_000_000_000_000L);
        }
      }
      assertThat(t.scan().filter(Expressions.equal("id", 1_000_000_000_001L)).count()).isEqualTo(1);
      assertThat(t.scan().filter(Expressions.greaterThan("id", 1_000_000_000_000L)).count()).isEqualTo(2);
    }
  }

  @Test
  void aFilesBoundsArePrivateCopiesOfWhatItWasBuiltWith() {
    byte[] raw = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(42).array();
    ByteBuffer given = ByteBuffer.wrap(raw);
    DataFile f = DataFile.builder().location("file:/t/data/a.parquet").fileFormat("PARQUET").recordCount(1)
        .fileSizeInBytes(10).lowerBounds(Map.of(1, given)).upperBounds(Map.of(1, given))
        .partition(List.of(ByteBuffer.wrap(new byte[] {1, 2}))).build();
    raw[0] = 7;
    given.position(8);
    ((ByteBuffer) f.partition().get(0)).get();
    assertThat(f.lowerBound(1).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(42L);
    assertThat(f.upperBounds().get(1).remaining()).isEqualTo(8);
    assertThat(((ByteBuffer) f.partition().get(0)).remaining()).isEqualTo(2);
    assertThat(f.lowerBound(1).isReadOnly()).isTrue();
    assertThat(f.lowerBound(2)).isNull();
  }
}
