package io.datashard.iceberg;

import io.datashard.TableProperties;
import io.datashard.metadata.SnapshotRetention;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the snapshots of a table written through the catalog within its automatic-upkeep limits, as the library's
 * upkeep does for its own commits: with {@link TableProperties#UPKEEP_ENABLED} on (the default), once a commit leaves
 * more than {@link TableProperties#UPKEEP_MAX_SNAPSHOTS} plus a quarter, Apache Iceberg's own snapshot expiry runs on
 * the catalog's background threads and keeps the newest {@code max-snapshots} of each branch (a branch's own
 * {@code min-snapshots-to-keep} and {@code max-snapshot-age-ms} win; tags keep theirs), deleting the files only the
 * expired snapshots reached. Snapshots older than {@code history.expire.max-snapshot-age-ms} (5 days) beyond each
 * branch's {@code history.expire.min-snapshots-to-keep} expire the same way, looked for at most once a minute.
 *
 * <p>Without this, a table fed by an engine's small commits (Spark or Flink through the catalog, any client of the
 * REST server other than the library's, which sends the expiry with its append) kept every snapshot, and each new
 * version carried all of them. The expiry is an ordinary commit through the catalog: it publishes the next version by
 * exclusive create, retries on Iceberg's {@code commit.retry.*} settings when another writer was first, and never
 * races a writer unsafely. A reader still planning an expired snapshot fails on a missing file, as after any expiry.
 * One run per table at a time, queued or running; a run by count starts at least {@link #MIN_RUN_INTERVAL_MS} after
 * the one before (it waits on its thread, so the last commits of a burst are followed by one); the next is due once
 * the table has a quarter of the limit more than the last run left, so that references keeping old snapshots do not start
 * a run after every commit.
 */
final class SnapshotLimit {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotLimit.class);
  private static final long AGE_CHECK_INTERVAL_MS = 60_000;
  /**
   * Least time between the starts of two runs by count for one table. Appends of the library's REST client already
   * leave the snapshots beyond the limit out of their own versions; only what the server groups into one version
   * goes over, and this keeps the catalog from adding a commit of its own after nearly every group. An engine
   * committing r times a second leaves at most about {@code 2r} snapshots over the limit plus a quarter.
   */
  static final long MIN_RUN_INTERVAL_MS = 2_000;

  private final Executor background;
  private final Function<TableIdentifier, Table> tables;
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  /** Per table location: the snapshot count from which the next run by count is due (after the last run). */
  private final Map<String, Integer> nextDue = new ConcurrentHashMap<>();
  /** Per table location: when the last run for old snapshots started (wall clock). */
  private final Map<String, Long> lastAgeRun = new ConcurrentHashMap<>();
  /** Per table location: when the last run by count started (wall clock). */
  private final Map<String, Long> lastCountRun = new ConcurrentHashMap<>();

  /**
   * @param background where runs go
   * @param tables loads a table of the catalog (a fresh handle for each run)
   */
  SnapshotLimit(Executor background, Function<TableIdentifier, Table> tables) {
    this.background = background;
    this.tables = tables;
  }

  /**
   * Called after a commit of the table: starts a run when one is due.
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
    int max = maxSnapshots(props);
    int count = committed.snapshots().size();
    boolean byCount = count > max + max / 4 && count >= nextDue.getOrDefault(location, 0);
    if (!(byCount || hasOld(committed, props)) || !running.add(location)) {
      return; // nothing to do, or a run of this table is queued or running (it loads the table when it starts)
    }
    long delay = 0;
    if (byCount) {
      long now = System.currentTimeMillis();
      Long last = lastCountRun.get(location);
      delay = last == null ? 0 : Math.max(0, last + MIN_RUN_INTERVAL_MS - now);
      lastCountRun.put(location, now + delay);
    } else if (!due(lastAgeRun, location, AGE_CHECK_INTERVAL_MS)) {
      running.remove(location);
      return;
    }
    long wait = delay;
    try {
      background.execute(() -> {
        try {
          Thread.sleep(wait); // a run by count came less than the interval ago: this one starts when it has passed
          run(identifier, location, max, byCount);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          running.remove(location);
        }
      });
    } catch (RejectedExecutionException closing) {
      running.remove(location); // the catalog is closing: the next commit's run expires them
    }
  }

  private void run(TableIdentifier identifier, String location, int max, boolean byCount) {
    try {
      Table table = tables.apply(identifier);
      int before = table.currentSnapshot() == null ? 0 : size(table);
      if (byCount) {
        table.expireSnapshots().retainLast(max).expireOlderThan(System.currentTimeMillis()).commit();
      } else {
        table.expireSnapshots().commit(); // the table's age and count properties, as Iceberg defines them
      }
      table.refresh();
      int left = size(table);
      nextDue.put(location, left + Math.max(1, max / 4));
      LOG.info("table {}: snapshot limit: expired {} snapshots through the catalog, {} left", identifier,
          before - left, left);
    } catch (RuntimeException e) {
      LOG.warn("table {}: expiring snapshots after a commit failed ({}); the next commit tries again", identifier,
          e.toString());
    }
  }

  private static int size(Table table) {
    int n = 0;
    for (Snapshot ignored : table.snapshots()) {
      n++;
    }
    return n;
  }

  private static int maxSnapshots(Map<String, String> props) {
    long max = TableProperties.longValue(props, TableProperties.UPKEEP_MAX_SNAPSHOTS,
        TableProperties.UPKEEP_MAX_SNAPSHOTS_DEFAULT);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE / 2, max));
  }

  /** Whether a snapshot is older than the table's age limit (whether a branch still needs it is the run's job). */
  private static boolean hasOld(TableMetadata m, Map<String, String> props) {
    long cutoff = System.currentTimeMillis() - TableProperties.longValue(props, SnapshotRetention.MAX_SNAPSHOT_AGE_MS,
        SnapshotRetention.MAX_SNAPSHOT_AGE_MS_DEFAULT);
    for (Snapshot s : m.snapshots()) {
      if (s.timestampMillis() < cutoff) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code interval} has passed since the last time this said yes for the table (then it is now). */
  private static boolean due(Map<String, Long> lastStarts, String location, long interval) {
    long now = System.currentTimeMillis();
    boolean[] due = {false};
    lastStarts.compute(location, (k, last) -> {
      if (last == null || now - last >= interval) {
        due[0] = true;
        return now;
      }
      return last;
    });
    return due[0];
  }
}
