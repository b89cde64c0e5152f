package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code datashard replicate}: incremental passes, full verification, divergence refused, --follow and SIGTERM. */
class ReplicateTest {
  private static final Schema SCHEMA = Schema.of(Field.required(1, "id", Types.LONG),
      Field.optional(2, "note", Types.STRING));

  @TempDir
  Path dir;

  private static void append(Table t, long from, int n) {
    List<Map<String, ?>> rows = new ArrayList<>();
    for (long i = from; i < from + n; i++) {
      rows.add(Map.of("id", i, "note", "row " + i));
    }
    t.appendRecords(rows);
  }

  private static List<Long> ids(Table t) {
    return t.snapshots().stream().map(Snapshot::snapshotId).toList();
  }

  @Test
  void passesCopyWhatIsMissingAndVerify() throws Exception {
    Cli cli = new Cli(dir.resolve("wh"));
    String replicaDir = dir.resolve("replica").toString();
    try (Warehouse wh = Warehouse.local(dir.resolve("wh")); Warehouse replica = Warehouse.local(dir.resolve("replica"))) {
      Table t = wh.createTable("events", SCHEMA);
      append(t, 0, 100);
      append(t, 100, 100);
      Cli.Result r = cli.ok("replicate", "events", replicaDir);
      assertThat(r.out()).contains("Replicated v1..v3 (3 version(s), 2 new data file(s) verified",
          "lag: caught up at v3");
      assertThat(ids(replica.loadTable("events"))).isEqualTo(ids(t));

      append(t, 200, 50);
      // A killed run left a file of the right size but other bytes where the new data file goes: replaced.
      Path newFile;
      try (var files = Files.list(dir.resolve("wh/events/data"))) {
        newFile = files.filter(f -> !Files.exists(dir.resolve("replica/events/data").resolve(f.getFileName())))
            .findFirst().orElseThrow();
      }
      byte[] garbage = new byte[(int) Files.size(newFile)];
      Files.write(dir.resolve("replica/events/data").resolve(newFile.getFileName()), garbage);
      t.updateSchema().addColumn("extra", Types.INT, null).commit();
      r = cli.ok("replicate", "events", replicaDir, "--verify-all");
      assertThat(r.out()).contains("Replicated v4..v5 (2 version(s), 1 new data file(s) verified",
          "Verification: 5 metadata version(s)", ": OK");
      Table copy = replica.loadTable("events");
      assertThat(copy.scan().count()).isEqualTo(250);
      assertThat(copy.schema().findField("extra")).isNotNull();

      assertThat(cli.ok("replicate", "events", replicaDir).out()).contains("Nothing to copy; lag: caught up at v5");

      // Someone commits to the replica (a promotion): the replica has diverged and is never overwritten.
      append(copy, 1_000, 1);
      append(t, 300, 1);
      append(t, 400, 1);
      r = cli.run("replicate", "events", replicaDir);
      assertThat(r.code()).as(r.toString()).isEqualTo(5);
      assertThat(r.err()).contains("has diverged from the source");
      assertThat(replica.loadTable("events").scan().count()).isEqualTo(251);
    }
  }

  @Test
  void followCatchesUpAndStopsCleanlyOnSigterm() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    try (Warehouse wh = Warehouse.local(dir.resolve("wh")); Warehouse replica = Warehouse.local(dir.resolve("replica"))) {
      Table t = wh.createTable("events", SCHEMA);
      append(t, 0, 10);
      Process p = Cli.start(Map.of("DATASHARD_WAREHOUSE", dir.resolve("wh").toString()), work,
          "replicate", "events", dir.resolve("replica").toString(), "--follow", "--interval", "50ms",
          "--max-interval", "200ms");
      try {
        for (int i = 1; i <= 5; i++) {
          append(t, i * 10L, 10);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!(replica.tableExists("events") && replica.loadTable("events").snapshots().size() == 6)
            && System.nanoTime() < deadline && p.isAlive()) {
          Thread.sleep(50);
        }
        assertThat(ids(replica.loadTable("events"))).as(Files.readString(work.resolve("fork.err"))).isEqualTo(ids(t));
      } finally {
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      }
      String out = Files.readString(work.resolve("fork.out"));
      assertThat(out).as(out + Files.readString(work.resolve("fork.err"))).contains("Stopped; caught up at v7");
      assertThat(replica.loadTable("events").scan().count()).isEqualTo(60);
    }
  }
}
