package io.datashard.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The per-handle cache of decoded manifests: bounded, keyed by everything an entry inherits, LRU. */
class ManifestEntryCacheTest {
  private final AtomicInteger loads = new AtomicInteger();

  private Function<ManifestFile, List<ManifestEntry>> loader(int entries) {
    return m -> {
      loads.incrementAndGet();
      List<ManifestEntry> out = new ArrayList<>();
      for (int i = 0; i < entries; i++) {
        out.add(new ManifestEntry(ManifestEntry.ADDED, m.addedSnapshotId(), m.sequenceNumber(), m.sequenceNumber(),
            DataFile.builder().location(m.location() + "-file-" + i).fileFormat("PARQUET").recordCount(1)
                .fileSizeInBytes(10).build()));
      }
      return out;
    };
  }

  private static ManifestFile manifest(String location, long seq, long snapshotId) {
    return new ManifestFile(location, 100, 0, ManifestFile.CONTENT_DATA, seq, seq, snapshotId, 1, 0, 0, 1, 0, 0,
        List.of());
  }

  @Test
  void aManifestIsDecodedOnceAndItsEntriesCannotBeChanged() {
    ManifestEntryCache cache = new ManifestEntryCache(100);
    ManifestFile m = manifest("m1.avro", 3, 7);
    List<ManifestEntry> first = cache.get(m, loader(2));
    List<ManifestEntry> again = cache.get(m, loader(2));
    assertThat(loads).hasValue(1);
    assertThat(again).isSameAs(first).hasSize(2);
    assertThatThrownBy(() -> again.add(first.get(0))).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theSameFileListedWithOtherInheritedValuesIsReadAgain() {
    ManifestEntryCache cache = new ManifestEntryCache(100);
    List<ManifestEntry> committed = cache.get(manifest("m1.avro", 3, 7), loader(1));
    List<ManifestEntry> otherSequence = cache.get(manifest("m1.avro", 4, 7), loader(1));
    List<ManifestEntry> otherSnapshot = cache.get(manifest("m1.avro", 3, 8), loader(1));
    List<ManifestEntry> withRowIds = cache.get(manifest("m1.avro", 3, 7).withFirstRowId(50), loader(1));
    assertThat(loads).hasValue(4);
    assertThat(committed.get(0).dataSequenceNumber()).isEqualTo(3L);
    assertThat(otherSequence.get(0).dataSequenceNumber()).isEqualTo(4L);
    assertThat(otherSnapshot.get(0).snapshotId()).isEqualTo(8L);
    assertThat(withRowIds).isNotSameAs(committed);
  }

  @Test
  void holdsAtMostItsBudgetDroppingTheLeastRecentlyUsed() {
    ManifestEntryCache cache = new ManifestEntryCache(40);
    for (int i = 0; i < 4; i++) {
      cache.get(manifest("m" + i + ".avro", i, i), loader(10));
    }
    assertThat(cache.size()).isEqualTo(40);
    cache.get(manifest("m0.avro", 0, 0), loader(10)); // used: m1 is now the eldest
    cache.get(manifest("m4.avro", 4, 4), loader(10));
    assertThat(cache.size()).isEqualTo(40);
    loads.set(0);
    cache.get(manifest("m0.avro", 0, 0), loader(10));
    assertThat(loads).as("recently used stays").hasValue(0);
    cache.get(manifest("m1.avro", 1, 1), loader(10));
    assertThat(loads).as("least recently used went").hasValue(1);
  }

  @Test
  void aLargeManifestIsReadEveryTimeAndEmptyOnesStillCount() {
    ManifestEntryCache cache = new ManifestEntryCache(40);
    cache.get(manifest("big.avro", 1, 1), loader(11));
    cache.get(manifest("big.avro", 1, 1), loader(11));
    assertThat(loads).hasValue(2);
    assertThat(cache.size()).isZero();
    for (int i = 0; i < 100; i++) {
      cache.get(manifest("empty" + i + ".avro", i, i), loader(0));
    }
    assertThat(cache.size()).isEqualTo(40);
  }
}
