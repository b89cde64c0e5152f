package io.datashard.reliability;

import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Warehouse;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A writer process for the stress and crash tests. Configured by {@code DATASHARD_*} environment variables
 * (local disk or S3), it appends {@code appends} times to one table, each append carrying {@code rows} rows
 * whose ids encode (worker, sequence, row), and reports on stdout:
 * <pre>
 * BEGIN w s               an append starts
 * ACK w s snapshot-id attempts-ms   it committed
 * FAIL w s exception-class message  it failed (the rows must be absent)
 * AT phase w s            the writer stopped at a phase (crash tests kill it there)
 * </pre>
 * Args: {@code table worker appends rows [stopPhase stopAtSeq]}.
 */
public final class StressWorker {
  private StressWorker() {
  }

  /** @return the id of row {@code k} of append {@code seq} of {@code worker} */
  static long id(int worker, int seq, int k) {
    return worker * 1_000_000_000L + seq * 1_000L + k;
  }

  static int workerOf(long id) {
    return (int) (id / 1_000_000_000L);
  }

  static int seqOf(long id) {
    return (int) (id % 1_000_000_000L / 1_000L);
  }

  static List<Map<String, Object>> rows(int worker, int seq, int rows) {
    List<Map<String, Object>> out = new ArrayList<>(rows);
    for (int k = 0; k < rows; k++) {
      Map<String, Object> r = new HashMap<>();
      r.put("id", id(worker, seq, k));
      r.put("event", "w" + worker + "s" + seq);
      r.put("value", (double) k);
      out.add(r);
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    String tableName = args[0];
    int worker = Integer.parseInt(args[1]);
    int appends = Integer.parseInt(args[2]);
    int rows = Integer.parseInt(args[3]);
    PhaseHookStorage.Phase stopPhase = args.length > 4 ? PhaseHookStorage.Phase.valueOf(args[4]) : null;
    int stopAtSeq = args.length > 5 ? Integer.parseInt(args[5]) : -1;
    PrintStream out = System.out;
    int[] current = {-1};
    PhaseHookStorage.Listener listener = phase -> {
      if (phase == stopPhase && current[0] == stopAtSeq) {
        out.println("AT " + phase + " " + worker + " " + current[0]);
        out.flush();
        try {
          Thread.sleep(120_000); // the parent kills us here
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(3);
      }
    };
    try (Warehouse env = Warehouse.fromEnvironment(System.getenv());
         Warehouse wh = Warehouse.of(new PhaseHookStorage(env.storage(), listener))) {
      Table t = wh.loadTable(tableName);
      for (int seq = 0; seq < appends; seq++) {
        current[0] = seq;
        out.println("BEGIN " + worker + " " + seq);
        out.flush();
        long started = System.nanoTime();
        try {
          Snapshot s = t.appendRecords(rows(worker, seq, rows));
          out.println("ACK " + worker + " " + seq + " " + s.snapshotId() + " " + (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
          out.println("FAIL " + worker + " " + seq + " " + e.getClass().getName() + " "
              + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
        out.flush();
      }
    }
    out.println("DONE " + worker);
    out.flush();
  }
}
