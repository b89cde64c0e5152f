package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;

import io.datashard.metadata.ManifestFile;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestMergeTest {
  @TempDir
  Path dir;

  @Test
  void manyAppendsKeepTheManifestCountBoundedAndEveryRowAndSnapshotIntact() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("m", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of("commit.manifest.min-count-to-merge", "10", TableProperties.UPKEEP_ENABLED, "false"));
      Snapshot first = null;
      for (int i = 0; i < 45; i++) {
        Snapshot s = t.appendRecords(List.of(TestSchemas.event(i, "e" + i, (double) i)));
        if (first == null) {
          first = s;
        }
        List<ManifestFile> manifests = TableInternals.of(t).files().manifests(s.manifestListLocation());
        assertThat(manifests.size()).as("manifests after append %d", i).isLessThan(10);
        long rows = manifests.stream().mapToLong(m -> m.addedRowsCount() + m.existingRowsCount()).sum();
        assertThat(rows).isEqualTo(i + 1);
        assertThat(s.summary()).containsEntry("total-records", Long.toString(i + 1));
      }
      List<Row> rows = wh.loadTable("m").scan().toList();
      Set<Object> ids = new HashSet<>();
      rows.forEach(r -> ids.add(r.get("id")));
      assertThat(rows).hasSize(45);
      assertThat(ids).hasSize(45);
      // merging keeps rows in commit order
      assertThat(rows).extracting(r -> r.get("id"))
          .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 45).boxed().toList());
      // time travel through merged manifests still sees exactly the older state
      assertThat(t.scan().useSnapshot(first.snapshotId()).toList()).extracting(r -> r.get("id")).containsExactly(0L);
      Snapshot mid = t.snapshots().get(20);
      assertThat(t.scan().useSnapshot(mid.snapshotId()).count()).isEqualTo(21);
    }
  }

  @Test
  void rewriteManifestsOnDemandCompactsThemWithoutChangingData() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("r", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of("commit.manifest-merge.enabled", "false", TableProperties.UPKEEP_ENABLED, "false"));
      for (int i = 0; i < 30; i++) {
        t.appendRecords(List.of(TestSchemas.event(i, "e", null)));
      }
      TableInternals bt = TableInternals.of(t);
      assertThat(bt.files().manifests(t.currentSnapshot().manifestListLocation())).hasSize(30);
      List<Row> before = t.scan().toList();
      Snapshot s = t.rewriteManifests();
      assertThat(s.operation()).isEqualTo("replace");
      assertThat(s.summary()).containsEntry("total-records", "30").containsEntry("added-records", "0");
      assertThat(bt.files().manifests(s.manifestListLocation())).hasSize(1);
      assertThat(wh.loadTable("r").scan().toList()).isEqualTo(before);
      // already compact: nothing to do
      assertThat(t.rewriteManifests()).isEqualTo(s);
      assertThat(t.snapshots()).hasSize(31);
    }
  }
}
