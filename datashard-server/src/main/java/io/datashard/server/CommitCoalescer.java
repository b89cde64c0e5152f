package io.datashard.server;

import io.datashard.iceberg.DataShardCatalog;
import io.datashard.storage.CommitOutcomeUnknownException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.rest.CatalogHandlers;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit in the server: the commits to one table that arrive while a version of it is being published wait,
 * and are then published together, as one version, by one exclusive create (docs/concurrency.md, "Group commit in
 * the REST server"). N clients appending at once then need far fewer than N versions, and none of them loses a
 * race to the others of its group.
 *
 * <p>The first waiting request's thread leads one group, then hands the lead to the next waiting request. A leader
 * loads the latest version, applies each request of the group in arrival order (its requirements checked against
 * the version plus the requests before it, exactly as if they had been committed one after another), publishes the
 * result and answers every request with it. A request whose
 * requirements fail is answered 409 alone, unless it is a plain append, which is moved onto the branch's new head
 * ({@link AppendRebase}) as its client would on a retry. A race lost to another server or process re-applies the
 * whole group on the new latest version, within the table's {@code commit.retry.num-retries}; an unknown outcome is
 * reported to every request of the group.
 *
 * <p>Creates (a request asserting that the table does not exist) go through Iceberg's handler one by one. State is
 * only the queue of requests in flight: any number of servers can still serve one warehouse.
 */
final class CommitCoalescer {
  private static final Logger LOG = LoggerFactory.getLogger(CommitCoalescer.class);

  private final DataShardCatalog catalog;
  private final ServerMetrics metrics;
  private final ConcurrentHashMap<TableIdentifier, Lane> lanes = new ConcurrentHashMap<>();
  /** Reads and writes of manifest lists for moved appends, concurrent within a group (I/O-bound: many threads). */
  private final ExecutorService io;

  CommitCoalescer(DataShardCatalog catalog, ServerMetrics metrics) {
    this.catalog = catalog;
    this.metrics = metrics;
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(IO_THREADS, IO_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "datashard-server-group-io-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    this.io = pool;
  }

  private static final int IO_THREADS = 32;

  /** Stops the I/O threads (requests in flight should be finished). */
  void close() {
    io.shutdown();
  }

  /** One request waiting in a lane, answered by the leader of its group. */
  private static final class Pending {
    final UpdateTableRequest request;
    final CompletableFuture<TableAnswer> answer = new CompletableFuture<>();
    /** Completed when this request's thread is to lead the next group (its request is in it). */
    final CompletableFuture<Void> turn = new CompletableFuture<>();

    Pending(UpdateTableRequest request) {
      this.request = request;
    }
  }

  /** The requests to one table that wait for the next version, and whether a leader is publishing one. */
  private static final class Lane {
    final List<Pending> waiting = new ArrayList<>();
    boolean leading;
  }

  /**
   * Commits one request, together with the requests to the same table that arrive meanwhile.
   *
   * @return the answer: the table's metadata after the version that carries the request
   * @throws CommitFailedException (409) when the request's requirements do not hold
   * @throws CommitStateUnknownException when the store did not say whether the version was published
   */
  TableAnswer commit(TableIdentifier ident, UpdateTableRequest request) {
    if (request.requirements().stream().anyMatch(UpdateRequirement.AssertTableDoesNotExist.class::isInstance)) {
      return new TableAnswer(CatalogHandlers.updateTable(catalog, ident, request), null);
    }
    Pending mine = new Pending(request);
    Lane lane = lanes.computeIfAbsent(ident, k -> new Lane());
    boolean lead;
    synchronized (lane) {
      lane.waiting.add(mine);
      lead = !lane.leading;
      lane.leading = true;
    }
    try {
      if (!lead) {
        CompletableFuture.anyOf(mine.answer, mine.turn).get();
        lead = !mine.answer.isDone();
      }
      if (lead) {
        leadOneGroup(ident, lane);
      }
      return mine.answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommitStateUnknownException(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new CommitStateUnknownException(e.getCause());
    }
  }

  /**
   * Publishes the waiting requests (the leader's own among them) as one group, then hands the lead to the first
   * request that arrived meanwhile: each thread leads at most one group, so no client waits for others' versions.
   */
  private void leadOneGroup(TableIdentifier ident, Lane lane) {
    List<Pending> group;
    synchronized (lane) {
      group = new ArrayList<>(lane.waiting);
      lane.waiting.clear();
    }
    try {
      publish(ident, group);
    } catch (RuntimeException | Error e) {
      group.forEach(p -> p.answer.completeExceptionally(e));
    } finally {
      synchronized (lane) {
        if (lane.waiting.isEmpty()) {
          lane.leading = false;
          lanes.remove(ident, lane); // one arriving meanwhile with this lane still leads it
        } else {
          lane.waiting.get(0).turn.complete(null);
        }
      }
    }
  }

  private void publish(TableIdentifier ident, List<Pending> group) {
    // The cached version, unchecked when checked recently: the exclusive create below is the check that matters.
    Table table = catalog.loadTableForCommit(ident);
    if (!(table instanceof BaseTable base)) {
      throw new IllegalStateException("Cannot commit to " + ident + ": not a table with operations");
    }
    TableOperations ops = base.operations();
    if (group.size() > 1) {
      AppendRebase.prefetch(group.stream().map(p -> p.request).toList(), ops.io(), io);
    }
    List<String> uncommittedLists = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      TableMetadata latest = attempt == 1 ? ops.current() : ops.refresh();
      // A version taken from the cache unchecked may be behind: a requirement it fails is not refused on it.
      boolean unchecked = ops instanceof io.datashard.iceberg.DataShardTableOperations d && d.currentUnchecked();
      boolean behind = false;
      TableMetadata next = latest;
      List<Pending> applied = new ArrayList<>();
      AppendRebase moves = new AppendRebase(ops, catalog.storage(), io);
      for (Pending p : group) {
        if (p.answer.isDone()) {
          continue;
        }
        try {
          next = apply(next, p.request, moves);
          applied.add(p);
        } catch (CommitFailedException e) {
          if (unchecked) {
            behind = true;
            break;
          }
          p.answer.completeExceptionally(e); // this request alone: its requirements fail
        } catch (RuntimeException e) {
          p.answer.completeExceptionally(e); // this request alone: its updates fail
        }
      }
      uncommittedLists.addAll(moves.written());
      if (behind) {
        metrics.uncheckedRetries.incrementAndGet();
        moves.awaitWrites(); // their lists are deleted with the other unpublished ones
        continue; // the same group again, on the table refreshed from the store

      }
      int retries = latest.propertyAsInt(TableProperties.COMMIT_NUM_RETRIES,
          TableProperties.COMMIT_NUM_RETRIES_DEFAULT);
      Map<UpdateTableRequest, Throwable> unwritten = moves.awaitWrites();
      if (!unwritten.isEmpty()) {
        // Nothing is published: the requests whose list failed get a 409 (their clients rebuild and retry), the
        // rest of the group is applied again without them (later moves built on the failed lists).
        uncommittedLists.forEach(l -> deleteQuietly(ops, l));
        uncommittedLists.clear();
        for (Pending p : applied) {
          Throwable cause = unwritten.get(p.request);
          if (cause != null || attempt > retries) {
            p.answer.completeExceptionally(new CommitFailedException(cause, "Cannot commit to %s: the server could "
                + "not write the manifest list of the append it moved onto the branch's head (%s); nothing was "
                + "committed, refresh and retry", ident, cause != null ? cause.getMessage() : "retries exhausted"));
          }
        }
        continue;
      }
      if (applied.isEmpty()) {
        return;
      }
      if (next == latest) {
        TableAnswer unchanged = TableAnswer.of(table, latest);
        applied.forEach(p -> p.answer.complete(unchanged));
        return;
      }
      try {
        ops.commit(latest, next);
      } catch (CommitFailedException e) {
        if (attempt > retries) {
          uncommittedLists.forEach(l -> deleteQuietly(ops, l)); // nothing of this group was published
          throw e;
        }
        LOG.debug("table {}: a group of {} commits lost the race for the next version; re-applying", ident,
            applied.size());
        pause(attempt, latest);
        continue;
      } catch (CommitStateUnknownException | CommitOutcomeUnknownException e) {
        uncommittedLists.clear(); // a late landing references them: keep every list written
        throw e;
      }
      metrics.versionsPublished.incrementAndGet();
      metrics.appendsMoved.addAndGet(moves.written().size()); // this attempt's moves: the ones published
      TableMetadata committed = ops.current();
      for (var s : committed.snapshots()) {
        uncommittedLists.remove(s.manifestListLocation());
      }
      uncommittedLists.forEach(l -> deleteQuietly(ops, l));
      TableAnswer answer = TableAnswer.of(table, committed);
      applied.forEach(p -> p.answer.complete(answer));
      if (applied.size() > 1) {
        LOG.debug("table {}: {} commits published as one version", ident, applied.size());
      }
      return;
    }
  }

  /** Applies one request to the metadata so far, moving a plain append onto the branch's head when it must. */
  private TableMetadata apply(TableMetadata current, UpdateTableRequest request, AppendRebase moves) {
    List<MetadataUpdate> updates = request.updates();
    try {
      request.requirements().forEach(r -> r.validate(current));
    } catch (CommitFailedException e) {
      updates = moves.tryMove(current, request);
      if (updates == null) {
        throw e;
      }
    }
    refuseUnsafeRemovals(current, updates);
    TableMetadata.Builder b = TableMetadata.buildFrom(current);
    updates.forEach(u -> u.applyTo(b));
    return b.build();
  }

  /**
   * Removing a snapshot also removes every reference whose head it is (Iceberg's metadata builder drops the dangling
   * reference), and the REST protocol gives a snapshot removal no requirement. So an expiry computed on an old load
   * would silently delete a tag created, or a branch moved (main included), on that snapshot since: refused with a
   * 409 instead, which makes the client recompute its expiry on the latest metadata. A reference the same request
   * removes or sets itself is the request's own business.
   *
   * <p>For the same reason a removal of a snapshot that is already gone is refused: two expiries computed on one
   * load (two clients' automatic upkeep, say) would both be accepted, and both would then delete the same files. The
   * 409 makes the later one recompute on the latest metadata, where there is nothing left for it to delete.
   *
   * @throws CommitFailedException when a removed snapshot is the head of a reference the request does not touch, or
   *     is no longer in the table
   */
  static void refuseUnsafeRemovals(TableMetadata current, List<MetadataUpdate> updates) {
    Set<String> touched = new HashSet<>();
    Set<Long> removed = new HashSet<>();
    for (MetadataUpdate u : updates) {
      if (u instanceof MetadataUpdate.RemoveSnapshotRef r) {
        touched.add(r.name());
      } else if (u instanceof MetadataUpdate.SetSnapshotRef r) {
        touched.add(r.name());
      } else if (u instanceof MetadataUpdate.RemoveSnapshots r) {
        removed.addAll(r.snapshotIds());
      }
    }
    if (removed.isEmpty()) {
      return;
    }
    for (Long id : removed) {
      if (current.snapshot(id) == null) {
        throw new CommitFailedException("Cannot remove snapshot %s: it was already removed (by another expiry since "
            + "this request's base was loaded); refresh and retry", id);
      }
    }
    current.refs().forEach((name, ref) -> {
      if (removed.contains(ref.snapshotId()) && !touched.contains(name)) {
        throw new CommitFailedException("Cannot remove snapshot %s: it is now the head of %s '%s' (set after this "
            + "request's base was loaded); refresh and retry", ref.snapshotId(), ref.isBranch() ? "branch" : "tag",
            name);
      }
    });
  }

  private static void pause(int attempt, TableMetadata latest) {
    long min = latest.propertyAsInt(TableProperties.COMMIT_MIN_RETRY_WAIT_MS,
        TableProperties.COMMIT_MIN_RETRY_WAIT_MS_DEFAULT);
    long wait = (long) (min * Math.pow(2, attempt - 1) * (0.5 + Math.random()));
    try {
      Thread.sleep(Math.min(wait, 2_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommitFailedException(e, "Interrupted while waiting to retry a commit that lost a race");
    }
  }

  private static void deleteQuietly(TableOperations ops, String location) {
    try {
      ops.io().deleteFile(location);
    } catch (RuntimeException e) {
      LOG.debug("could not delete unused manifest list {}", location, e);
    }
  }
}
