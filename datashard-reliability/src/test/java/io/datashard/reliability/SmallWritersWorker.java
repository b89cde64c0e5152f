package io.datashard.reliability;

import io.datashard.DataShard;
import io.datashard.DataShardException;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.TestSchemas;
import java.util.ArrayList;
import java.util.List;

/**
 * One writer process of {@link SmallWritersBench}'s multi-process phase, configured only by {@code DATASHARD_*}
 * environment variables as a user's program would be. Its threads each open their own handle, wait for the common
 * start time, then make single-row appends until the end time, printing {@code ACK <worker> <seq> <snapshot-id>}
 * after each acknowledged append and {@code FAIL <worker> <seq>} after each failed one.
 *
 * <p>Arguments: table, process number, threads, start and end (epoch milliseconds).
 */
public final class SmallWritersWorker {
  private SmallWritersWorker() {
  }

  public static void main(String[] args) throws Exception {
    String table = args[0];
    int process = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    long startAt = Long.parseLong(args[3]);
    long endAt = Long.parseLong(args[4]);
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int worker = process * threads + t;
      Thread thread = new Thread(() -> {
        Table mine = load(table, worker);
        if (mine == null) {
          return;
        }
        sleepUntil(startAt);
        for (int i = 0; System.currentTimeMillis() < endAt; i++) {
          long id = worker * 1_000_000L + i;
          try {
            Snapshot s = mine.appendRecords(List.of(TestSchemas.event(id, "w" + worker, 1.0)));
            print("ACK " + worker + " " + i + " " + s.snapshotId());
          } catch (DataShardException e) {
            print("FAIL " + worker + " " + i + " " + e.getMessage().replace('\n', ' '));
          }
        }
      });
      thread.start();
      running.add(thread);
    }
    for (Thread t : running) {
      t.join();
    }
    DataShard.warehouse().close();
  }

  /**
   * Loads the table, retrying a few times: 128 writers starting at once are a burst the test's S3 front does not
   * always answer. A writer that cannot load says so ({@code NOLOAD}) instead of silently not running.
   */
  private static Table load(String table, int worker) {
    for (int attempt = 1; ; attempt++) {
      try {
        return DataShard.loadTable(table);
      } catch (DataShardException e) {
        if (attempt == 5) {
          print("NOLOAD " + worker + " " + e.getMessage().replace('\n', ' '));
          return null;
        }
        try {
          Thread.sleep(200L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }
  }

  private static synchronized void print(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static void sleepUntil(long epochMillis) {
    long left;
    while ((left = epochMillis - System.currentTimeMillis()) > 0) {
      try {
        Thread.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
