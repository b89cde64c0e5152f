package io.datashard.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Row;
import io.datashard.Snapshot;
import io.datashard.StorageException;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.CountingStorageBackend;
import io.datashard.storage.FileInfo;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exclusive create of a version file whose outcome is unknown (a timeout or reset after the store applied
 * it) must resolve to the truth: committed exactly once, or not at all. Regression tests for two holes in the
 * read-back: a later create of ours answering "exists" was taken for someone else's commit (so the append was
 * committed twice and the first copy's manifest list deleted), and a commit that stayed unresolved deleted
 * files a landed version might reference.
 */
class UnknownCommitOutcomeTest {
  @TempDir
  Path dir;

  /** Applies the create of v2, then reports an unknown outcome; read-backs of v2 fail {@code failedReads} times. */
  static final class AppliedButUnknown extends CountingStorageBackend {
    final AtomicInteger failedReads;
    final AtomicInteger unknowns;
    final boolean apply;

    AppliedButUnknown(Path root, int unknowns, int failedReads, boolean apply) {
      super(new LocalStorageBackend(root, false));
      this.unknowns = new AtomicInteger(unknowns);
      this.failedReads = new AtomicInteger(failedReads);
      this.apply = apply;
    }

    @Override
    public boolean createExclusive(String location, byte[] content) {
      if (location.endsWith("/v2.metadata.json") && unknowns.getAndDecrement() > 0) {
        if (apply) {
          super.createExclusive(location, content);
        }
        throw new CommitOutcomeUnknownException("injected: connection reset after sending " + location, null);
      }
      return super.createExclusive(location, content);
    }

    @Override
    public byte[] readAll(String location) {
      if (location.endsWith("/v2.metadata.json") && failedReads.getAndDecrement() > 0) {
        throw new StorageException("injected: read of " + location + " failed");
      }
      return super.readAll(location);
    }
  }

  @Test
  void appliedCreateWhoseReadBackFailsIsCommittedExactlyOnce() {
    // The first read-back fails every time, so the protocol creates again, and the store answers "exists".
    AppliedButUnknown storage = new AppliedButUnknown(dir, 1, 5 /* every read-back of the first round */, true);
    try (Warehouse wh = Warehouse.of(storage)) {
      wh.createTable("t", TestSchemas.EVENTS);
      Table t = wh.loadTable("t");
      Snapshot s = t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));

      Table fresh = wh.loadTable("t");
      assertThat(fresh.snapshots()).extracting(Snapshot::snapshotId).containsExactly(s.snapshotId());
      List<Row> rows = fresh.scan().toList();
      assertThat(rows).extracting(r -> r.get("id")).containsExactly(1L);
    }
  }

  @Test
  void unknownOutcomeThatNeverLandedIsRetriedAndCommittedOnce() {
    AppliedButUnknown storage = new AppliedButUnknown(dir, 2, 0, false);
    try (Warehouse wh = Warehouse.of(storage)) {
      wh.createTable("t", TestSchemas.EVENTS);
      Table t = wh.loadTable("t");
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      Table fresh = wh.loadTable("t");
      assertThat(fresh.snapshots()).hasSize(1);
      assertThat(fresh.scan().toList()).hasSize(1);
    }
  }

  @Test
  void unresolvableOutcomeFailsClearlyAndKeepsTheFilesALateLandingWouldNeed() {
    // Every create of v2 reports "unknown" without applying: the append must fail, but keep its files.
    AppliedButUnknown storage = new AppliedButUnknown(dir, Integer.MAX_VALUE, 0, false);
    try (Warehouse wh = Warehouse.of(storage)) {
      wh.createTable("t", TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(),
          java.util.Map.of("commit.retry.num-retries", "2", "commit.retry.min-wait-ms", "1"));
      Table t = wh.loadTable("t");
      assertThatThrownBy(() -> t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0))))
          .isInstanceOf(CommitOutcomeUnknownException.class)
          .hasMessageContaining("files are kept");
      List<FileInfo> data = storage.list(t.location() + "/data");
      assertThat(data).hasSize(1);
      assertThat(wh.loadTable("t").snapshots()).isEmpty();
    }
  }
}
