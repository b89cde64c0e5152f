package io.datashard.maintenance;

import io.datashard.MaintenanceResult;

import io.datashard.DataShardException;
import io.datashard.RewriteDataFiles;
import io.datashard.Snapshot;
import io.datashard.SnapshotRef;
import io.datashard.TableProperties;
import io.datashard.commit.CommitGate;
import io.datashard.commit.FileTableOperations;
import io.datashard.commit.MetadataFiles;
import io.datashard.commit.TableOperations;
import io.datashard.commit.VersionFiles;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.MetadataLogEntry;
import io.datashard.metadata.TableMetadata;
import io.datashard.update.ManifestRewrite;
import io.datashard.manifest.TableFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic upkeep of one table (docs/operations.md, "Automatic upkeep"): keeps a table fed by many small appends
 * fast and its metadata small without a separate job.
 *
 * <p>After every successful append the table layer calls {@link #committed}. That call only looks at the committed
 * metadata already in memory (no I/O) and, when the table crossed a threshold, hands a run to the warehouse's
 * background executor and returns: the append is acknowledged without waiting for upkeep, and at most one run per
 * table is queued or running at a time (while it is busy, an append that crosses the snapshot threshold starts step
 * 1 alone, at most one at a time: a run compacting many files takes seconds, and versions written meanwhile would
 * carry every snapshot added meanwhile). A run, bounded by {@link TableProperties#UPKEEP_MAX_DURATION_MS}:
 * <ol>
 *   <li>expires snapshots beyond the newest {@link TableProperties#UPKEEP_MAX_SNAPSHOTS} of each branch and those
 *       older than {@code history.expire.max-snapshot-age-ms}, through {@link SnapshotExpiry} (tags, a branch's
 *       own retention and the heads of branches are honoured) and deletes the files only they referenced;
 *   <li>compacts the partitions holding at least {@link TableProperties#UPKEEP_COMPACT_MIN_FILES} small files
 *       through {@link DataFileCompaction}, at most {@link TableProperties#UPKEEP_COMPACT_MAX_FILES} files a run,
 *       sparing the larger ones by {@link TableProperties#UPKEEP_COMPACT_SIZE_RATIO} ({@code maintain()} merges all);
 *   <li>rewrites the current snapshot's manifests when there are more than
 *       {@link TableProperties#UPKEEP_MAX_MANIFESTS};
 *   <li>replaces the version files that fell out of the metadata log
 *       ({@link TableProperties#METADATA_PREVIOUS_VERSIONS_MAX}) by tombstones (file-system tables; not when
 *       {@code write.metadata.delete-after-commit.enabled} is set to false explicitly);
 *   <li>warns when the metadata a reader loads grows past {@link TableProperties#METADATA_WARN_BYTES}.
 * </ol>
 * Every step that changes the table is an ordinary optimistic commit: it rebuilds on a conflict with another writer
 * or gives up (a compaction whose files another writer removed fails and is retried by a later run). A failed step is
 * logged and the run goes on; nothing is ever reported to the appender.
 *
 * <p>{@link #run} is the same work on demand, for {@link io.datashard.Table#maintain()} and {@code datashard
 * maintain}: every step whose rule applies, regardless of thresholds. One instance per table location per
 * {@link io.datashard.Warehouse}, shared by its handles. Thread-safe.
 */
public final class Upkeep {
  private static final Logger LOG = LoggerFactory.getLogger(Upkeep.class);
  /** Name prefix of the warehouse's upkeep threads. */
  public static final String THREAD_PREFIX = "datashard-upkeep-";

  /** At most this long per run replacing fallen-out versions by tombstones. */
  private static final long RETIRE_BUDGET_MS = 2_000;
  /**
   * How long after a commit that left versions to retire, below the batch that makes a run due, a run retires them
   * anyway: the appends may have stopped, and nothing else would.
   */
  private static final long TAIL_DELAY_MS = 1_000;

  private final Executor executor;
  private final CommitGate gate;
  private final Object lock = new Object();
  private final Object expiryLock = new Object();
  private boolean scheduled;
  /** An expiry of its own is queued or running while a longer run is busy (see {@link #committed}). */
  private boolean expiring;
  /** Snapshots appends expired in their own versions whose files are not deleted yet (see {@link #committed}). */
  private final List<Snapshot> unreclaimed = new ArrayList<>();
  /** A task deleting the files of {@link #unreclaimed} is queued or running. */
  private boolean reclaiming;
  private long reclaimedSnapshots;
  private long filesAtLastCompactionCheck = -1;
  private int retiredBelow = -1;
  /** A run to retire the versions that fell out of the log since the last one is waiting for its delay. */
  private boolean tailPending;
  private long lastTombstoneRemoval;
  private long runs;
  private long rowsCompacted;
  private MaintenanceResult lastResult;
  private String lastThread;

  /**
   * @param executor where automatic runs go (the warehouse's daemon threads); null: never automatic, only
   *     {@link #run} on demand
   */
  public Upkeep(Executor executor) {
    this(executor, CommitGate.NONE);
  }

  /**
   * @param executor as above
   * @param gate the table's group commit in this JVM: automatic snapshot expiry commits through it, so that a JVM
   *     appending many times a second does not make its own upkeep lose every race for the next version
   */
  public Upkeep(Executor executor, CommitGate gate) {
    this.executor = executor;
    this.gate = java.util.Objects.requireNonNull(gate);
  }

  /**
   * Called by the table layer after an append committed: schedules a background run when the table crossed a
   * threshold. Never blocks, never throws.
   *
   * @param ops the table operations of the handle that committed
   * @param files the table's file layout
   * @param committed the metadata the append committed (or newer)
   */
  public void committed(TableOperations ops, TableFiles files, TableMetadata committed) {
    committed(ops, files, committed, List.of());
  }

  /**
   * The snapshot limit an append's own version may expire beyond ({@link io.datashard.update.FastAppend#expiringBeyond}),
   * so that no version carries the snapshots that pile up while upkeep is busy: the table's
   * {@link TableProperties#UPKEEP_MAX_SNAPSHOTS} when this upkeep is automatic and on for the table (this upkeep
   * then deletes the files those snapshots leave unreachable); otherwise 0. Through a REST catalog such an append
   * carries a {@code remove-snapshots} update: the server applies it when the append was built on the branch's head
   * and answers 409 otherwise (it moves only plain appends onto a newer head), and the append is rebuilt.
   *
   * @param m the metadata the append starts from
   * @return the limit, or 0 for none
   */
  public int appendsExpireBeyond(TableMetadata m) {
    return executor != null
        && m.booleanProperty(TableProperties.UPKEEP_ENABLED, TableProperties.UPKEEP_ENABLED_DEFAULT)
        ? maxSnapshots(m) : 0;
  }

  /**
   * As {@link #committed(TableOperations, TableFiles, TableMetadata)}, for an append whose version also expired
   * {@code expired} ({@link #appendsExpireBeyond}): their files that no snapshot reaches any more are deleted in the
   * background, by one task at a time per table.
   *
   * @param ops the table operations of the handle that committed
   * @param files the table's file layout
   * @param committed the metadata the append committed (or newer)
   * @param expired the snapshots the append's version expired
   */
  public void committed(TableOperations ops, TableFiles files, TableMetadata committed, List<Snapshot> expired) {
    if (!expired.isEmpty()) {
      reclaimLater(ops, expired);
    }
    try {
      if (executor == null || committed == null
          || !committed.booleanProperty(TableProperties.UPKEEP_ENABLED, TableProperties.UPKEEP_ENABLED_DEFAULT)) {
        return;
      }
      boolean run;
      boolean expire;
      synchronized (lock) {
        // A run compacting hundreds of files takes seconds, while a JVM appending a hundred times a second adds a
        // snapshot each time: every version written meanwhile carries them all, and the metadata log keeps copies
        // of those versions. So while a run is busy, snapshot expiry goes ahead on its own (a second thread).
        expire = scheduled && !expiring && overSnapshotLimit(committed);
        run = !scheduled && due(committed, ops);
        expiring |= expire;
        scheduled |= run;
      }
      if (!run) {
        scheduleTail(committed, ops, files);
      }
      if (expire) {
        try {
          executor.execute(() -> expireScheduled(ops));
        } catch (RejectedExecutionException e) {
          expired(); // the warehouse is closing
        }
      }
      if (run) {
        try {
          executor.execute(() -> runScheduled(ops, files));
        } catch (RejectedExecutionException e) {
          finished(null); // the warehouse is closing
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("table {}: upkeep not scheduled: {}", ops.tableName(), e.toString());
    }
  }

  private void reclaimLater(TableOperations ops, List<Snapshot> expired) {
    boolean start;
    synchronized (lock) {
      unreclaimed.addAll(expired);
      start = !reclaiming;
      reclaiming = true;
    }
    if (start) {
      try {
        executor.execute(() -> reclaim(ops));
      } catch (RuntimeException e) { // the warehouse is closing: the files stay (orphan-file removal finds them)
        synchronized (lock) {
          unreclaimed.clear();
          reclaiming = false;
          lock.notifyAll();
        }
      }
    }
  }

  /**
   * Deletes the files of the snapshots appends expired, batch by batch, against a version read after the batch was
   * taken (so newer than every version that expired them). A failure leaves those files in place, where orphan-file
   * removal finds them.
   */
  private void reclaim(TableOperations ops) {
    TableOperations own = null;
    TableFiles files = null;
    while (true) {
      List<Snapshot> batch;
      synchronized (lock) {
        if (unreclaimed.isEmpty()) {
          reclaiming = false;
          lock.notifyAll();
          return;
        }
        batch = List.copyOf(unreclaimed);
        unreclaimed.clear();
      }
      try {
        if (own == null) {
          own = own(ops);
          files = new TableFiles(own.storage(), own.tableLocation());
        }
        io.datashard.ExpireSnapshots.Result r = deleteUnreachableAgainstLatest(own, files, batch);
        LOG.debug("table {}: deleted {} files of {} snapshots expired by appends", ops.tableName(),
            r.deletedDataFiles().size() + r.deletedManifests().size() + r.deletedManifestLists().size(), batch.size());
      } catch (RuntimeException | Error e) {
        LOG.warn("table {}: deleting the files of {} snapshots expired by appends failed (orphan-file removal finds "
            + "them): {}", ops.tableName(), batch.size(), e.toString());
      }
      synchronized (lock) {
        reclaimedSnapshots += batch.size();
      }
    }
  }

  /**
   * Deletes what only {@code batch} reached, against the latest version. A snapshot of that version whose manifest
   * list is gone was expired by another writer after the version was read (several clients of one REST server each
   * clean up after their own appends): what it reached cannot be known, so nothing is deleted against that version,
   * and a newer one is read instead (three tries; then the files stay for orphan-file removal, as before).
   */
  private static io.datashard.ExpireSnapshots.Result deleteUnreachableAgainstLatest(TableOperations own,
      TableFiles files, List<Snapshot> batch) {
    for (int attempt = 1; ; attempt++) {
      TableMetadata latest = own.refresh();
      try {
        return SnapshotExpiry.deleteUnreachable(files, latest, batch);
      } catch (io.datashard.storage.FileNotFoundInStorageException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** @return how many snapshots expired by appends had their unreachable files deleted (or tried) */
  public long reclaimedSnapshots() {
    synchronized (lock) {
      return reclaimedSnapshots;
    }
  }

  /** A handle of its own for file-system tables: the appenders' handle is never refreshed under them. */
  private static TableOperations own(TableOperations ops) {
    return ops instanceof FileTableOperations f ? f.reopen() : ops;
  }

  /** Step 1 of a run alone, while a run is busy with the longer steps. */
  private void expireScheduled(TableOperations ops) {
    try {
      TableOperations own = own(ops);
      TableMetadata m = own.refresh();
      if (overSnapshotLimit(m)) {
        List<Long> expired = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int deleted = expireBeyondLimit(own, new TableFiles(own.storage(), own.tableLocation()), maxSnapshots(m),
            expired, notes);
        LOG.info("table {}: upkeep (while a run is busy): expired {} snapshots, deleted {} files{}", ops.tableName(),
            expired.size(), deleted, notes.isEmpty() ? "" : "; " + String.join("; ", notes));
      }
    } catch (RuntimeException | Error e) {
      LOG.warn("table {}: automatic snapshot expiry failed: {}", ops.tableName(), e.toString());
    } finally {
      expired();
    }
  }

  private void expired() {
    synchronized (lock) {
      expiring = false;
      lock.notifyAll();
    }
  }

  private static int maxSnapshots(TableMetadata m) {
    return Math.max(1, m.intProperty(TableProperties.UPKEEP_MAX_SNAPSHOTS, TableProperties.UPKEEP_MAX_SNAPSHOTS_DEFAULT));
  }

  /** More snapshots than the limit plus a quarter (so that expiry commits in batches, not after every append). */
  private static boolean overSnapshotLimit(TableMetadata m) {
    return io.datashard.metadata.SnapshotRetention.overLimit(m, maxSnapshots(m));
  }

  private void runScheduled(TableOperations ops, TableFiles files) {
    MaintenanceResult r = null;
    TableMetadata after = null;
    try {
      TableOperations own = own(ops);
      r = run(own, new TableFiles(own.storage(), own.tableLocation()), false);
      if (r.changedAnything()) {
        // Commits that arrived during the run may have crossed a threshold again with nobody left to notice: look
        // once more. A run that changed nothing does not reschedule itself (no loop on what cannot be done).
        after = own.refresh();
      }
    } catch (RuntimeException | Error e) {
      LOG.warn("table {}: automatic upkeep failed: {}", ops.tableName(), e.toString());
    }
    boolean again;
    synchronized (lock) {
      if (r != null) {
        runs++;
        lastResult = r;
        lastThread = Thread.currentThread().getName();
      }
      again = after != null && due(after, ops);
      scheduled = again;
      lock.notifyAll();
    }
    if (again) {
      try {
        executor.execute(() -> runScheduled(ops, files));
      } catch (RejectedExecutionException e) {
        finished(null);
      }
    } else if (after != null && r.retiredVersions() > 0) {
      scheduleTail(after, ops, files); // making progress: go on with what fell out during the run
    }
  }

  /**
   * Versions that fell out of the metadata log after the last batch of 16 stay whole until more commits make a run
   * due, which never happens once the appends stop (up to 15 whole versions, ~85 KB each in the long-life benchmark).
   * So a commit that leaves any behind, with no run due or pending, has a run start {@link #TAIL_DELAY_MS} later
   * (at most one waiting; {@link #awaitIdle} waits for it).
   */
  private void scheduleTail(TableMetadata m, TableOperations ops, TableFiles files) {
    synchronized (lock) {
      if (tailPending || scheduled || !retiresVersions(m, ops)) {
        return;
      }
      int fallen = lastFallenOutVersion(m);
      if (fallen < 1 || retiredBelow > fallen) {
        return;
      }
      tailPending = true;
    }
    java.util.concurrent.CompletableFuture.delayedExecutor(TAIL_DELAY_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .execute(() -> {
          boolean run;
          synchronized (lock) {
            tailPending = false;
            run = !scheduled;
            scheduled |= run;
            lock.notifyAll();
          }
          if (run) {
            try {
              executor.execute(() -> runScheduled(ops, files));
            } catch (RejectedExecutionException e) {
              finished(null); // the warehouse is closing
            }
          }
        });
  }

  private void finished(MaintenanceResult r) {
    synchronized (lock) {
      scheduled = false;
      if (r != null) {
        runs++;
        lastResult = r;
        lastThread = Thread.currentThread().getName();
      }
      lock.notifyAll();
    }
  }

  /** Whether the committed metadata crossed a threshold; memory only. Called under the lock. */
  private boolean due(TableMetadata m, TableOperations ops) {
    if (overSnapshotLimit(m)) {
      return true;
    }
    if (hasExpirableByAge(m, System.currentTimeMillis())) {
      return true;
    }
    Snapshot current = m.currentSnapshot();
    long files = current == null ? 0 : current.summaryLong("total-data-files");
    int minFiles = Math.max(2, m.intProperty(TableProperties.UPKEEP_COMPACT_MIN_FILES,
        TableProperties.UPKEEP_COMPACT_MIN_FILES_DEFAULT));
    if (filesAtLastCompactionCheck < 0 ? files >= minFiles : files - filesAtLastCompactionCheck >= minFiles / 2) {
      return true;
    }
    if (retiresVersions(m, ops)) {
      int fallen = lastFallenOutVersion(m);
      return fallen >= 1 && (retiredBelow < 0 || fallen - retiredBelow + 1 >= 16);
    }
    return false;
  }

  /** Snapshots older than the age limit that no reference keeps as its head. */
  private static boolean hasExpirableByAge(TableMetadata m, long now) {
    long cutoff = now - m.longProperty(SnapshotExpiry.MAX_SNAPSHOT_AGE_MS, SnapshotExpiry.MAX_SNAPSHOT_AGE_MS_DEFAULT);
    if (m.snapshots().isEmpty() || m.snapshots().get(0).timestampMillis() >= cutoff) {
      return false; // snapshots are kept oldest first
    }
    Set<Long> heads = new HashSet<>();
    m.refs().values().forEach(r -> heads.add(r.snapshotId()));
    if (m.currentSnapshotId() != null) {
      heads.add(m.currentSnapshotId());
    }
    for (Snapshot s : m.snapshots()) {
      if (s.timestampMillis() < cutoff && !heads.contains(s.snapshotId()) && !keptByBranchSettings(m)) {
        return true;
      }
    }
    return false;
  }

  /** A branch with its own retention may keep old snapshots on purpose: then age alone does not trigger a run. */
  private static boolean keptByBranchSettings(TableMetadata m) {
    for (SnapshotRef r : m.refs().values()) {
      if (!r.isTag() && (r.minSnapshotsToKeep() != null || r.maxSnapshotAgeMs() != null)) {
        return true;
      }
    }
    return false;
  }

  private static boolean retiresVersions(TableMetadata m, TableOperations ops) {
    return ops instanceof FileTableOperations
        && !"false".equalsIgnoreCase(m.properties().get(TableProperties.METADATA_DELETE_AFTER_COMMIT));
  }

  /** @return the newest version that is no longer in the metadata log (0: none) */
  private static int lastFallenOutVersion(TableMetadata m) {
    if (m.version() <= 1) {
      return 0;
    }
    int oldestLogged = m.version();
    for (MetadataLogEntry e : m.metadataLog()) {
      int v = MetadataFiles.parseVersion(e.file());
      if (v > 0) {
        oldestLogged = Math.min(oldestLogged, v);
      }
    }
    return oldestLogged - 1;
  }

  /**
   * Runs upkeep now on the calling thread.
   *
   * @param ops the table's operations
   * @param files the table's file layout
   * @param onDemand true for {@link io.datashard.Table#maintain()}: every step whose rule applies, regardless of
   *     the thresholds and without a time budget; false for an automatic run
   * @return what was done
   */
  public MaintenanceResult run(TableOperations ops, TableFiles files, boolean onDemand) {
    long started = System.currentTimeMillis();
    TableMetadata m = ops.refresh();
    long deadline = onDemand ? Long.MAX_VALUE : started + m.longProperty(TableProperties.UPKEEP_MAX_DURATION_MS,
        TableProperties.UPKEEP_MAX_DURATION_MS_DEFAULT);
    List<String> notes = new ArrayList<>();
    List<Long> expired = new ArrayList<>();
    int deleted = 0;
    int maxSnapshots = maxSnapshots(m);

    // 1. Snapshots: the newest N per branch, then the age limit.
    if (onDemand ? m.snapshots().size() > maxSnapshots : overSnapshotLimit(m)) {
      deleted += expireBeyondLimit(ops, files, maxSnapshots, expired, notes);
      m = ops.current();
    }
    if (hasExpirableByAge(m, System.currentTimeMillis()) || (onDemand && !m.snapshots().isEmpty())) {
      deleted += expire(new SnapshotExpiry(ops, files).through(gate).retainLast(1), expired, notes);
      m = ops.current();
    }

    // 2. Small files of partitions that crossed the threshold.
    int compacted = 0;
    int written = 0;
    if (System.currentTimeMillis() < deadline && m.currentSnapshot() != null) {
      int minFiles = onDemand ? 2 : Math.max(2, m.intProperty(TableProperties.UPKEEP_COMPACT_MIN_FILES,
          TableProperties.UPKEEP_COMPACT_MIN_FILES_DEFAULT));
      int maxFiles = onDemand ? Integer.MAX_VALUE : m.intProperty(TableProperties.UPKEEP_COMPACT_MAX_FILES,
          TableProperties.UPKEEP_COMPACT_MAX_FILES_DEFAULT);
      long filesSeen = m.currentSnapshot().summaryLong("total-data-files");
      try {
        int ratio = onDemand ? 0 : Math.max(0, m.intProperty(TableProperties.UPKEEP_COMPACT_SIZE_RATIO,
            TableProperties.UPKEEP_COMPACT_SIZE_RATIO_DEFAULT));
        RewriteDataFiles.Result r = new DataFileCompaction(ops, files).through(gate).minFilesPerPartition(minFiles)
            .maxInputFiles(maxFiles).sizeRatio(ratio).execute();
        compacted = r.rewrittenFiles();
        written = r.addedFiles();
        synchronized (lock) {
          rowsCompacted += r.rewrittenRows();
        }
      } catch (DataShardException e) {
        notes.add("compaction skipped: " + e.getMessage());
      }
      m = ops.current();
      synchronized (lock) {
        // The files this run saw and left (not the table's count now): files appended while it compacted count
        // towards the next run, so that a run outrun by the writers is followed by another once they add enough.
        filesAtLastCompactionCheck = Math.max(0, filesSeen - compacted + written);
      }
    }

    // 3. Manifests of the current snapshot.
    boolean manifestsRewritten = false;
    if (System.currentTimeMillis() < deadline && m.currentSnapshot() != null) {
      int maxManifests = onDemand ? 1 : Math.max(1, m.intProperty(TableProperties.UPKEEP_MAX_MANIFESTS,
          TableProperties.UPKEEP_MAX_MANIFESTS_DEFAULT));
      try {
        if (files.manifests(m.currentSnapshot().manifestListLocation()).size() > maxManifests) {
          Snapshot before = m.currentSnapshot();
          Snapshot after = gate.exclusively(() -> new ManifestRewrite(ops, files).commit());
          manifestsRewritten = after != null && after.snapshotId() != before.snapshotId();
          m = ops.current();
        }
      } catch (DataShardException e) {
        notes.add("manifest rewrite skipped: " + e.getMessage());
      }
    }

    // 4. Version files that fell out of the metadata log become tombstones.
    int retired = 0;
    int removed = 0;
    if (retiresVersions(m, ops)) {
      retired = retireFallenVersions((FileTableOperations) ops, m, deadline, notes);
      removed = removeOldTombstones((FileTableOperations) ops, m, onDemand, deadline, notes);
    }

    // 5. Size of what a reader loads, now: a long run's view may be of a snapshot expired meanwhile.
    if (!onDemand) {
      m = ops.refresh();
    }
    long metadataBytes = metadataBytes(ops, files, m, notes);
    long warnAt = m.longProperty(TableProperties.METADATA_WARN_BYTES, TableProperties.METADATA_WARN_BYTES_DEFAULT);
    if (metadataBytes > warnAt) {
      LOG.warn("table {}: its metadata (current version file, manifest list and manifests) is {} bytes, more than "
          + "{} = {}; keep fewer snapshots ({}) or merge manifests (docs/operations.md, \"Automatic upkeep\")",
          ops.tableName(), metadataBytes, TableProperties.METADATA_WARN_BYTES, warnAt,
          TableProperties.UPKEEP_MAX_SNAPSHOTS);
    }
    long dataBytes = m.currentSnapshot() == null ? 0 : m.currentSnapshot().summaryLong("total-files-size");
    MaintenanceResult result = new MaintenanceResult(List.copyOf(expired), deleted, compacted, written, manifestsRewritten, retired,
        removed, metadataBytes, dataBytes, System.currentTimeMillis() - started, List.copyOf(notes));
    if (result.changedAnything()) {
      LOG.info("table {}: upkeep: {}", ops.tableName(), String.join("; ", result.lines()));
    }
    return result;
  }

  /** Step 1's count rule: every branch keeps its newest {@code maxSnapshots} (and what its own settings keep). */
  private int expireBeyondLimit(TableOperations ops, TableFiles files, int maxSnapshots, List<Long> expired,
      List<String> notes) {
    return expire(new SnapshotExpiry(ops, files).through(gate).retainLast(maxSnapshots)
        .expireOlderThan(Instant.ofEpochMilli(System.currentTimeMillis())), expired, notes);
  }

  /**
   * One expiry at a time per table in this JVM: a run's and the one of its own. Each refreshes before it decides, so
   * the second sees what the first removed (through a REST catalog, whose protocol attaches no requirement to a
   * snapshot removal, both would otherwise commit the same removal and delete the same files twice).
   */
  private int expire(io.datashard.ExpireSnapshots expiry, List<Long> expired, List<String> notes) {
    try {
      io.datashard.ExpireSnapshots.Result r;
      synchronized (expiryLock) {
        r = expiry.commit();
      }
      expired.addAll(r.expiredSnapshotIds());
      return r.deletedDataFiles().size() + r.deletedManifests().size() + r.deletedManifestLists().size();
    } catch (DataShardException e) {
      notes.add("snapshot expiry skipped: " + e.getMessage());
      return 0;
    }
  }

  private int retireFallenVersions(FileTableOperations ops, TableMetadata m, long deadline, List<String> notes) {
    int fallen = lastFallenOutVersion(m);
    if (fallen < 1) {
      return 0;
    }
    VersionFiles versions = ops.versionFiles();
    int from;
    synchronized (lock) {
      from = retiredBelow;
    }
    try {
      if (from < 1) {
        from = firstKept(versions, fallen);
      }
      // A share of the run, not all of it: a JVM appending hundreds of times a second leaves thousands of versions
      // behind while the first run starts, and a run spent writing their tombstones (a durable replace each) would
      // let snapshots pile up meanwhile; the next run, scheduled at once, goes on where this one stopped.
      long stopAt = Math.min(deadline, System.currentTimeMillis() + RETIRE_BUDGET_MS);
      int n = from;
      for (; n <= fallen && System.currentTimeMillis() < stopAt; n++) {
        versions.retire(List.of(versions.file(n)));
      }
      synchronized (lock) {
        retiredBelow = Math.max(retiredBelow, n);
      }
      return n - from;
    } catch (DataShardException e) {
      notes.add("retiring old versions skipped: " + e.getMessage());
      return 0;
    }
  }

  /**
   * 4b. Removes tombstones older than {@link TableProperties#UPKEEP_REMOVE_TOMBSTONES_AFTER_MS} (when the table sets
   * it), oldest first ({@link VersionFiles#removeTombstones}). An automatic run does so at most once per quarter of
   * that age (each pass lists {@code metadata/}), within the same share of the run as retiring.
   */
  private int removeOldTombstones(FileTableOperations ops, TableMetadata m, boolean onDemand, long deadline,
      List<String> notes) {
    long age = m.longProperty(TableProperties.UPKEEP_REMOVE_TOMBSTONES_AFTER_MS, 0);
    if (age <= 0) {
      return 0;
    }
    long now = System.currentTimeMillis();
    synchronized (lock) {
      if (!onDemand && lastTombstoneRemoval != 0 && now - lastTombstoneRemoval < age / 4) {
        return 0;
      }
      lastTombstoneRemoval = now;
    }
    try {
      return ops.versionFiles().removeTombstones(java.time.Duration.ofMillis(age),
          onDemand ? deadline : Math.min(deadline, now + RETIRE_BUDGET_MS));
    } catch (DataShardException e) {
      notes.add("removing old tombstones skipped: " + e.getMessage());
      return 0;
    }
  }

  /**
   * The oldest version up to {@code fallen} that is not a tombstone yet ({@code fallen + 1} when all are). Upkeep
   * and {@code delete-after-commit} retire versions oldest first, so the tombstones (and the names removed below
   * them) form a prefix: binary search.
   */
  private static int firstKept(VersionFiles versions, int fallen) {
    int lo = 1;
    int hi = fallen + 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (isTombstoneOrGone(versions, mid)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static boolean isTombstoneOrGone(VersionFiles versions, int version) {
    try {
      return versions.read(version).tombstone() != null;
    } catch (io.datashard.TableNotFoundException removed) {
      return true; // an old tombstone, removed
    }
  }

  private static long metadataBytes(TableOperations ops, TableFiles files, TableMetadata m, List<String> notes) {
    try {
      long bytes = m.metadataFileLocation() == null ? 0
          : ops.storage().newInputFile(m.metadataFileLocation()).length();
      Snapshot s = m.currentSnapshot();
      if (s != null) {
        bytes += ops.storage().newInputFile(s.manifestListLocation()).length();
        for (ManifestFile f : files.manifests(s.manifestListLocation())) {
          bytes += f.length();
        }
      }
      return bytes;
    } catch (RuntimeException e) {
      notes.add("metadata size unknown: " + e.getMessage());
      return -1;
    }
  }

  /** @return how many automatic runs finished */
  public long runs() {
    synchronized (lock) {
      return runs;
    }
  }

  /**
   * @return rows the compactions of this handle's runs (automatic and on demand) read and wrote again: against the
   *     rows appended, how many times compaction rewrites a row on average (its write amplification)
   */
  public long rowsCompacted() {
    synchronized (lock) {
      return rowsCompacted;
    }
  }

  /** @return the last automatic run's result, or null */
  public MaintenanceResult lastResult() {
    synchronized (lock) {
      return lastResult;
    }
  }

  /** @return the name of the thread the last automatic run ran on, or null */
  public String lastThread() {
    synchronized (lock) {
      return lastThread;
    }
  }

  /**
   * Waits until no automatic run is queued or running.
   *
   * @param timeoutMillis the longest wait
   * @return whether upkeep is idle
   * @throws InterruptedException when interrupted
   */
  public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
    long end = System.currentTimeMillis() + timeoutMillis;
    synchronized (lock) {
      while (scheduled || expiring || reclaiming || tailPending) {
        long left = end - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        lock.wait(left);
      }
      return true;
    }
  }
}
