package io.datashard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Row;
import io.datashard.Snapshot;
import io.datashard.StorageException;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.replication.Replication;
import io.datashard.replication.VerifyReport;
import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.OutputFile;
import io.datashard.storage.PositionOutputStream;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Continuous replication while 4 writers append to the source, with the replicator "killed" at random points: a
 * storage wrapper makes the k-th write to the replica (a data file chunk, a manifest, a version create, the hint)
 * and everything after it fail, as if the process died there, and a fresh replicator starts over. Some passes are
 * stopped instead ({@link Replication#stop()}) while following. After every kill or stop the replica must load,
 * hold a prefix of the source's history (same snapshot ids in order) with the same rows, and at the end catch up
 * and verify in full. Seeds: {@code -Dreliability.seed=N} replays one.
 */
class ReplicationTest {
  private static final int WRITERS = 4;
  private static final int APPENDS = 6;
  private static final int ROWS = 40;
  private static final int MIN_CYCLES = 12;

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"local, s3", "s3, local"})
  void replicaIsAlwaysAPrefixOfTheSourceAndCatchesUp(String from, String to) throws Exception {
    long seed = Long.getLong("reliability.seed", System.nanoTime());
    System.out.println("ReplicationTest " + from + " -> " + to + " seed " + seed);
    Random rnd = new Random(seed);
    try (Backend src = Backend.of(from, dir.resolve("src")); Backend dst = Backend.of(to, dir.resolve("dst"));
         Warehouse srcWh = src.warehouse(); Warehouse dstWh = dst.warehouse()) {
      srcWh.createTable("t", TestSchemas.EVENTS);
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int worker = w;
        long writerSeed = rnd.nextLong();
        writers.add(pool.submit(() -> {
          Random r = new Random(writerSeed);
          try (Warehouse wh = src.warehouse()) {
            Table t = wh.loadTable("t");
            for (int a = 0; a < APPENDS; a++) {
              List<Map<String, ?>> rows = new ArrayList<>();
              for (int i = 0; i < ROWS; i++) {
                rows.add(Map.of("id", worker * 1_000_000L + a * 1_000L + i, "event", "w" + worker, "value", 1.0 * i));
              }
              t.appendRecords(rows);
              Thread.sleep(r.nextInt(200));
            }
          }
          return null;
        }));
      }
      pool.shutdown();

      String srcLoc = srcWh.tableLocation("t");
      String dstLoc = dstWh.tableLocation("t");
      int kills = 0;
      int stops = 0;
      int checks = 0;
      // Kill cycles go on while the writers append, and at least MIN_CYCLES times (catching up after them).
      for (int cycle = 0; cycle < MIN_CYCLES || !writers.stream().allMatch(Future::isDone); cycle++) {
        if (rnd.nextInt(4) == 0) {
          // Follow, then stop from another thread at a random moment: the loop ends between two versions.
          Replication r = new Replication(srcWh.storage(), srcLoc, dstWh.storage(), dstLoc);
          Thread follower = new Thread(() -> r.follow(java.time.Duration.ofMillis(5),
              java.time.Duration.ofMillis(50), round -> { }, b -> { }));
          follower.start();
          Thread.sleep(rnd.nextInt(300));
          r.stop();
          follower.join(60_000);
          assertThat(follower.isAlive()).as("follow() returns after stop(), seed %d", seed).isFalse();
          stops++;
        } else {
          KillingStorage killing = new KillingStorage(dstWh.storage(), 1 + rnd.nextInt(40));
          Replication r = new Replication(srcWh.storage(), srcLoc, killing, dstLoc);
          try {
            r.runOnce(b -> { });
          } catch (RuntimeException e) {
            assertThat(killing.killed()).as("only injected failures, seed %d: %s", seed, e).isTrue();
            kills++;
          }
        }
        checkPrefix(srcWh, dstWh, seed);
        checks++;
      }
      for (Future<?> f : writers) {
        f.get(); // a writer's failure fails the test
      }
      assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();

      // Catch up with a replicator that is not killed.
      Replication last = srcWh.replication("t", dstWh, "t");
      Replication.Round round = last.runOnce(b -> { });
      assertThat(round.lag().versionsBehind()).as("caught up, seed %d", seed).isZero();
      checkPrefix(srcWh, dstWh, seed);
      Table source = srcWh.loadTable("t");
      Table replica = dstWh.loadTable("t");
      assertThat(ids(replica)).as("the whole history, seed %d", seed).isEqualTo(ids(source));
      assertThat(replica.rowCount()).as("seed %d", seed).isEqualTo((long) WRITERS * APPENDS * ROWS);
      VerifyReport v = last.verifyAll(b -> { });
      assertThat(v.problems()).as("full verification, seed %d", seed).isEmpty();
      System.out.printf("ReplicationTest %s -> %s seed %d: %d kills, %d stops, %d prefix checks, %d versions%n",
          from, to, seed, kills, stops, checks, round.lag().replicaVersion());
    }
  }

  /** The replica loads (when it has a version at all) and holds a prefix of the source's history. */
  private static void checkPrefix(Warehouse srcWh, Warehouse dstWh, long seed) {
    if (!dstWh.tableExists("t")) {
      return; // nothing published yet
    }
    Table replica = dstWh.loadTable("t");
    Table source = srcWh.loadTable("t");
    List<Long> r = ids(replica);
    List<Long> s = ids(source);
    assertThat(r.size()).as("replica history no longer than the source's, seed %d", seed).isLessThanOrEqualTo(s.size());
    assertThat(s.subList(0, r.size())).as("replica snapshots are a prefix of the source's, seed %d", seed)
        .isEqualTo(r);
    Snapshot current = replica.currentSnapshot();
    if (current != null) {
      assertThat(rows(replica.scan().toList())).as("rows at snapshot %d, seed %d", current.snapshotId(), seed)
          .isEqualTo(rows(source.scan().useSnapshot(current.snapshotId()).toList()));
    }
  }

  private static List<Long> ids(Table t) {
    return t.snapshots().stream().sorted(Comparator.comparingLong(Snapshot::sequenceNumber))
        .map(Snapshot::snapshotId).collect(Collectors.toList());
  }

  private static List<String> rows(List<Row> rows) {
    return rows.stream().map(r -> r.getLong("id") + ":" + r.getString("event")).sorted().collect(Collectors.toList());
  }

  /** Fails the k-th write to the replica and every operation after it: the replicator's process "died" there. */
  static final class KillingStorage extends ForwardingStorageBackend {
    private final AtomicInteger writesLeft;
    private volatile boolean killed;

    KillingStorage(StorageBackend delegate, int k) {
      super(delegate);
      this.writesLeft = new AtomicInteger(k);
    }

    boolean killed() {
      return killed;
    }

    private void write(String what) {
      if (killed || writesLeft.decrementAndGet() <= 0) {
        killed = true;
        throw new StorageException("injected kill at " + what);
      }
    }

    private void alive() {
      if (killed) {
        throw new StorageException("injected kill: the process is gone");
      }
    }

    @Override
    public void writeAll(String location, byte[] content) {
      write(location);
      super.writeAll(location, content);
    }

    @Override
    public void writeAdvisory(String location, byte[] content) {
      write(location);
      super.writeAdvisory(location, content);
    }

    @Override
    public boolean createExclusive(String location, byte[] content) {
      write(location);
      return super.createExclusive(location, content);
    }

    @Override
    public void delete(String location) {
      write("delete " + location);
      super.delete(location);
    }

    @Override
    public void sync(java.util.Collection<String> locations) {
      write("sync");
      super.sync(locations);
    }

    @Override
    public byte[] readAll(String location) {
      alive();
      return super.readAll(location);
    }

    @Override
    public List<io.datashard.storage.FileInfo> list(String prefix) {
      alive();
      return super.list(prefix);
    }

    @Override
    public OutputFile newOutputFile(String location) {
      OutputFile out = super.newOutputFile(location);
      return new OutputFile() {
        @Override
        public String location() {
          return out.location();
        }

        @Override
        public PositionOutputStream create() {
          write("create " + location);
          PositionOutputStream s = out.create();
          return new PositionOutputStream() {
            @Override
            public long getPos() throws IOException {
              return s.getPos();
            }

            @Override
            public void write(int b) throws IOException {
              check();
              s.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              check();
              s.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
              s.flush();
            }

            @Override
            public void close() throws IOException {
              check(); // a dead process completes no upload; on local disk what was written stays, partial
              s.close();
            }

            private void check() throws IOException {
              try {
                KillingStorage.this.write(location);
              } catch (StorageException e) {
                throw new IOException(e.getMessage(), e);
              }
            }
          };
        }
      };
    }
  }
}
