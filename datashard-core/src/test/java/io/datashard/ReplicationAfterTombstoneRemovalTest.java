package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.replication.Replication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that fell behind while the source removed old tombstones (the names after the replica's newest version
 * among them) catches up without a hole in its names: a reader of the replica on a handle from before the catch-up,
 * which probes forward from the version it saw, finds the latest version instead of stopping at the hole.
 */
class ReplicationAfterTombstoneRemovalTest {
  @TempDir
  Path dir;

  @Test
  void aReplicaBehindRemovedNamesCatchesUpWithoutAHole() throws Exception {
    try (Warehouse src = Warehouse.of(new io.datashard.storage.InstantCallsStorage(
        new io.datashard.storage.LocalStorageBackend(dir.resolve("src")))).withBaseMaxAge(Duration.ofMillis(50));
         Warehouse dst = Warehouse.local(dir.resolve("dst"))) {
      Table t = src.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          StaleHandleScenarios.REMOVING_TOMBSTONES);
      List<Long> expected = new ArrayList<>();
      for (long i = 0; i < 3; i++) {
        StaleHandleScenarios.append(t, i);
        expected.add(i);
      }
      Replication replication = src.replication("t", dst, "t");
      replication.runOnce(n -> { });
      Table replicaReader = dst.loadTable("t");
      int replicaVersion = ((io.datashard.table.TableHandle) replicaReader).operations().current().version();
      assertThat(replicaReader.refresh().rowCount()).isEqualTo(3);

      // The source goes on and removes its old tombstones, the name after the replica's newest version included.
      StaleHandleScenarios.appendUntilRemoved(src, t, expected, replicaVersion + 1);

      // A new replicator (a restarted process): it checks the replica against the source first, and the replica's
      // newest version is a name the source no longer has.
      src.replication("t", dst, "t").runOnce(n -> { });
      String replicaMetadata = dst.tableLocation("t") + "/metadata/v" + (replicaVersion + 1) + ".metadata.json";
      assertThat(dst.storage().exists(replicaMetadata)).as("the replica's next name").isTrue();
      assertThat(replicaReader.refresh().rowCount()).isEqualTo(expected.size());
      assertThat(StaleHandleScenarios.ids(dst.loadTable("t"))).containsExactlyInAnyOrderElementsOf(expected);
    }
  }
}
