package io.datashard.cli;

import io.datashard.ManageSnapshots;
import io.datashard.SnapshotRef;
import io.datashard.Table;
import io.datashard.Warehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code datashard tag} and {@code datashard branch}: create or move a reference, set its retention. */
abstract class RefCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Parameters(index = "1", paramLabel = "NAME", description = "Name of the branch or tag")
  String name;

  @Option(names = "--snapshot", paramLabel = "ID", description = "Point at this snapshot (default: the current one)")
  Long snapshot;

  @Option(names = "--replace", description = "Move an existing reference instead of creating a new one")
  boolean replace;

  @Option(names = "--max-ref-age", paramLabel = "AGE",
      description = "Expiry removes the reference once its snapshot is older than this (7d, 12h)")
  String maxRefAge;

  abstract SnapshotRef.Type type();

  /** Adds the type's own retention settings. */
  ManageSnapshots retention(ManageSnapshots m) {
    return m;
  }

  @Override
  public Integer call() {
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      Long id = snapshot;
      if (id == null) {
        if (t.currentSnapshot() == null) {
          throw CliException.invalidInput("table " + table + " has no snapshot yet; append first or pass --snapshot");
        }
        id = t.currentSnapshot().snapshotId();
      }
      ManageSnapshots m = t.manageSnapshots();
      boolean branch = type() == SnapshotRef.Type.BRANCH;
      boolean exists = t.refs().containsKey(name);
      if (replace || exists && snapshot == null && (maxRefAge != null || hasRetention())) {
        m = branch ? m.replaceBranch(name, id) : m.replaceTag(name, id);
      } else {
        m = branch ? m.createBranch(name, id) : m.createTag(name, id);
      }
      if (maxRefAge != null) {
        m = m.setMaxRefAgeMs(name, duration(maxRefAge, "--max-ref-age").toMillis());
      }
      SnapshotRef r = retention(m).commit().get(name);
      out().println((branch ? "Branch " : "Tag ") + name + " -> snapshot " + r.snapshotId() + " ("
          + RefsCommand.retention(r) + ")");
    }
    return 0;
  }

  boolean hasRetention() {
    return false;
  }

  @Command(name = "tag", mixinStandardHelpOptions = true,
      description = {"Create (or with --replace move) a tag: a fixed name for one snapshot that expiry keeps."},
      footer = {"", "Examples:", "  datashard tag events end-of-q3", "  datashard tag events v1 --snapshot 4242 --max-ref-age 90d"})
  static final class Tag extends RefCommand {
    @Override
    SnapshotRef.Type type() {
      return SnapshotRef.Type.TAG;
    }
  }

  @Command(name = "branch", mixinStandardHelpOptions = true,
      description = {"Create (or with --replace move) a branch; `append --branch NAME` commits to it, "
          + "`fast-forward` publishes it (write-audit-publish)."},
      footer = {"", "Examples:", "  datashard branch events audit", "  datashard append events new.csv --branch audit",
          "  datashard scan events --ref audit", "  datashard fast-forward events main --to audit"})
  static final class Branch extends RefCommand {
    @Option(names = "--min-snapshots", paramLabel = "N", description = "Expiry always keeps the branch's newest N")
    Integer minSnapshots;

    @Option(names = "--max-snapshot-age", paramLabel = "AGE",
        description = "Expiry may remove the branch's snapshots older than this")
    String maxSnapshotAge;

    @Override
    SnapshotRef.Type type() {
      return SnapshotRef.Type.BRANCH;
    }

    @Override
    boolean hasRetention() {
      return minSnapshots != null || maxSnapshotAge != null;
    }

    @Override
    ManageSnapshots retention(ManageSnapshots m) {
      if (minSnapshots != null) {
        m = m.setMinSnapshotsToKeep(name, minSnapshots);
      }
      if (maxSnapshotAge != null) {
        m = m.setMaxSnapshotAgeMs(name, duration(maxSnapshotAge, "--max-snapshot-age").toMillis());
      }
      return m;
    }
  }

  @Command(name = "drop-ref", mixinStandardHelpOptions = true,
      description = {"Remove a branch or tag (not main). Its snapshots stay until expiry removes them."},
      footer = {"", "Example:", "  datashard drop-ref events audit"})
  static final class Drop extends TableCommand {
    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
    String table;

    @Parameters(index = "1", paramLabel = "NAME", description = "Branch or tag")
    String name;

    @Override
    public Integer call() {
      try (Warehouse wh = warehouse()) {
        Table t = wh.loadTable(table);
        SnapshotRef r = t.refs().get(name);
        if (r == null) {
          throw CliException.invalidInput("table " + table + " has no branch or tag '" + name + "'; see datashard refs "
              + table);
        }
        ManageSnapshots m = r.isTag() ? t.manageSnapshots().removeTag(name) : t.manageSnapshots().removeBranch(name);
        m.commit();
        out().println("Removed " + r.type().jsonName() + " " + name);
      }
      return 0;
    }
  }

  @Command(name = "fast-forward", mixinStandardHelpOptions = true,
      description = {"Move branch BRANCH to the head of --to, which must contain all of BRANCH's commits "
          + "(publishes an audited branch: fast-forward events main --to audit)."},
      footer = {"", "Example:", "  datashard fast-forward events main --to audit"})
  static final class FastForward extends TableCommand {
    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
    String table;

    @Parameters(index = "1", paramLabel = "BRANCH", description = "The branch to move (usually main)")
    String branch;

    @Option(names = "--to", required = true, paramLabel = "BRANCH", description = "The branch to move it to")
    String to;

    @Override
    public Integer call() {
      try (Warehouse wh = warehouse()) {
        Table t = wh.loadTable(table);
        SnapshotRef r = t.manageSnapshots().fastForwardBranch(branch, to).commit().get(branch);
        out().println("Branch " + branch + " -> snapshot " + r.snapshotId());
      }
      return 0;
    }
  }
}
