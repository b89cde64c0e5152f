package io.datashard.replication;

import io.datashard.StorageException;
import io.datashard.Warehouse;
import io.datashard.commit.VersionTombstone;
import io.datashard.metadata.TableMetadataParser;
import io.datashard.replication.TableMigration.PublishedVersion;
import io.datashard.storage.FileInfo;
import io.datashard.storage.StorageBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous replication of one table to another store: every metadata version the source commits is copied to
 * the target in order, with the data files, manifests and manifest lists it references (the same replay as
 * {@code datashard migrate}, {@link TableMigration}).
 *
 * <p>What a reader of the target can rely on at every moment, also after a crash or kill of the replicator at any
 * point: the target is a table whose versions are a prefix of the source's ({@code v1..vK}, each version's
 * snapshots equal to the source's), because a version file is created (exclusively, as a commit is) only after
 * every data file, manifest and manifest list it references is written, synced and verified; the version hint is
 * written last. Running again continues with what the target lacks.
 *
 * <p>Verification is proportional to what changed: every data file a new version is the first to need is
 * compared with the source (size and CRC32C) before the version is published, and the version's bytes are read
 * back after. {@link #verifyAll(LongConsumer)} compares everything again.
 *
 * <p>One replicator per target: two replicators of the same target would delete each other's unpublished
 * files. Obtain one with {@link Warehouse#replication(String, Warehouse, String)}.
 */
public final class Replication {
  private static final Logger LOG = LoggerFactory.getLogger(Replication.class);

  private final StorageBackend source;
  private final String sourceTable;
  private final StorageBackend target;
  private final String targetTable;
  private volatile boolean stopRequested;
  private final Object sleeper = new Object();
  private TableMigration copier;

  /**
   * @param source source storage
   * @param sourceTable source table location
   * @param target target storage
   * @param targetTable target table location (must hold nothing, or an earlier replica of the same table)
   */
  public Replication(StorageBackend source, String sourceTable, StorageBackend target, String targetTable) {
    this.source = source;
    this.sourceTable = sourceTable;
    this.target = target;
    this.targetTable = targetTable;
  }

  /**
   * How far the replica is behind the source.
   *
   * @param sourceVersion the newest version at the source
   * @param replicaVersion the newest version at the replica (0 when it has none)
   * @param lagMillis how long ago the source committed the oldest version the replica lacks; 0 when caught up
   */
  public record Lag(int sourceVersion, int replicaVersion, long lagMillis) {
    /** @return versions the replica lacks */
    public int versionsBehind() {
      return Math.max(0, sourceVersion - replicaVersion);
    }

    @Override
    public String toString() {
      return versionsBehind() == 0 ? "caught up at v" + replicaVersion
          : versionsBehind() + " version(s) behind (replica v" + replicaVersion + ", source v" + sourceVersion
              + "), oldest missing commit " + Duration.ofMillis(lagMillis).toMillis() + " ms ago";
    }
  }

  /**
   * One pass of replication.
   *
   * @param copy what was copied
   * @param versions the versions published (and verified) by this pass, in the order published: a full version
   *     before the tombstones of the versions just below it (a replica never has a tombstone as its newest version)
   * @param lag the lag measured at the end of the pass
   */
  public record Round(CopyReport copy, List<PublishedVersion> versions, Lag lag) {
    /** Copies the list. */
    public Round {
      versions = List.copyOf(versions);
    }
  }

  /**
   * Copies every version the replica lacks, as of the start of the pass (versions committed meanwhile are left
   * for the next pass), and stops early between two versions when {@link #stop()} is called.
   *
   * @param bytesCopied told of every chunk of data-file bytes copied
   * @return what this pass did and the lag after it
   * @throws io.datashard.TableNotFoundException when the source has no table
   * @throws io.datashard.ValidationException when the target holds another table
   * @throws ReplicationVerificationException when a copy differs from the source (nothing refers to it)
   */
  public Round runOnce(LongConsumer bytesCopied) {
    if (copier == null) {
      copier = new TableMigration(source, sourceTable, target, targetTable).verifyEachVersion();
    }
    List<PublishedVersion> published = new ArrayList<>();
    try {
      CopyReport report = copier.copy(bytesCopied, () -> stopRequested, v -> {
        published.add(v);
        LOG.debug("replicated v{} of {}: {} snapshot(s), {} data file(s), {} bytes", v.version(), sourceTable,
            v.snapshotIds().size(), v.dataFiles().size(), v.dataBytes());
      });
      return new Round(report, published, lag());
    } catch (RuntimeException e) {
      copier = null; // its memory of what was copied may be wrong after a failure; the next pass starts afresh
      throw e;
    }
  }

  /** @return the lag now: the newest version at each side and the age of the oldest commit the replica lacks */
  public Lag lag() {
    TreeMap<Integer, FileInfo> sv = TableMigration.versions(source, sourceTable);
    TreeMap<Integer, FileInfo> dv = TableMigration.versionsOrEmpty(target, targetTable);
    int replica = dv.isEmpty() ? 0 : dv.lastKey();
    int src = sv.lastKey();
    if (replica >= src) {
      return new Lag(src, replica, 0);
    }
    FileInfo oldest = sv.ceilingEntry(replica + 1).getValue();
    return new Lag(src, replica, Math.max(0, System.currentTimeMillis() - commitMillis(oldest)));
  }

  private long commitMillis(FileInfo version) {
    byte[] bytes = source.readAll(version.location());
    VersionTombstone t = VersionTombstone.parse(version.location(), bytes);
    if (t != null) {
      return t.writtenMillis(version.lastModifiedMillis()); // at or after the commit: a lag it gives is a lower bound
    }
    return TableMetadataParser.fromJson(version.location(), 0, bytes).lastUpdatedMillis();
  }

  /**
   * Replicates until {@link #stop()} is called: a pass, then a pause of {@code interval} when the pass found
   * something to copy, doubling after every empty pass up to {@code maxInterval}. Storage errors are logged and
   * retried after the pause (the pass already done stays done); other errors end the loop.
   *
   * @param interval pause after a pass that copied something
   * @param maxInterval the longest pause
   * @param onRound told of every pass
   * @param bytesCopied told of every chunk of data-file bytes copied
   */
  public void follow(Duration interval, Duration maxInterval, Consumer<Round> onRound, LongConsumer bytesCopied) {
    long pause = interval.toMillis();
    while (!stopRequested) {
      try {
        Round r = runOnce(bytesCopied);
        onRound.accept(r);
        pause = r.versions().isEmpty() ? Math.min(maxInterval.toMillis(), Math.max(1, pause * 2)) : interval.toMillis();
      } catch (StorageException e) {
        LOG.warn("replication of {} failed, retrying in {} ms: {}", sourceTable, pause, e.getMessage());
        pause = Math.min(maxInterval.toMillis(), Math.max(1, pause * 2));
      }
      synchronized (sleeper) {
        if (!stopRequested) {
          try {
            sleeper.wait(pause);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  /**
   * Asks a running pass or {@link #follow} loop to stop: the version being copied is finished and published
   * (or, if the process ends first, abandoned without being published), then the loop returns. Safe from any
   * thread, e.g. a shutdown hook.
   */
  public void stop() {
    stopRequested = true;
    synchronized (sleeper) {
      sleeper.notifyAll();
    }
  }

  /**
   * Compares the whole replica with the source, as far as the replica goes: the same version names; every
   * version the same bytes (locations rewritten) unless the source has tombstoned it since; the replica's
   * newest version has the same snapshots, data files and row counts as the source's version of that number;
   * every data file's CRC32C equal on both sides.
   *
   * @param bytesRead told of every chunk read for checksums
   * @return the differences found
   */
  public VerifyReport verifyAll(LongConsumer bytesRead) {
    return new TableMigration(source, sourceTable, target, targetTable).verifyReplica(bytesRead);
  }
}
