package io.datashard.update;

import io.datashard.ManageSnapshots;
import io.datashard.Snapshot;
import io.datashard.SnapshotRef;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * {@link ManageSnapshots} implementation: the changes are replayed on the latest version at every attempt, so
 * each is validated against what is really there (a name taken meanwhile, a fast-forward that stopped being one).
 */
public final class RefUpdate implements ManageSnapshots {
  private final TableOperations ops;
  private final List<BiFunction<TableMetadata, Long, TableMetadata>> changes = new ArrayList<>();

  public RefUpdate(TableOperations ops) {
    this.ops = ops;
  }

  private static SnapshotRef existing(TableMetadata m, String name, SnapshotRef.Type type) {
    SnapshotRef r = m.ref(name);
    if (r == null) {
      throw new ValidationException("table has no " + type.jsonName() + " '" + name + "'");
    }
    if (r.type() != type) {
      throw new ValidationException("'" + name + "' is a " + r.type().jsonName() + ", not a " + type.jsonName());
    }
    return r;
  }

  private static void requireFree(TableMetadata m, String name) {
    if (name == null || name.isBlank()) {
      throw new ValidationException("a branch or tag needs a name");
    }
    SnapshotRef r = m.ref(name);
    if (r != null) {
      throw new ValidationException("'" + name + "' already exists (a " + r.type().jsonName() + " at snapshot "
          + r.snapshotId() + ")");
    }
  }

  @Override
  public ManageSnapshots createTag(String name, long snapshotId) {
    changes.add((m, now) -> {
      requireFree(m, name);
      return m.withRef(name, SnapshotRef.tag(snapshotId), now);
    });
    return this;
  }

  @Override
  public ManageSnapshots replaceTag(String name, long snapshotId) {
    changes.add((m, now) -> m.withRef(name, existing(m, name, SnapshotRef.Type.TAG).withSnapshotId(snapshotId), now));
    return this;
  }

  @Override
  public ManageSnapshots removeTag(String name) {
    changes.add((m, now) -> {
      existing(m, name, SnapshotRef.Type.TAG);
      return m.withoutRef(name, now);
    });
    return this;
  }

  @Override
  public ManageSnapshots createBranch(String name) {
    changes.add((m, now) -> {
      requireFree(m, name);
      if (m.currentSnapshotId() == null) {
        throw new ValidationException("cannot create branch '" + name + "': the table has no snapshot yet");
      }
      return m.withRef(name, SnapshotRef.branch(m.currentSnapshotId()), now);
    });
    return this;
  }

  @Override
  public ManageSnapshots createBranch(String name, long snapshotId) {
    changes.add((m, now) -> {
      requireFree(m, name);
      return m.withRef(name, SnapshotRef.branch(snapshotId), now);
    });
    return this;
  }

  @Override
  public ManageSnapshots replaceBranch(String name, long snapshotId) {
    changes.add((m, now) -> m.withRef(name, existing(m, name, SnapshotRef.Type.BRANCH).withSnapshotId(snapshotId),
        now));
    return this;
  }

  @Override
  public ManageSnapshots removeBranch(String name) {
    changes.add((m, now) -> {
      existing(m, name, SnapshotRef.Type.BRANCH);
      return m.withoutRef(name, now);
    });
    return this;
  }

  @Override
  public ManageSnapshots fastForwardBranch(String name, String to) {
    changes.add((m, now) -> {
      SnapshotRef target = existing(m, to, SnapshotRef.Type.BRANCH);
      SnapshotRef branch = m.ref(name);
      if (branch == null && SnapshotRef.MAIN.equals(name) && m.currentSnapshotId() == null) {
        return m.withRef(name, SnapshotRef.branch(target.snapshotId()), now); // an empty table's main
      }
      branch = existing(m, name, SnapshotRef.Type.BRANCH);
      if (branch.snapshotId() == target.snapshotId()) {
        return m;
      }
      if (!isAncestor(m, branch.snapshotId(), target.snapshotId())) {
        throw new ValidationException("cannot fast-forward '" + name + "' to '" + to + "': snapshot "
            + branch.snapshotId() + " (head of '" + name + "') is not an ancestor of " + target.snapshotId()
            + " (head of '" + to + "'); '" + name + "' has commits that '" + to + "' lacks");
      }
      return m.withRef(name, branch.withSnapshotId(target.snapshotId()), now);
    });
    return this;
  }

  private static boolean isAncestor(TableMetadata m, long ancestor, long of) {
    for (Snapshot s = m.snapshot(of); s != null; s = s.parentId() == null ? null : m.snapshot(s.parentId())) {
      if (s.snapshotId() == ancestor) {
        return true;
      }
    }
    return false;
  }

  @Override
  public ManageSnapshots setMinSnapshotsToKeep(String branch, int count) {
    changes.add((m, now) -> {
      SnapshotRef r = existing(m, branch, SnapshotRef.Type.BRANCH);
      return m.withRef(branch, new SnapshotRef(r.type(), r.snapshotId(), count, r.maxSnapshotAgeMs(),
          r.maxRefAgeMs()), now);
    });
    return this;
  }

  @Override
  public ManageSnapshots setMaxSnapshotAgeMs(String branch, long ageMs) {
    changes.add((m, now) -> {
      SnapshotRef r = existing(m, branch, SnapshotRef.Type.BRANCH);
      return m.withRef(branch, new SnapshotRef(r.type(), r.snapshotId(), r.minSnapshotsToKeep(), ageMs,
          r.maxRefAgeMs()), now);
    });
    return this;
  }

  @Override
  public ManageSnapshots setMaxRefAgeMs(String name, long ageMs) {
    changes.add((m, now) -> {
      if (SnapshotRef.MAIN.equals(name)) {
        throw new ValidationException("'main' never expires: it cannot have a max-ref-age-ms");
      }
      SnapshotRef r = m.ref(name);
      if (r == null) {
        throw new ValidationException("table has no branch or tag '" + name + "'");
      }
      return m.withRef(name, new SnapshotRef(r.type(), r.snapshotId(), r.minSnapshotsToKeep(),
          r.maxSnapshotAgeMs(), ageMs), now);
    });
    return this;
  }

  @Override
  public Map<String, SnapshotRef> commit() {
    TableMetadata start = ops.refresh();
    CommitLoop.Result r = CommitLoop.run(ops, start, "branch and tag update", (base, attempt) -> {
      long now = Math.max(System.currentTimeMillis(), base.lastUpdatedMillis());
      TableMetadata m = base;
      for (BiFunction<TableMetadata, Long, TableMetadata> c : changes) {
        m = c.apply(m, now);
      }
      return m;
    });
    return r.metadata().refs();
  }
}
