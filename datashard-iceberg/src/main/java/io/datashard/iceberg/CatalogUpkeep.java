package io.datashard.iceberg;

import io.datashard.TableProperties;
import io.datashard.metadata.SnapshotRetention;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
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
 *       (docs/benchmarks.md).
 * </ul>
 * Each is an ordinary commit through the catalog: it publishes the next version by exclusive create, retries on
 * Iceberg's {@code commit.retry.*} settings when another writer was first, and never races a writer unsafely; a reader
 * still planning an expired snapshot fails on a missing file, as after any expiry. One run per table at a time,
 * queued or running. A failed run is logged and left to the next commit. Compaction of small data files stays with
 * the library's upkeep and {@code datashard maintain} (docs/catalog.md).
 */
final class CatalogUpkeep {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogUpkeep.class);
  private static final long AGE_CHECK_INTERVAL_MS = 60_000;
  /**
   * Least time between the starts of two expiries by count for one table. Appends of the library's REST client
   * already leave the snapshots beyond the limit out of their own versions; only what the server groups into one
   * version goes over, and this keeps the catalog from adding a commit of its own after nearly every group. An engine
   * committing r times a second leaves at most about {@code 2r} snapshots over the limit plus a quarter.
   */
  static final long MIN_RUN_INTERVAL_MS = 2_000;

  /** What a run does. */
  private record Work(boolean expireByCount, boolean expireByAge, boolean mergeManifests, long delayMillis) {
  }

  /** One table's state in this catalog; guarded by itself. */
  private static final class TableState {
    boolean running;
    int nextDueCount;
    long lastCountRun = Long.MIN_VALUE / 2;
    long lastAgeCheck = Long.MIN_VALUE / 2;
    int commitsSinceManifestCheck;
  }

  private final Executor background;
  private final Function<TableIdentifier, Table> tables;
  private final Map<String, TableState> states = new ConcurrentHashMap<>();

  /**
   * @param background where runs go
   * @param tables loads a table of the catalog (a fresh handle for each run)
   */
  CatalogUpkeep(Executor background, Function<TableIdentifier, Table> tables) {
    this.background = background;
    this.tables = tables;
  }

  /**
   * Called after a commit of the table: starts a run when one is due. Only looks at the committed metadata.
   *
   * @param identifier the table
   * @param location its location (the key of its state here)
   * @param committed the metadata just committed
   */
  void committed(TableIdentifier identifier, String location, TableMetadata committed) {
    Map<String, String> props = committed.properties();
    if (!TableProperties.booleanValue(props, TableProperties.UPKEEP_ENABLED, TableProperties.UPKEEP_ENABLED_DEFAULT)
        || committed.snapshots().isEmpty()) {
      return;
    }
    int max = intValue(props, TableProperties.UPKEEP_MAX_SNAPSHOTS, TableProperties.UPKEEP_MAX_SNAPSHOTS_DEFAULT);
    int maxManifests = intValue(props, TableProperties.UPKEEP_MAX_MANIFESTS,
        TableProperties.UPKEEP_MAX_MANIFESTS_DEFAULT);
    TableState state = states.computeIfAbsent(location, k -> new TableState());
    Work work = due(state, committed, max, maxManifests, System.currentTimeMillis());
    if (work == null) {
      return;
    }
    try {
      background.execute(() -> {
        try {
          Thread.sleep(work.delayMillis());
          run(identifier, state, work, max, maxManifests);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          synchronized (state) {
            state.running = false;
          }
        }
      });
    } catch (RejectedExecutionException closing) {
      synchronized (state) {
        state.running = false; // the catalog is closing: a later commit's run does it
      }
    }
  }

  /** @return the work due after this commit (and the table marked running), or null */
  private static Work due(TableState state, TableMetadata committed, int max, int maxManifests, long now) {
    synchronized (state) {
      state.commitsSinceManifestCheck++;
      if (state.running) {
        return null; // the queued or running run loads the table when it starts
      }
      int count = committed.snapshots().size();
      boolean byCount = count > max + max / 4 && count >= state.nextDueCount;
      boolean byAge = !byCount && now - state.lastAgeCheck >= AGE_CHECK_INTERVAL_MS && hasOld(committed, now);
      boolean manifests = state.commitsSinceManifestCheck > maxManifests;
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
          LOG.info("table {}: upkeep through the catalog merged {} data manifests into {}", identifier, data.size(),
              table.currentSnapshot().dataManifests(table.io()).size());
        }
      } catch (RuntimeException e) {
        LOG.warn("table {}: merging manifests after a commit failed ({}); a later commit tries again", identifier,
            e.toString());
      }
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
