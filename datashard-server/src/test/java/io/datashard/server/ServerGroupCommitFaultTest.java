package io.datashard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.iceberg.DataShardCatalog;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.OutputFile;
import io.datashard.storage.PositionOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's group commit under injected storage faults, driven by Apache Iceberg's REST client: version creates
 * that report a lost race although nothing was created, that create the version and then report an unknown
 * outcome, that report an unknown outcome and create nothing, and failing writes of the manifest lists of moved
 * appends. Every acknowledged append is in the table exactly once; every append that failed definitely is absent.
 */
class ServerGroupCommitFaultTest {
  private static final TableIdentifier ID = TableIdentifier.of("ns", "t");

  @TempDir
  Path warehouse;

  /** Faults on the table's version creates and moved manifest lists, from a seeded random, once the test starts. */
  static final class Faults extends ForwardingStorageBackend {
    final Random random;
    volatile boolean on;
    final AtomicInteger spuriousConflicts = new AtomicInteger();
    final AtomicInteger landedUnknown = new AtomicInteger();
    final AtomicInteger lostUnknown = new AtomicInteger();
    final AtomicInteger listFailures = new AtomicInteger();

    Faults(Path root, long seed) {
      super(new LocalStorageBackend(root, false));
      this.random = new Random(seed);
    }

    private synchronized int roll() {
      return random.nextInt(8);
    }

    @Override
    public boolean createExclusive(String location, byte[] content) {
      if (on && location.contains("/ns/t/metadata/v") && location.endsWith(".metadata.json")) {
        switch (roll()) {
          case 0 -> {
            spuriousConflicts.incrementAndGet();
            return false; // "already exists", though it does not: the group refreshes and re-applies
          }
          case 1 -> {
            super.createExclusive(location, content);
            landedUnknown.incrementAndGet();
            throw new CommitOutcomeUnknownException("injected: reset after creating " + location, null);
          }
          case 2 -> {
            lostUnknown.incrementAndGet();
            throw new CommitOutcomeUnknownException("injected: reset before creating " + location, null);
          }
          default -> {
            // no fault
          }
        }
      }
      return super.createExclusive(location, content);
    }

    @Override
    public OutputFile newOutputFile(String location) {
      OutputFile real = super.newOutputFile(location);
      if (!on || !location.contains("-moved-") || roll() != 0) {
        return real;
      }
      listFailures.incrementAndGet();
      return new OutputFile() {
        @Override
        public String location() {
          return real.location();
        }

        @Override
        public PositionOutputStream create() {
          throw new io.datashard.StorageException("injected: cannot write " + location);
        }
      };
    }
  }

  @Test
  void everyAcknowledgedAppendIsPresentOnceAndEveryDefiniteFailureAbsent() throws Exception {
    for (long seed = 1; seed <= 3; seed++) {
      for (int retries : new int[] {0, 2}) {
        run(seed, retries, warehouse.resolve("seed-" + seed + "-retries-" + retries));
      }
    }
  }

  /**
   * @param retries {@code commit.retry.num-retries} of the table, for the server and the clients alike: with none,
   *     an injected false conflict or list failure fails its group definitely (409), and those appends must be
   *     absent; with some, the server re-applies the rest of a group without the append whose list failed
   */
  private void run(long seed, int retries, Path root) throws Exception {
    Faults storage = new Faults(root, seed);
    try (Warehouse library = Warehouse.local(root.resolve("ns"))) {
      library.createTable("t", TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(), Map.of(
          org.apache.iceberg.TableProperties.COMMIT_NUM_RETRIES, Integer.toString(retries),
          org.apache.iceberg.TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "2",
          io.datashard.TableProperties.UPKEEP_ENABLED, "false"));
    }
    try (DataShardCatalog catalog = new DataShardCatalog("datashard", storage, Map.of());
         DataShardServer server = DataShardServer.builder().catalog(catalog).port(0).insecureNoAuth().build()
             .start()) {
      Map<String, String> clientProps = Map.of("uri", server.uri().toString(), "warehouse", root.toString(),
          "io-impl", "io.datashard.iceberg.StorageFileIO", "datashard.use-environment", "false");
      try (RESTCatalog admin = new RESTCatalog()) {
        admin.initialize("admin", clientProps);
        admin.createNamespace(Namespace.of("ns"));
      }
      storage.on = true;
      List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
      List<String> failed = Collections.synchronizedList(new ArrayList<>());
      List<String> unknown = Collections.synchronizedList(new ArrayList<>());
      List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < 6; w++) {
        long base = w * 1000L;
        threads.add(new Thread(() -> {
          try (RESTCatalog client = new RESTCatalog()) {
            client.initialize("client-" + base, clientProps);
            for (int i = 0; i < 8; i++) {
              Table t = client.loadTable(ID);
              DataFile f = ConcurrentCommitScenarios.writeWithIceberg(t, base + i);
              try {
                t.newFastAppend().appendFile(f).commit();
                acknowledged.add(f.location());
              } catch (CommitStateUnknownException e) {
                unknown.add(f.location());
              } catch (RuntimeException e) {
                failed.add(f.location() + " " + e);
              }
            }
          } catch (Throwable e) {
            unexpected.add(e);
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      storage.on = false;
      assertThat(unexpected).isEmpty();
      assertThat(acknowledged.size() + failed.size() + unknown.size()).isEqualTo(48);

      List<String> planned = new ArrayList<>();
      try (RESTCatalog reader = new RESTCatalog()) {
        reader.initialize("reader", clientProps);
        try (CloseableIterable<FileScanTask> tasks = reader.loadTable(ID).newScan().planFiles()) {
          tasks.forEach(task -> planned.add(task.file().location()));
        }
      }
      assertThat(planned).as("seed %d: no file twice", seed).doesNotHaveDuplicates();
      assertThat(planned).as("seed %d: every acknowledged append", seed).containsAll(acknowledged);
      for (String f : failed) {
        assertThat(planned).as("seed %d: a definitely failed append is absent: %s", seed, f)
            .doesNotContain(f.substring(0, f.indexOf(' ')));
      }
      List<String> extra = new ArrayList<>(planned);
      extra.removeAll(acknowledged);
      assertThat(unknown).as("seed %d: only appends with an unknown outcome may be present unacknowledged", seed)
          .containsAll(extra);
      assertThat(storage.spuriousConflicts.get() + storage.landedUnknown.get() + storage.lostUnknown.get()
          + storage.listFailures.get()).as("seed %d: faults were injected", seed).isPositive();
      System.out.printf("seed %d, retries " + retries + ": %d acknowledged, %d failed, %d unknown; injected %d false conflicts, %d landed "
              + "and %d lost unknown outcomes, %d list write failures; %d moved%n", seed, acknowledged.size(),
          failed.size(), unknown.size(), storage.spuriousConflicts.get(), storage.landedUnknown.get(),
          storage.lostUnknown.get(), storage.listFailures.get(), server.metrics().appendsMoved());
    }
  }
}
