package io.datashard.cli;

import io.datashard.Warehouse;
import io.datashard.replication.Replication;
import io.datashard.replication.TableMigration.PublishedVersion;
import io.datashard.replication.VerifyReport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replicate", mixinStandardHelpOptions = true,
    description = {"Replicate a table to another warehouse: copy every metadata version the replica lacks, in "
        + "order, with its data files, manifests and manifest lists; each version is published at the replica "
        + "only after everything it references is there and verified (size and CRC32C), so the replica is a "
        + "readable table at every moment. Prints the replication lag.",
        "Resumable: after an interruption or a kill at any point, run it again. One replicator per replica.",
        "With --follow it keeps polling (pausing --interval after a pass that copied something, doubling up to "
            + "--max-interval while idle) until interrupted (Ctrl-C or SIGTERM), finishing the version in "
            + "progress first. See docs/operations.md for failover.",
        "The destination uses the source's DATASHARD_S3_* settings unless overridden by --to-s3-* options or "
            + "DATASHARD_TO_S3_* variables."},
    footer = {"", "Examples:",
        "  datashard replicate events s3://dr-bucket/lake",
        "  datashard -w s3://lake replicate events ./replica --follow --interval 2s",
        "  datashard replicate events s3://dr-bucket/lake --verify-all"})
final class ReplicateCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "Table name in the source warehouse")
  String table;

  @Parameters(index = "1", paramLabel = "TARGET", description = "Replica warehouse: a directory or s3://bucket[/prefix]")
  String to;

  @Mixin
  Destination destination = new Destination();

  @Option(names = "--follow", description = "Keep replicating new versions until interrupted")
  boolean follow;

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s",
      description = "Pause after a pass that copied something (default: ${DEFAULT-VALUE})")
  String interval;

  @Option(names = "--max-interval", paramLabel = "DURATION", defaultValue = "30s",
      description = "Longest pause while the source is idle (default: ${DEFAULT-VALUE})")
  String maxInterval;

  @Option(names = "--verify-all", description = "After replicating, compare the whole replica with the source "
      + "again (every version's bytes, the newest snapshot's files and rows, CRC32C of every data file)")
  boolean verifyAll;

  @Override
  public Integer call() {
    Duration pause = duration(interval, "--interval");
    Duration longest = duration(maxInterval, "--max-interval");
    if (pause.isNegative() || pause.isZero() || longest.compareTo(pause) < 0) {
      throw CliException.badOption("--interval must be positive and at most --max-interval");
    }
    String name = destination.name(table);
    try (Warehouse source = Warehouse.fromEnvironment(cli.settings());
         Warehouse target = Warehouse.fromEnvironment(destination.settings(cli.settings(), to))) {
      String[] locs = Destination.locations(source, table, target, name);
      out().println("Replicating " + table + ": " + locs[0] + " -> " + locs[1]);
      Replication r = source.replication(table, target, name);
      AtomicLong bytes = new AtomicLong();
      if (follow) {
        followUntilSignalled(r, pause, longest, bytes);
      } else {
        report(r.runOnce(bytes::addAndGet), bytes.getAndSet(0));
      }
      if (verifyAll) {
        VerifyReport v;
        try (Progress p = cli.progress("verify", -1, "B")) {
          v = r.verifyAll(p::stepBy);
        }
        out().println("Verification: " + v.versions() + " metadata version(s), " + v.snapshots() + " snapshot(s), "
            + v.files() + " data file(s) (" + humanBytes(v.bytes()) + ") compared by CRC32C, " + v.rowsCurrent()
            + " rows in the replica's current snapshot: " + (v.ok() ? "OK" : v.problems().size() + " problem(s)"));
        v.problems().forEach(problem -> out().println("  - " + problem));
        if (!v.ok()) {
          throw new CliException(DataShardCli.ExitCodes.VERIFICATION_FAILED,
              "error: verification failed: " + v.problems().get(0));
        }
      }
    }
    return 0;
  }

  /** Follows until SIGINT/SIGTERM; the hook asks the loop to stop and waits for the version in progress. */
  private void followUntilSignalled(Replication r, Duration pause, Duration longest, AtomicLong bytes) {
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      r.stop();
      try {
        done.await(60, TimeUnit.SECONDS); // an unfinished version is abandoned unpublished: safe either way
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "datashard-replicate-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      r.follow(pause, longest, round -> {
        if (!round.versions().isEmpty()) {
          report(round, bytes.getAndSet(0));
        }
      }, bytes::addAndGet);
      out().println("Stopped; " + r.lag());
    } finally {
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it returns now that the loop is done
      }
    }
  }

  private void report(Replication.Round round, long bytes) {
    List<PublishedVersion> vs = round.versions();
    if (vs.isEmpty()) {
      out().println("Nothing to copy; lag: " + round.lag());
      return;
    }
    long files = vs.stream().mapToLong(v -> v.dataFiles().size()).sum();
    out().println("Replicated v" + vs.get(0).version() + ".." + "v" + vs.get(vs.size() - 1).version() + " ("
        + vs.size() + " version(s), " + files + " new data file(s) verified, " + humanBytes(bytes) + " copied); lag: "
        + round.lag());
    out().flush();
  }
}
