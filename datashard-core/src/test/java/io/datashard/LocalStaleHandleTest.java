package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StaleHandleScenarios} on local disk, and what only local disk can show. */
class LocalStaleHandleTest extends StaleHandleScenarios {
  @TempDir
  Path dir;
  private int n;

  @Override
  protected Warehouse newWarehouse() {
    return Warehouse.local(dir.resolve("wh" + n++));
  }

  /**
   * An appender whose open data file was removed as an orphan (a grace period shorter than the appender's life)
   * fails without committing, instead of publishing a snapshot whose files are gone. Local disk only: an open
   * file can be unlinked there, while an S3 object appears only when complete.
   */
  @Test
  void appenderWhoseFilesWereRemovedAsOrphansCommitsNothing() throws Exception {
    try (Warehouse wh = newWarehouse()) {
      Table t = wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(),
          Map.of(TableProperties.WRITE_VERIFY_FILES_AFTER_MS, "0"));
      append(t, 1);
      Snapshot before = t.refresh().currentSnapshot();
      try (Appender a = t.newAppend()) {
        for (long i = 0; i < 2000; i++) { // more than group commit holds back: a data file is open
          a.add(TestSchemas.event(100 + i, "x", null));
        }
        Thread.sleep(5); // the open data file is now older than a zero grace period
        wh.loadTable("t").removeOrphanFiles().olderThan(Duration.ZERO).execute();
        assertThatThrownBy(a::commit).isInstanceOf(DataShardException.class).hasMessageContaining("was deleted");
      }
      assertThat(wh.loadTable("t").currentSnapshot().snapshotId()).isEqualTo(before.snapshotId());
      assertThat(ids(t)).containsExactly(1L);
    }
  }

  /** A latest version replaced by an expired tombstone by hand is reported as corrupt, never waited on forever. */
  @Test
  void aLatestVersionTombstonedByHandIsCorruptNotAHang() throws Exception {
    try (Warehouse wh = newWarehouse()) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      append(t, 1);
      java.nio.file.Path v2 = java.nio.file.Path.of(java.net.URI.create(t.location() + "/metadata/v2.metadata.json"));
      java.nio.file.Files.write(v2, io.datashard.commit.VersionTombstone.expired(2).toJson());
      assertThatThrownBy(() -> wh.loadTable("t")).isInstanceOf(CorruptMetadataException.class)
          .hasMessageContaining("latest version is an expired tombstone");
      assertThatThrownBy(() -> wh.createTable("t", TestSchemas.EVENTS)).isInstanceOf(CorruptMetadataException.class);
    }
  }
}
