package io.datashard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Row;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.RemoveOrphanFiles;
import io.datashard.storage.FileInfo;
import io.datashard.table.TableHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Writer JVMs are killed with SIGKILL ({@code Process.destroyForcibly()}) again and again: stopped exactly at
 * each phase of an append by the test-only {@link PhaseHookStorage}, and at random moments inside an append.
 * After every kill the table loads, every acknowledged append is there with all its rows, and a reader
 * scanning all along never sees part of an append. At the end, orphan-file removal reclaims exactly what the
 * dead writers left behind.
 */
class CrashTest {
  static final int ROWS = 3;

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"local, 1.0", "s3, 0.34"})
  void writersKilledAtEveryPhaseAndAtRandomLoseNothing(String kind, double share) throws Exception {
    Seed.run("crash " + kind, seed -> run(kind, share, seed));
  }

  private void run(String kind, double share, long seed) throws Exception {
    int kills = Math.max(8, (int) Math.round(Integer.getInteger("reliability.kills", 24) * share));
    Random random = new Random(seed);
    String seedTag = Seed.tag(seed);
    String table = "crash";
    Ledger ledger = new Ledger();
    Map<PhaseHookStorage.Phase, Integer> killsAtPhase = new EnumMap<>(PhaseHookStorage.Phase.class);
    int randomKills = 0;
    int committedWithoutAck = 0;
    int bystanders = 0;
    try (Backend backend = Backend.of(kind, dir); Warehouse wh = backend.warehouse()) {
      wh.createTable(table, TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(), Backend.tableProperties());

      // A reader that scans all along: it must never see an append partially.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger scans = new AtomicInteger();
      AtomicReference<Throwable> readerFailure = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        try (Warehouse rw = backend.warehouse()) {
          Table rt = rw.loadTable(table);
          while (!stop.get()) {
            Map<Long, Integer> groups = new HashMap<>();
            Set<Long> ids = new HashSet<>();
            for (Row r : rt.scan().toList()) {
              long id = (Long) r.get("id");
              if (!ids.add(id)) {
                throw new AssertionError(seedTag + "duplicate row " + id);
              }
              groups.merge(Ledger.key(StressWorker.workerOf(id), StressWorker.seqOf(id)), 1, Integer::sum);
            }
            groups.forEach((k, n) -> {
              if (n != ROWS) {
                throw new AssertionError(seedTag + "reader saw " + n + " of " + ROWS + " rows of append " + k);
              }
            });
            scans.incrementAndGet();
            Thread.sleep(20);
          }
        } catch (Throwable t) {
          readerFailure.set(t);
        }
      }, "crash-test-reader");
      reader.start();

      PhaseHookStorage.Phase[] phases = PhaseHookStorage.Phase.values();
      for (int round = 0; round < kills; round++) {
        int worker = 100 + round;
        boolean deterministic = round < kills * 2 / 3;
        PhaseHookStorage.Phase phase = phases[round % phases.length];
        int stopAt = random.nextInt(3);
        List<String> args = new ArrayList<>(List.of(table, Integer.toString(worker), "3", Integer.toString(ROWS)));
        if (deterministic) {
          args.add(phase.name());
          args.add(Integer.toString(stopAt));
        }
        Child bystander = null;
        if (round % 4 == 3) {
          bystanders++;
          bystander = Child.start(backend.env(), dir.resolve("bystander-" + round + ".err"), table,
              Integer.toString(500 + round), "2", Integer.toString(ROWS));
        }
        try (Child victim = Child.start(backend.env(), dir.resolve("victim-" + round + ".err"),
            args.toArray(new String[0]))) {
          long killDelay = random.nextInt(deterministic ? 1 : 400);
          boolean killed = false;
          while (!killed) {
            String line = victim.next(120_000);
            assertThat(line).as(seedTag + "victim %d output (stderr in %s)", worker, dir).isNotNull().isNotEqualTo(Child.EOF);
            ledger.record(line);
            String[] p = line.split(" ");
            if (deterministic && p[0].equals("AT")) {
              victim.kill();
              killed = true;
              killsAtPhase.merge(phase, 1, Integer::sum);
            } else if (!deterministic && p[0].equals("BEGIN") && Integer.parseInt(p[2]) == stopAt) {
              Thread.sleep(killDelay);
              victim.kill();
              killed = true;
              randomKills++;
            }
          }
          // Lines already printed before the kill still count.
          for (String l; (l = victim.next(2_000)) != null && !l.equals(Child.EOF); ) {
            ledger.record(l);
          }
        }
        if (bystander != null) {
          ledger.recordAll(bystander.drain(10 * 60_000L));
          bystander.close();
        }
        // After every kill: the table loads and nothing acknowledged is missing.
        Table t = wh.loadTable(table);
        Set<Long> present = Audit.check(t, ledger, ROWS, true);
        long killedAppend = Ledger.key(worker, stopAt);
        boolean acked = ledger.ackedSnapshotByAppend.containsKey(killedAppend);
        if (deterministic) {
          if (phase == PhaseHookStorage.Phase.AFTER_COMMIT) {
            assertThat(present).as(seedTag + "killed after its commit: append %d is in the table", killedAppend)
                .contains(killedAppend);
            committedWithoutAck++;
          } else {
            assertThat(present).as(seedTag + "killed at %s: append %d is absent", phase, killedAppend)
                .doesNotContain(killedAppend);
          }
        } else if (!acked && present.contains(killedAppend)) {
          committedWithoutAck++;
        }
      }
      stop.set(true);
      reader.join(60_000);
      assertThat(readerFailure.get()).as(seedTag + "concurrent reader").isNull();

      // Orphan removal reclaims exactly what the dead writers left behind.
      TableHandle t = (TableHandle) wh.loadTable(table);
      List<String> listed = wh.storage().list(t.location()).stream().map(FileInfo::location).toList();
      Set<String> referenced = Audit.referencedFiles(t, listed);
      Set<String> leftovers = new HashSet<>(listed);
      leftovers.removeAll(referenced);
      List<Row> before = t.scan().toList();
      RemoveOrphanFiles.Result removed = t.removeOrphanFiles().olderThan(Duration.ZERO).execute();
      assertThat(new HashSet<>(removed.orphanFiles())).as(seedTag + "orphans removed").isEqualTo(leftovers);
      assertThat(leftovers).as(seedTag + "dead writers left files behind").isNotEmpty();
      Set<String> after = new HashSet<>(wh.storage().list(t.location()).stream().map(FileInfo::location).toList());
      assertThat(after).as(seedTag + "files after orphan removal").isEqualTo(referenced);
      Table reloaded = wh.loadTable(table);
      assertThat(reloaded.scan().toList()).as(seedTag + "rows after orphan removal").isEqualTo(before);
      Audit.check(reloaded, ledger, ROWS, true);

      System.out.printf("crash %s (seed %d): %d kills (%s at phases, %d at random moments), %d bystander writers,"
              + " %d appends acknowledged, %d committed without an ACK, %d concurrent scans, %d leftover files"
              + " (%d bytes) reclaimed, rows lost: 0%n", kind, seed, kills, killsAtPhase, randomKills, bystanders,
          ledger.ackedSnapshotByAppend.size(), committedWithoutAck, scans.get(), removed.orphanFiles().size(),
          removed.orphanBytes());
    }
  }
}
