package io.datashard.table;

import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.commit.FileTableOperations;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.update.FastAppend;
import io.datashard.manifest.TableFiles;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Group commit for one table within one JVM: appends whose files are written while another commit of the table is in
 * flight go together into the next version, so that N concurrent appenders need far fewer than N exclusive creates
 * of a version file (the per-table commit ceiling of an object store, docs/concurrency.md).
 *
 * <p>Each caller hands over its already-written data files and waits. The first caller to find no commit in flight
 * becomes the leader: it takes every waiting batch for the same branch and schema, commits them as one
 * {@code append} snapshot (one manifest, one manifest list, one version), and wakes the others; a caller whose batch
 * arrived during that commit leads (or joins) the next one. Every caller is acknowledged only when the snapshot
 * holding its rows is committed, with that snapshot; when the group's commit fails, each caller of the group gets
 * the failure (and the group's files are deleted), and no caller outside the group is affected.
 *
 * <p>The trade-off (docs/concurrency.md, "Group commit"): one snapshot per group keeps snapshot count and metadata
 * small under many small appends, at the price of time travel at the granularity of groups rather than single
 * appends; {@link io.datashard.TableProperties#WRITE_GROUP_COMMIT} off gives every append its own snapshot. Shared
 * by every {@link io.datashard.Table} handle a {@link io.datashard.Warehouse} opens on the table. Thread-safe.
 *
 * <p>The leader writes the group's housekeeping (the advisory hint, the tombstones of versions that fell out of the
 * metadata log; {@link FileTableOperations#deferringHousekeeping}) after the group is acknowledged and the slot is
 * free, so that the next group publishes meanwhile; the leader itself returns once it is written.
 */
public final class GroupCommit implements io.datashard.commit.CommitGate {
  private final Object lock = new Object();
  private final List<Pending> waiting = new ArrayList<>();
  /**
   * What a caller's commit produced.
   *
   * @param snapshot the snapshot that holds the caller's rows
   * @param metadata the table metadata right after that commit, as the operations that made it know it (the
   *     caller's own handle may not have seen it: it is what upkeep checks its thresholds against)
   * @param expired the snapshots that version expired ({@link FastAppend#expiringBeyond}), for exactly one caller
   *     of the group to hand to upkeep (empty for the others)
   */
  public record Committed(Snapshot snapshot, TableMetadata metadata, List<Snapshot> expired) {
    /** Copies the list. */
    public Committed {
      expired = List.copyOf(expired);
    }
  }

  private static final long MAX_LINGER_NANOS = 20_000_000L;
  private boolean committing;
  private int lastGroupSize;
  /** The operations and file layout of the last successful group commit (only the committing thread uses them). */
  private TableOperations lastOps;
  private TableFiles lastFiles;
  private long lastCommitNanos;
  private long groups;
  private long appends;

  /** One caller's batch (written files, or rows for the group's leader to write) and, once decided, its outcome. */
  private static final class Pending {
    final TableOperations ops;
    final TableFiles files;
    final Schema schema;
    final String branch;
    final List<DataFile> dataFiles;
    /** Validated, detached rows for the leader to write; null when the caller wrote its own files. */
    final List<Object[]> rows;
    /** The metadata the rows were validated against (schema, spec, write options); null with {@code rows}. */
    final TableMetadata base;
    /** {@link FastAppend#expiringBeyond}'s limit, 0 for none. */
    final int expireBeyond;
    boolean done;
    Committed committed;
    RuntimeException failure;

    Pending(TableOperations ops, TableFiles files, Schema schema, String branch, List<DataFile> dataFiles,
        List<Object[]> rows, TableMetadata base, int expireBeyond) {
      this.ops = ops;
      this.expireBeyond = expireBeyond;
      this.files = files;
      this.schema = schema;
      this.branch = branch;
      this.dataFiles = dataFiles;
      this.rows = rows;
      this.base = base;
    }

    boolean sameGroup(Pending other) {
      return branch.equals(other.branch) && schema.sameFieldsAs(other.schema)
          && schema.schemaId() == other.schema.schemaId();
    }

    /** Rows of one group are written by one writer: they must share the partition spec too. */
    boolean sameRowWriter(Pending other) {
      return base.spec().specId() == other.base.spec().specId();
    }
  }

  /**
   * Commits written data files together with whatever other appends of the table are waiting.
   *
   * @param ops the caller's table operations (the leader's are used for the group)
   * @param files the table's file layout
   * @param schema the schema the files were written with
   * @param branch the branch to append to
   * @param dataFiles the caller's written data files
   * @param expireBeyond the snapshot limit the group's version may expire beyond ({@link FastAppend#expiringBeyond};
   *     0: none): only a caller that hands {@link Committed#expired()} to upkeep may pass one
   * @return the snapshot that holds the caller's rows, and the metadata it was committed in
   * @throws RuntimeException the group commit's failure (its files deleted), as {@link FastAppend#commit()} throws it
   */
  public Committed commit(TableOperations ops, TableFiles files, Schema schema, String branch,
      List<DataFile> dataFiles, int expireBeyond) {
    return await(new Pending(ops, files, schema, Objects.requireNonNull(branch), List.copyOf(dataFiles), null, null,
        expireBeyond));
  }

  /**
   * Commits rows that are not written yet together with whatever other appends of the table are waiting: the
   * group's leader writes the rows of every such caller of its group into shared data files (one per partition,
   * rolling at the target size) before the commit. A small append therefore costs no data file, no Parquet writer
   * and no upload of its own. When writing those files fails, every caller whose rows they held gets the failure
   * and the callers that brought their own files are committed without them.
   *
   * @param ops the caller's table operations
   * @param files the table's file layout
   * @param base the metadata the rows were validated against
   * @param branch the branch to append to
   * @param rows validated rows of {@code base}'s schema that share no mutable object with the caller
   *     ({@link io.datashard.records.DetachedRows})
   * @param expireBeyond as for {@link #commit}
   * @return the snapshot that holds the caller's rows, and the metadata it was committed in
   */
  public Committed commitRows(TableOperations ops, TableFiles files, TableMetadata base, String branch,
      List<Object[]> rows, int expireBeyond) {
    return await(new Pending(ops, files, base.schema(), Objects.requireNonNull(branch), List.of(), List.copyOf(rows),
        base, expireBeyond));
  }

  private Committed await(Pending mine) {
    synchronized (lock) {
      waiting.add(mine);
    }
    boolean interrupted = false;
    try {
      while (true) {
        List<Pending> group;
        synchronized (lock) {
          while (!mine.done && committing) {
            try {
              lock.wait();
            } catch (InterruptedException e) {
              interrupted = true; // the batch may already be in a commit: its outcome must still be awaited
            }
          }
          if (mine.done) {
            break;
          }
          committing = true;
          interrupted |= lingerForOthers();
          group = takeGroupOf(mine);
        }
        FileTableOperations.Deferred<Snapshot> housekeeping = null;
        try {
          housekeeping = commitGroup(group);
        } finally {
          synchronized (lock) {
            committing = false;
            lock.notifyAll();
          }
        }
        if (housekeeping != null) {
          housekeeping.runHousekeeping(); // the group is acknowledged and the next one may publish meanwhile
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (mine.failure != null) {
      throw mine.failure;
    }
    return mine.committed;
  }

  /**
   * Called by a new leader, holding the lock: when the last group had company and this one has none yet, waits a
   * moment for the callers that group released. They come back at once under steady load, and without this wait the
   * first of them would commit alone while the rest queue behind it, halving the groups' size (groups of 1 and N-1
   * alternate). The wait (in which the lock is released, so that arrivals can queue) is bounded by a quarter of the last commit's duration and 20 ms, ends as soon as the last
   * group's size is waiting again, and is never made by a caller that commits alone (the last group had one member).
   *
   * @return whether the leader was interrupted while waiting
   */
  private boolean lingerForOthers() {
    if (lastGroupSize <= 1 || waiting.size() >= lastGroupSize) {
      return false;
    }
    long deadline = System.nanoTime() + Math.min(lastCommitNanos / 4, MAX_LINGER_NANOS);
    while (waiting.size() < lastGroupSize && System.nanoTime() < deadline) {
      try {
        lock.wait(1); // polled: arrivals do not notify, which would wake every waiting caller each time
      } catch (InterruptedException e) {
        return true; // commit what is there; the caller restores the flag
      }
    }
    return false;
  }

  private List<Pending> takeGroupOf(Pending leader) {
    List<Pending> group = new ArrayList<>();
    Pending rowWriter = null;
    for (Iterator<Pending> it = waiting.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (!p.sameGroup(leader)) {
        continue;
      }
      if (p.rows != null) {
        if (rowWriter == null) {
          rowWriter = p;
        } else if (!p.sameRowWriter(rowWriter)) {
          continue;
        }
      }
      group.add(p);
      it.remove();
    }
    return group;
  }

  /** @return the group's held-back housekeeping, for the leader to run once the slot is free; or null */
  private FileTableOperations.Deferred<Snapshot> commitGroup(List<Pending> group) {
    long started = System.nanoTime();
    List<Pending> withRows = group.stream().filter(p -> p.rows != null).toList();
    List<DataFile> written = List.of();
    RuntimeException writeFailure = null;
    if (!withRows.isEmpty()) {
      try {
        written = writeRows(withRows);
      } catch (RuntimeException e) {
        writeFailure = e;
      }
    }
    List<Pending> committed = writeFailure == null ? group
        : group.stream().filter(p -> p.rows == null).toList();
    Snapshot snapshot = null;
    TableMetadata after = null;
    List<Snapshot> expired = List.of();
    Pending reclaimer = null;
    FileTableOperations.Deferred<Snapshot> housekeeping = null;
    RuntimeException failure = null;
    if (!committed.isEmpty()) {
      Pending leader = committed.get(0);
      // Through the operations that made the last group commit, when there was one: they already know the current
      // version and the manifest list it names, whereas the leader's own handle may not have committed for many
      // versions and would first lose the race for the next one to the handles that did.
      // Only for the same table: a table dropped and created again at the location is another table.
      boolean warm = lastOps != null && lastOps.current().tableUuid().equals(leader.ops.current().tableUuid());
      TableOperations ops = warm ? lastOps : leader.ops;
      TableFiles files = warm ? lastFiles : leader.files;
      FastAppend append = new FastAppend(ops, files, leader.schema).toBranch(leader.branch)
          .expiringBeyond(leader.expireBeyond);
      written.forEach(append::appendFile);
      for (Pending p : committed) {
        p.dataFiles.forEach(append::appendFile);
      }
      try {
        if (ops instanceof FileTableOperations fileOps) {
          // The hint and the tombstones wait until the group is acknowledged and the next group may publish.
          FileTableOperations.Deferred<Snapshot> d = fileOps.deferringHousekeeping(append::commit);
          snapshot = d.result();
          housekeeping = d;
        } else {
          snapshot = append.commit(); // deletes every file of the group itself when it fails
        }
        after = ops.current();
        expired = append.expired();
        reclaimer = leader;
        lastOps = ops;
        lastFiles = files;
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    synchronized (lock) {
      groups++;
      appends += group.size();
      lastGroupSize = group.size();
      lastCommitNanos = System.nanoTime() - started;
      for (Pending p : group) {
        boolean inCommit = writeFailure == null || p.rows == null;
        p.committed = inCommit && snapshot != null
            ? new Committed(snapshot, after, p == reclaimer ? expired : List.of()) : null;
        p.failure = inCommit ? failure : writeFailure;
        p.done = true;
      }
    }
    return housekeeping;
  }

  /** Writes the rows of every caller in {@code withRows} into new data files; on failure deletes them and throws. */
  private static List<DataFile> writeRows(List<Pending> withRows) {
    Pending first = withRows.get(0);
    PartitionedDataWriter writer = PartitionedDataWriter.forTable(first.files, first.base,
        UUID.randomUUID().toString());
    try {
      for (Pending p : withRows) {
        for (Object[] row : p.rows) {
          writer.write(row);
        }
      }
      return writer.complete();
    } catch (RuntimeException e) {
      writer.abort();
      throw e; // as the callers' own writers would have thrown it (a KeyManagementException stays one)
    }
  }

  /**
   * Runs a commit of another kind (upkeep's snapshot expiry) while no group commit is in flight; appends arriving
   * meanwhile wait for it and form the next group. Not reentrant: never call it from within a group commit.
   */
  @Override
  public <T> T exclusively(java.util.function.Supplier<T> work) {
    boolean interrupted = false;
    synchronized (lock) {
      while (committing) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      committing = true;
    }
    try {
      return work.get();
    } finally {
      synchronized (lock) {
        committing = false;
        lastOps = null; // the table moved on without the group's operations: the next leader starts from its own
        lock.notifyAll();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** @return how many group commits were made (each one version), for tests and reports */
  public long groups() {
    synchronized (lock) {
      return groups;
    }
  }

  /** @return how many appends those groups held */
  public long appends() {
    synchronized (lock) {
      return appends;
    }
  }
}
