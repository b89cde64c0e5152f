package io.datashard.iceberg;

import io.datashard.RewriteDataFiles;
import io.datashard.TableProperties;
import io.datashard.maintenance.DataFileCompaction;
import io.datashard.metadata.SnapshotRetention;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic upkeep for tables written through the catalog, as the library's upkeep does for its own commits, so that a
 * table fed by an engine's small commits (Spark or Flink through the catalog, any client of the REST server) stays
 * healthy without a separate job. With {@link TableProperties#UPKEEP_ENABLED} on (the default), after commits, on the
 * catalog's background threads, with Apache Iceberg's own operations:
 * <ul>
 *   <li><b>snapshot expiry by count</b>: once a commit leaves more than {@link TableProperties#UPKEEP_MAX_SNAPSHOTS}
 *       plus a quarter, {@code expireSnapshots().retainLast(max-snapshots)}: each branch keeps its newest (a branch's
 *       own {@code min-snapshots-to-keep} and {@code max-snapshot-age-ms} win), tags keep theirs, and the files only
 *       the expired snapshots reached are deleted. At least {@link #MIN_RUN_INTERVAL_MS} between two such runs (the
 *       run waits on its thread, so the last commits of a burst are followed by one); the next is due once the table
 *       has a quarter of the limit more than the last run left, so references that keep old snapshots do not start a
 *       run after every commit;
 *   <li><b>snapshot expiry by age</b>: snapshots older than {@code history.expire.max-snapshot-age-ms} (5 days)
 *       beyond {@code history.expire.min-snapshots-to-keep}, looked for at most once a minute;
 *   <li><b>manifest merging</b>: every {@link TableProperties#UPKEEP_MAX_MANIFESTS} commits, when the current
 *       snapshot has more data manifests than that, {@code rewriteManifests()} merges them (into manifests of
 *       {@code commit.manifest.target-size-bytes}). An engine's fast appends write one manifest per commit, and a
 *       scan plans by reading every one of them: 5.9 s to plan after 2,300 such appends without this
 *       (docs/benchmarks.md);
 *   <li><b>compaction</b>, on a lane of its own: once the current snapshot's {@code total-data-files} reaches
 *       {@link TableProperties#UPKEEP_COMPACT_MIN_FILES} (32), and then each time it grew by half of that since the
 *       last compaction, the library's {@link DataFileCompaction} bin-packs the small files of every partition holding
 *       that many (at most {@link TableProperties#UPKEEP_COMPACT_MAX_FILES} a run; larger files are spared by
 *       {@link TableProperties#UPKEEP_COMPACT_SIZE_RATIO}), committed by the library's own
 *       protocol on the same version files. A table with a feature the library refuses is left as it is (logged).
 * </ul>
 * Expiry and manifest merging are one lane, compaction the other: a compaction of a thousand files takes seconds,
 * and an engine committing many times a second would otherwise pile snapshots and manifests up behind it
 * (docs/benchmarks.md). One run per lane and table at a time, queued or running; after a run the table is looked at
 * once more, since commits made meanwhile started nothing. Commits whose snapshot the DataShard library made are left
 * to the library's own upkeep (see {@link #madeByTheLibrary}). Each step is an ordinary commit on the table's version
 * files: it publishes the next version by exclusive create, retries when another writer was first, and never races a
 * writer unsafely; a reader still planning an expired snapshot fails on a missing file, as after any expiry. A failed
 * step is logged and left to a later commit (docs/catalog.md, "Automatic upkeep after commits").
 */
final class CatalogUpkeep {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogUpkeep.class);
  private static final long AGE_CHECK_INTERVAL_MS = 60_000;
  /**
   * Least time between the starts of two expiries by count for one table, so that an engine committing many times a
   * second does not have the catalog add a commit of its own after nearly every one: it leaves at most about
   * {@code 2r} snapshots over the limit plus a quarter at r commits a second.
   */
  static final long MIN_RUN_INTERVAL_MS = 2_000;

  /** What a run does. */
  private record Work(boolean expireByCount, boolean expireByAge, boolean mergeManifests, long delayMillis) {
  }

  /** One table's state in this catalog; guarded by itself. */
  private static final class TableState {
    /** The expiry and manifest lane has a run queued or running. */
    boolean running;
    /** The compaction lane has a run queued or running. */
    boolean compacting;
    int nextDueCount;
    long lastCountRun = Long.MIN_VALUE / 2;
    long lastAgeCheck = Long.MIN_VALUE / 2;
    int commitsSinceManifestCheck;
    /** Data manifests the last merge left, or 0 before the first. */
    int manifestsAfterLastMerge;
    /** Data files the last compaction saw and left, or -1 before the first. */
    long filesAtLastCompaction = -1;
    /** A refusal to compact (a feature the library cannot carry) was logged as a warning once already. */
    boolean refusalLogged;
  }

  private final Executor background;
  private final Function<TableIdentifier, Table> tables;
  private final Compactor compactor;
  private final Map<String, TableState> states = new ConcurrentHashMap<>();
  /** Runs queued or running; guarded by itself. */
  private final int[] inFlight = {0};

  /**
   * @param background where runs go (the two lanes of a table run at the same time: it needs two threads)
   * @param tables loads a table of the catalog (a fresh handle for each run)
   * @param compactor the library's compaction of a table of the catalog, committing through its version files
   */
  CatalogUpkeep(Executor background, Function<TableIdentifier, Table> tables, Compactor compactor) {
    this.background = background;
    this.tables = tables;
    this.compactor = compactor;
  }

  /** Compacts a table of the catalog with the library's {@link DataFileCompaction}. */
  @FunctionalInterface
  interface Compactor {
    /**
     * @param identifier the table
     * @param minFiles the least number of small files a partition needs to be compacted
     * @param maxFiles the most input files of one run
     * @param sizeRatio how the larger small files are spared ({@link DataFileCompaction#sizeRatio})
     * @return what was rewritten
     */
    RewriteDataFiles.Result compact(TableIdentifier identifier, int minFiles, int maxFiles, int sizeRatio);
  }

  /**
   * Called after a commit of the table: starts the runs that are due. Only looks at the committed metadata.
   *
   * @param identifier the table
   * @param location its location (the key of its state here)
   * @param committed the metadata just committed
   */
  void committed(TableIdentifier identifier, String location, TableMetadata committed) {
    if (!madeByTheLibrary(committed.currentSnapshot())) {
      look(identifier, location, committed, -1);
    }
  }

  /**
   * @param dataManifests the current snapshot's data manifests when known (after a run), else -1: more than the limit,
   *     and more than the last merge left, makes a merge due at once
   */
  private void look(TableIdentifier identifier, String location, TableMetadata committed, int dataManifests) {
    Map<String, String> props = committed.properties();
    if (!TableProperties.booleanValue(props, TableProperties.UPKEEP_ENABLED, TableProperties.UPKEEP_ENABLED_DEFAULT)
        || committed.snapshots().isEmpty()) {
      return;
    }
    int max = intValue(props, TableProperties.UPKEEP_MAX_SNAPSHOTS, TableProperties.UPKEEP_MAX_SNAPSHOTS_DEFAULT);
    int maxManifests = intValue(props, TableProperties.UPKEEP_MAX_MANIFESTS,
        TableProperties.UPKEEP_MAX_MANIFESTS_DEFAULT);
    int minFiles = Math.max(2, intValue(props, TableProperties.UPKEEP_COMPACT_MIN_FILES,
        TableProperties.UPKEEP_COMPACT_MIN_FILES_DEFAULT));
    int maxFiles = intValue(props, TableProperties.UPKEEP_COMPACT_MAX_FILES,
        TableProperties.UPKEEP_COMPACT_MAX_FILES_DEFAULT);
    int ratio = (int) Math.max(0, Math.min(1 << 20, TableProperties.longValue(props,
        TableProperties.UPKEEP_COMPACT_SIZE_RATIO, TableProperties.UPKEEP_COMPACT_SIZE_RATIO_DEFAULT)));
    TableState state = states.computeIfAbsent(location, k -> new TableState());
    long now = System.currentTimeMillis();
    Work work = due(state, committed, max, maxManifests, dataManifests, now);
    if (work != null) {
      submit(identifier, location, state, false, work.delayMillis(), () -> run(identifier, state, work, max,
          maxManifests));
    }
    if (compactionDue(state, committed, minFiles)) {
      submit(identifier, location, state, true, 0, () -> compact(identifier, state, minFiles, maxFiles, ratio));
    }
  }

  /** Runs one lane's step on the background threads, then looks at the table once more. */
  private void submit(TableIdentifier identifier, String location, TableState state, boolean compactionLane,
      long delayMillis, Runnable step) {
    started();
    try {
      background.execute(() -> {
        try {
          try {
            Thread.sleep(delayMillis);
            step.run();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            release(state, compactionLane);
          }
          afterRun(identifier, location);
        } finally {
          ended(); // even after an Error, or closing the catalog would wait for this run in vain
        }
      });
    } catch (RejectedExecutionException closing) {
      release(state, compactionLane); // the catalog is closing: a later commit's run does it
      ended();
    }
  }

  private static void release(TableState state, boolean compactionLane) {
    synchronized (state) {
      if (compactionLane) {
        state.compacting = false;
      } else {
        state.running = false;
      }
    }
  }

  /** @return the work due on the expiry and manifest lane after this commit (and the lane marked running), or null */
  private static Work due(TableState state, TableMetadata committed, int max, int maxManifests, int dataManifests,
      long now) {
    synchronized (state) {
      state.commitsSinceManifestCheck++;
      if (state.running) {
        return null; // the queued or running run loads the table when it starts, and looks again when it ends
      }
      int count = committed.snapshots().size();
      boolean byCount = count > max + max / 4 && count >= state.nextDueCount;
      boolean byAge = !byCount && now - state.lastAgeCheck >= AGE_CHECK_INTERVAL_MS && hasOld(committed, now);
      boolean manifests = state.commitsSinceManifestCheck > maxManifests
          || dataManifests > maxManifests && dataManifests > state.manifestsAfterLastMerge;
      if (!byCount && !byAge && !manifests) {
        return null;
      }
      long delay = 0;
      if (byCount) {
        delay = Math.max(0, state.lastCountRun + MIN_RUN_INTERVAL_MS - now);
        state.lastCountRun = now + delay;
      }
      if (byAge) {
        state.lastAgeCheck = now;
      }
      if (manifests) {
        state.commitsSinceManifestCheck = 0;
      }
      state.running = true;
      return new Work(byCount, byAge, manifests, delay);
    }
  }

  /** @return whether a compaction is due after this commit (and the lane marked running) */
  private static boolean compactionDue(TableState state, TableMetadata committed, int minFiles) {
    synchronized (state) {
      if (state.compacting) {
        return false;
      }
      long files = dataFiles(committed.currentSnapshot());
      boolean due = state.filesAtLastCompaction < 0 ? files >= minFiles
          : files - state.filesAtLastCompaction >= Math.max(1, minFiles / 2);
      state.compacting = due;
      return due;
    }
  }

  private void run(TableIdentifier identifier, TableState state, Work work, int max, int maxManifests) {
    Table table;
    try {
      table = tables.apply(identifier);
    } catch (RuntimeException e) {
      LOG.warn("table {}: upkeep after a commit could not load the table ({})", identifier, e.toString());
      return;
    }
    if (work.expireByCount() || work.expireByAge()) {
      try {
        int before = size(table);
        if (work.expireByCount()) {
          table.expireSnapshots().retainLast(max).expireOlderThan(System.currentTimeMillis()).commit();
        } else {
          table.expireSnapshots().commit(); // the table's age and count properties, as Iceberg defines them
        }
        table.refresh();
        int left = size(table);
        synchronized (state) {
          state.nextDueCount = left + Math.max(1, max / 4);
        }
        LOG.info("table {}: upkeep through the catalog expired {} snapshots, {} left", identifier, before - left,
            left);
      } catch (RuntimeException e) {
        synchronized (state) {
          state.nextDueCount = size(table) + Math.max(1, max / 4); // not again before a quarter more arrived
        }
        LOG.warn("table {}: expiring snapshots after a commit failed ({}); a later commit tries again", identifier,
            e.toString());
      }
    }
    if (work.mergeManifests()) {
      try {
        table.refresh();
        Snapshot current = table.currentSnapshot();
        List<ManifestFile> data = current == null ? List.of() : current.dataManifests(table.io());
        if (data.size() > maxManifests) {
          table.rewriteManifests().clusterBy(file -> file.specId()).commit();
          table.refresh();
          int left = table.currentSnapshot().dataManifests(table.io()).size();
          synchronized (state) {
            state.manifestsAfterLastMerge = left; // a table too big for fewer is not merged again after every run
          }
          LOG.info("table {}: upkeep through the catalog merged {} data manifests into {}", identifier, data.size(),
              left);
        }
      } catch (RuntimeException e) {
        LOG.warn("table {}: merging manifests after a commit failed ({}); a later commit tries again", identifier,
            e.toString());
      }
    }
  }

  private void compact(TableIdentifier identifier, TableState state, int minFiles, int maxFiles, int ratio) {
    long seen = -1;
    try {
      Table table = tables.apply(identifier);
      seen = dataFiles(table.currentSnapshot());
      RewriteDataFiles.Result r = compactor.compact(identifier, minFiles, maxFiles, ratio);
      synchronized (state) {
        // The files this run saw and left: files appended while it compacted count towards the next one.
        state.filesAtLastCompaction = Math.max(0, seen - r.rewrittenFiles() + r.addedFiles());
      }
      if (r.rewrittenFiles() > 0) {
        LOG.info("table {}: upkeep through the catalog compacted {} small data files into {}", identifier,
            r.rewrittenFiles(), r.addedFiles());
      }
    } catch (RuntimeException e) {
      boolean refused = refusal(e);
      boolean repeated;
      synchronized (state) {
        state.filesAtLastCompaction = Math.max(0, seen); // not again before half the threshold more arrived
        repeated = refused && state.refusalLogged;
        state.refusalLogged |= refused;
      }
      if (repeated) {
        LOG.debug("table {}: compacting small files refused again ({})", identifier, e.toString());
      } else {
        LOG.warn("table {}: compacting small files after a commit {} ({}); a later commit tries again{}", identifier,
            refused ? "was refused" : "failed", e.toString(),
            refused ? " (further refusals are logged at debug level)" : "");
      }
    }
  }

  /** @return whether {@code e} is the library refusing to write the table (a feature it cannot carry) */
  private static boolean refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.datashard.UnsupportedTableFeatureException) {
        return true;
      }
    }
    return false;
  }

  private void started() {
    synchronized (inFlight) {
      inFlight[0]++;
    }
  }

  private void ended() {
    synchronized (inFlight) {
      inFlight[0]--;
      inFlight.notifyAll();
    }
  }

  /**
   * Waits until no run is queued or running (the look after a run, and any run it starts, count as part of it), for a
   * catalog that closes.
   *
   * @param millis the longest wait
   * @return whether it is idle
   */
  boolean awaitIdle(long millis) {
    long deadline = System.currentTimeMillis() + millis;
    synchronized (inFlight) {
      while (inFlight[0] > 0) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        try {
          inFlight.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Commits made while a lane's run was queued or running started nothing on that lane, and a compaction's commit
   * (the library's, not through this catalog) adds a snapshot and a manifest: so after a run the table as it is now
   * is looked at once more, whoever made its current snapshot, and another run starts if one is due. This look also
   * counts the current snapshot's data manifests (one read of its manifest list), so that the writers' last commits
   * do not leave up to twice the limit of manifests for every later scan to read. Each run leaves less due, so this
   * ends once the table is within its limits (or has no fewer manifests than the last merge could make).
   */
  private void afterRun(TableIdentifier identifier, String location) {
    TableMetadata now;
    int dataManifests;
    try {
      Table table = tables.apply(identifier);
      if (!(table instanceof HasTableOperations)) {
        return;
      }
      now = ((HasTableOperations) table).operations().current();
      Snapshot current = now == null ? null : now.currentSnapshot();
      dataManifests = current == null ? 0 : current.dataManifests(table.io()).size();
    } catch (RuntimeException e) {
      return; // dropped or unreadable meanwhile: the next commit, if any, decides
    }
    if (now != null) {
      look(identifier, location, now, dataManifests);
    }
  }

  /**
   * Whether the DataShard library made the snapshot (its summary's {@code engine-name}). The library's own upkeep, in
   * the JVM that appended, keeps what it writes within the same limits (its appends leave the snapshots beyond the
   * limit out of their own versions, through the REST server too); running the same steps here as well would only
   * race it.
   */
  static boolean madeByTheLibrary(Snapshot s) {
    return s != null && s.summary() != null && "datashard".equals(s.summary().get("engine-name"));
  }

  /** @return the snapshot's {@code total-data-files}, or 0 when there is none or it does not say */
  private static long dataFiles(Snapshot s) {
    String n = s == null || s.summary() == null ? null : s.summary().get("total-data-files");
    try {
      return n == null ? 0 : Long.parseLong(n);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int size(Table table) {
    int n = 0;
    for (Snapshot ignored : table.snapshots()) {
      n++;
    }
    return n;
  }

  private static int intValue(Map<String, String> props, String key, int defaultValue) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE / 2, TableProperties.longValue(props, key, defaultValue)));
  }

  /** Whether a snapshot is older than the table's age limit (whether a branch still needs it is the run's job). */
  private static boolean hasOld(TableMetadata m, long now) {
    long cutoff = now - TableProperties.longValue(m.properties(), SnapshotRetention.MAX_SNAPSHOT_AGE_MS,
        SnapshotRetention.MAX_SNAPSHOT_AGE_MS_DEFAULT);
    for (Snapshot s : m.snapshots()) {
      if (s.timestampMillis() < cutoff) {
        return true;
      }
    }
    return false;
  }
}
