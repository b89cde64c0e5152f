package io.datashard.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.PartitionSpec;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata part of a single-row append, 600 times over: write one manifest with one entry, read the parent's
 * manifest list, write the new list; every list carries all manifests before it. The time per append is printed
 * for reference only: speed targets live in the benchmarks (docs/benchmarks.md), not in unit tests, which a loaded
 * shared machine would make fail at random.
 */
class ManifestHotPathTest {
  @TempDir
  Path dir;

  @Test
  void longChainsOfSingleFileAppendsKeepEveryManifest() {
    NioTestStorage storage = new NioTestStorage(dir);
    DataFile file = ManifestRoundTripTest.fileWithAllStats("file:/t/data/one.parquet", 0, List.of());
    List<ManifestFile> current = new ArrayList<>();
    String parentList = null;
    int warmup = 300;
    int measured = 300;
    long start = 0;
    for (int i = 0; i < warmup + measured; i++) {
      if (i == warmup) {
        start = System.nanoTime();
      }
      long snapshotId = 1000 + i;
      ManifestFile m;
      try (ManifestWriter w = ManifestWriter.create(storage.newOutputFile(storage.location("metadata/m" + i + ".avro")),
          PartitionSpec.unpartitioned(), ManifestRoundTripTest.WIDE, snapshotId)) {
        w.add(file);
        w.close();
        m = w.toManifestFile();
      }
      List<ManifestFile> manifests = new ArrayList<>();
      manifests.add(m);
      if (parentList != null) {
        manifests.addAll(ManifestListReader.read(storage, parentList));
      }
      String list = storage.location("metadata/snap-" + snapshotId + ".avro");
      current = ManifestListWriter.write(storage.newOutputFile(list), snapshotId,
          parentList == null ? null : snapshotId - 1, i + 1, manifests).manifests();
      parentList = list;
    }
    double perAppendMs = (System.nanoTime() - start) / 1e6 / measured;
    System.out.printf("manifest + list (list of ~%d manifests) per append: %.3f ms%n", current.size(), perAppendMs);
    assertThat(current).hasSize(warmup + measured);
    assertThat(current.stream().map(ManifestFile::location).distinct()).hasSize(warmup + measured);
  }
}
