package io.datashard.table;

import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.DataFile;
import io.datashard.update.FastAppend;
import io.datashard.manifest.TableFiles;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

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
 */
public final class GroupCommit {
  private final Object lock = new Object();
  private final List<Pending> waiting = new ArrayList<>();
  private boolean committing;
  private long groups;
  private long appends;

  /** One caller's batch and, once decided, its outcome. */
  private static final class Pending {
    final TableOperations ops;
    final TableFiles files;
    final Schema schema;
    final String branch;
    final List<DataFile> dataFiles;
    boolean done;
    Snapshot snapshot;
    RuntimeException failure;

    Pending(TableOperations ops, TableFiles files, Schema schema, String branch, List<DataFile> dataFiles) {
      this.ops = ops;
      this.files = files;
      this.schema = schema;
      this.branch = branch;
      this.dataFiles = dataFiles;
    }

    boolean sameGroup(Pending other) {
      return branch.equals(other.branch) && schema.sameFieldsAs(other.schema)
          && schema.schemaId() == other.schema.schemaId();
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
   * @return the snapshot that holds the caller's rows
   * @throws RuntimeException the group commit's failure (its files deleted), as {@link FastAppend#commit()} throws it
   */
  public Snapshot commit(TableOperations ops, TableFiles files, Schema schema, String branch,
      List<DataFile> dataFiles) {
    Pending mine = new Pending(ops, files, schema, Objects.requireNonNull(branch), List.copyOf(dataFiles));
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
          group = takeGroupOf(mine);
        }
        try {
          commitGroup(group);
        } finally {
          synchronized (lock) {
            committing = false;
            lock.notifyAll();
          }
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
    return mine.snapshot;
  }

  private List<Pending> takeGroupOf(Pending leader) {
    List<Pending> group = new ArrayList<>();
    for (Iterator<Pending> it = waiting.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.sameGroup(leader)) {
        group.add(p);
        it.remove();
      }
    }
    return group;
  }

  private void commitGroup(List<Pending> group) {
    Pending leader = group.get(0);
    FastAppend append = new FastAppend(leader.ops, leader.files, leader.schema).toBranch(leader.branch);
    for (Pending p : group) {
      p.dataFiles.forEach(append::appendFile);
    }
    Snapshot snapshot = null;
    RuntimeException failure = null;
    try {
      snapshot = append.commit(); // deletes every file of the group itself when it fails
    } catch (RuntimeException e) {
      failure = e;
    }
    synchronized (lock) {
      groups++;
      appends += group.size();
      for (Pending p : group) {
        p.snapshot = snapshot;
        p.failure = failure;
        p.done = true;
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
