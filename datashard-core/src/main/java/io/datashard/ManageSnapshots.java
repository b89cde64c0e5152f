package io.datashard;

import java.util.Map;

/**
 * Changes to a table's branches and tags, committed together as one new metadata version by {@link #commit()}.
 * The names follow Apache Iceberg's, and the result is the same metadata Iceberg writes:
 *
 * <pre>{@code
 * table.manageSnapshots().createTag("end-of-q3", table.currentSnapshot().snapshotId()).commit();
 * table.manageSnapshots().createBranch("audit").commit();            // at the current snapshot
 * table.newAppend().toBranch("audit") ... .commit();                  // write, audit, then publish:
 * table.manageSnapshots().fastForwardBranch("main", "audit").commit();
 * }</pre>
 *
 * A change that is no longer valid when the commit is retried on a newer version (a name taken meanwhile, a
 * fast-forward that is no longer one) fails with {@link ValidationException}; nothing is committed then.
 */
public interface ManageSnapshots {
  /** Creates a tag at a snapshot; fails if the name is taken. */
  ManageSnapshots createTag(String name, long snapshotId);

  /** Moves an existing tag to another snapshot (its retention stays). */
  ManageSnapshots replaceTag(String name, long snapshotId);

  /** Removes a tag (its snapshot stays until expired). */
  ManageSnapshots removeTag(String name);

  /** Creates a branch at the current snapshot; fails if the name is taken or the table has no snapshot. */
  ManageSnapshots createBranch(String name);

  /** Creates a branch at a snapshot; fails if the name is taken. */
  ManageSnapshots createBranch(String name, long snapshotId);

  /** Points an existing branch at another snapshot (its retention stays); {@code main} is a rollback then. */
  ManageSnapshots replaceBranch(String name, long snapshotId);

  /** Removes a branch other than {@code main}. */
  ManageSnapshots removeBranch(String name);

  /**
   * Moves branch {@code name} to the head of {@code to}, which must descend from {@code name}'s head (so no
   * commit of {@code name} is dropped). {@code fastForwardBranch("main", "audit")} publishes an audited branch.
   */
  ManageSnapshots fastForwardBranch(String name, String to);

  /** Sets how many of a branch's newest snapshots expiry always keeps. */
  ManageSnapshots setMinSnapshotsToKeep(String branch, int count);

  /** Sets the age after which expiry may remove a branch's older snapshots. */
  ManageSnapshots setMaxSnapshotAgeMs(String branch, long ageMs);

  /** Sets the age after which expiry removes the branch or tag itself (not allowed for {@code main}). */
  ManageSnapshots setMaxRefAgeMs(String name, long ageMs);

  /**
   * @return the table's references after the commit
   * @throws ValidationException when a change is invalid on the latest version
   * @throws CommitConflictException when the retries ran out
   */
  Map<String, SnapshotRef> commit();
}
