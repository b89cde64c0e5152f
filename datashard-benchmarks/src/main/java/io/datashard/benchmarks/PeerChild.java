package io.datashard.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The processes {@link PeersBench} launches, one role each. Output is line-based on stdout:
 * <ul>
 *   <li>{@code cold <peer> <store> <table>}: create a table, commit one single-row append, scan it; prints
 *       {@code main|committed|scanned <epoch ms>} (the parent measured the launch time).</li>
 *   <li>{@code writer <peer> <store> <table> <index> <appends>}: warm up on a private table, load the table,
 *       print {@code READY}, wait for a line
 *       on stdin, then make {@code appends} single-row appends, printing {@code ACK <snapshot id> <attempts>} for
 *       every append whose commit returned and {@code FAIL <exception>} for every one that threw; then
 *       {@code DONE <start ms> <end ms>}.</li>
 *   <li>{@code memory <peer> <store> <table> <rows>}: one streaming append of {@code rows} generated rows, then a
 *       streaming scan; prints {@code append|scan <ms> <peak heap bytes> <max live heap after GC bytes>}.</li>
 * </ul>
 */
public final class PeerChild {
  private PeerChild() {
  }

  public static void main(String[] args) throws Exception {
    long main = System.currentTimeMillis();
    String role = args[0];
    Peer.Store store = Peer.Store.parse(args[2]);
    try (Peer peer = Peer.open(args[1], store)) {
      switch (role) {
        case "cold" -> {
          Peer.PeerTable t = peer.create(args[3]);
          t.appendOne(1);
          long committed = System.currentTimeMillis();
          long rows = t.scanAll();
          long scanned = System.currentTimeMillis();
          if (rows != 1) {
            throw new IllegalStateException("scan returned " + rows + " rows");
          }
          System.out.println("main " + main);
          System.out.println("committed " + committed);
          System.out.println("scanned " + scanned);
        }
        case "writer" -> writer(peer, args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        case "memory" -> memory(peer, args[3], Long.parseLong(args[4]));
        default -> throw new IllegalArgumentException(role);
      }
    }
    System.out.flush();
    // Hadoop and S3 clients leave non-daemon threads behind; the parent waits for this exit.
    System.exit(0);
  }

  private static void writer(Peer peer, String table, int index, int appends) throws Exception {
    // Warm up on a private table first (class loading, first S3 connections, some JIT), so the contended run
    // measures commits, not JVM start-up.
    Peer.PeerTable warm = peer.create(table + "_warm" + index);
    for (int j = 0; j < 3; j++) {
      warm.appendOne(j);
    }
    warm.scanAll();
    Peer.PeerTable t = peer.load(table);
    System.out.println("READY");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    in.readLine(); // GO
    long start = System.currentTimeMillis();
    for (int j = 0; j < appends; j++) {
      long row = 1_000_000L * (index + 1) + j;
      try {
        Peer.Ack ack = t.appendOne(row);
        System.out.println("ACK " + ack.snapshotId() + " " + ack.attempts());
      } catch (RuntimeException e) {
        System.out.println("FAIL " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage())
            .replace('\n', ' '));
      }
      System.out.flush();
    }
    System.out.println("DONE " + start + " " + System.currentTimeMillis());
  }

  private static void memory(Peer peer, String table, long rows) {
    Peer.PeerTable t = peer.create(table);
    HeapWatch watch = new HeapWatch();
    long t0 = System.nanoTime();
    t.appendGenerated(0, rows);
    long appendMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("append " + appendMs + " " + watch.peak() + " " + watch.maxLiveAfterGc.get());
    System.gc();
    watch.reset();
    t0 = System.nanoTime();
    long read = t.scanAll();
    long scanMs = (System.nanoTime() - t0) / 1_000_000;
    if (read != rows) {
      throw new IllegalStateException("scan returned " + read + " rows, expected " + rows);
    }
    System.out.println("scan " + scanMs + " " + watch.peak() + " " + watch.maxLiveAfterGc.get());
  }

  /**
   * Peak heap use: the sum of the heap pools' peak usage (an upper bound, garbage included), and the largest heap
   * in use just after a collection (what was live: the working set).
   */
  private static final class HeapWatch {
    final AtomicLong maxLiveAfterGc = new AtomicLong();

    HeapWatch() {
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc).addNotificationListener((n, hb) -> {
          if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            return;
          }
          GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
              (CompositeData) n.getUserData());
          long used = 0;
          for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
            used += u.getUsed();
          }
          // Non-heap pools (metaspace, code cache) are in the map too; subtract them to keep heap only.
          for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.NON_HEAP) {
              MemoryUsage u = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
              if (u != null) {
                used -= u.getUsed();
              }
            }
          }
          maxLiveAfterGc.accumulateAndGet(used, Math::max);
        }, null, null);
      }
      reset();
    }

    void reset() {
      maxLiveAfterGc.set(0);
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        pool.resetPeakUsage();
      }
    }

    long peak() {
      long sum = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          sum += pool.getPeakUsage().getUsed();
        }
      }
      return sum;
    }
  }
}
