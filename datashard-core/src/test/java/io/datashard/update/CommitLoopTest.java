package io.datashard.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.CommitConflictException;
import io.datashard.DataShardException;
import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.TableProperties;
import io.datashard.Types;
import io.datashard.commit.FileTableOperations;
import io.datashard.metadata.TableMetadata;
import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.StorageBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optimistic retry loop, with lost races forced by a storage hook rather than hoped for. */
class CommitLoopTest {
  @TempDir
  Path dir;

  /** Commits of a competing writer made right before each of our version creates, while {@code competing > 0}. */
  private final AtomicInteger competing = new AtomicInteger();
  private final AtomicInteger competitorCommits = new AtomicInteger();
  private FileTableOperations ours;
  private FileTableOperations theirs;

  @BeforeEach
  void createTable() {
    StorageBackend plain = new LocalStorageBackend(dir);
    StorageBackend hooked = new ForwardingStorageBackend(new LocalStorageBackend(dir)) {
      @Override
      public boolean createExclusive(String location, byte[] content) {
        if (location.endsWith(".metadata.json") && competing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          TableMetadata latest = theirs.refresh();
          assertThat(theirs.commit(latest, latest.withProperties(
              Map.of("theirs." + competitorCommits.incrementAndGet(), "x"), Set.of(), 0L))).isNotNull();
        }
        return super.createExclusive(location, content);
      }
    };
    ours = new FileTableOperations(hooked, "t", plain.resolve(plain.root(), "t"));
    theirs = new FileTableOperations(plain, "t", plain.resolve(plain.root(), "t"));
    ours.create(TableMetadata.newTable(ours.tableLocation(), Schema.of(Field.required(1, "id", Types.LONG)),
        PartitionSpec.unpartitioned(), Map.of(TableProperties.COMMIT_NUM_RETRIES, "2",
            TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "1", TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "1"), 0L));
  }

  /** Sets property "ours" on whatever base it is given, recording each attempt's base version. */
  private static final class SetProperty implements CommitLoop.Attempt {
    final List<Integer> bases = new ArrayList<>();
    final List<Integer> lost = new ArrayList<>();

    @Override
    public TableMetadata build(TableMetadata base, int attempt) {
      bases.add(base.version());
      return base.withProperties(Map.of("ours", Integer.toString(attempt)), Set.of(), 0L);
    }

    @Override
    public void lost(int attempt) {
      lost.add(attempt);
    }
  }

  @Test
  void uncontendedCommitTakesOneAttempt() {
    SetProperty change = new SetProperty();
    CommitLoop.Result r = CommitLoop.run(ours, ours.refresh(), "test", change);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.metadata().version()).isEqualTo(2);
    assertThat(change.lost).isEmpty();
    assertThat(theirs.refresh().properties()).containsEntry("ours", "1");
  }

  @Test
  void aNoOpChangeCommitsNothing() {
    TableMetadata base = ours.refresh();
    CommitLoop.Result r = CommitLoop.run(ours, base, "test", (b, n) -> b);
    assertThat(r.metadata()).isSameAs(base);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(theirs.refresh().version()).isEqualTo(1);
  }

  @Test
  void aLostRaceIsRebuiltOnTheWinnersVersionAndKeepsBothChanges() {
    competing.set(1);
    SetProperty change = new SetProperty();
    CommitLoop.Result r = CommitLoop.run(ours, ours.refresh(), "test", change);
    assertThat(competitorCommits.get()).as("the race happened").isEqualTo(1);
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(change.lost).containsExactly(1);
    assertThat(change.bases).containsExactly(1, 2);
    assertThat(r.metadata().version()).isEqualTo(3);
    assertThat(theirs.refresh().properties()).containsEntry("ours", "2").containsEntry("theirs.1", "x");
  }

  @Test
  void retriesRunOutWithAConflictNamingTheAttempts() {
    competing.set(Integer.MAX_VALUE);
    SetProperty change = new SetProperty();
    assertThatThrownBy(() -> CommitLoop.run(ours, ours.refresh(), "test change", change))
        .isInstanceOfSatisfying(CommitConflictException.class, e -> {
          assertThat(e.attempts()).isEqualTo(3);
          assertThat(e.getMessage()).contains("test change", "3 attempts", "commit.retry.num-retries");
        });
    assertThat(change.lost).containsExactly(1, 2, 3);
    assertThat(competitorCommits.get()).isEqualTo(3);
    assertThat(theirs.refresh().properties()).doesNotContainKey("ours");
  }

  @Test
  void aChangeThatBecameInvalidIsNotRetried() {
    AtomicInteger builds = new AtomicInteger();
    assertThatThrownBy(() -> CommitLoop.run(ours, ours.refresh(), "test", (b, n) -> {
      builds.incrementAndGet();
      throw new io.datashard.ValidationException("no longer valid");
    })).isInstanceOf(DataShardException.class).hasMessageContaining("no longer valid");
    assertThat(builds.get()).isEqualTo(1);
    assertThat(theirs.refresh().version()).isEqualTo(1);
  }
}
