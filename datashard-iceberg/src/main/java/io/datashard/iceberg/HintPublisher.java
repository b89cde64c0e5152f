package io.datashard.iceberg;

import io.datashard.commit.VersionFiles;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code version-hint.text} after a commit off the committing thread, so that a commit is acknowledged once
 * its version file exists and not one store round trip later.
 *
 * <p>The hint is advisory (docs/format.md, docs/concurrency.md): every reader finds the latest version by reading the
 * hint and then probing forward ({@code HEAD v<N+1>} until absent), so a hint that lags, or is never written because
 * the process died, costs a reader one more probe and never hides a version. What this class guarantees on top: per
 * table, hints are written one at a time and only forwards (a commit that asks for version 7 while 6 is being
 * written waits for 6 to finish; 6 and 7 asked together write only 7), so the file never goes back to an older
 * version through us. {@link #close()} writes what is pending before it returns.
 *
 * <p>Turned on by the catalog property {@value #ASYNC} (default false: the hint is written before the commit
 * returns, as the library does); the REST server turns it on.
 */
final class HintPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HintPublisher.class);

  /** Catalog property: write version hints in the background after a commit returns. */
  static final String ASYNC = "datashard.version-hint.async";

  private static final int THREADS = 4;
  private static final long CLOSE_WAIT_SECONDS = 30;

  /** One table's hint: what was asked for, what was written, whether a writer is on it. */
  private static final class Slot {
    int wanted;
    int written;
    boolean draining;
  }

  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
  private final ExecutorService pool;

  private HintPublisher() {
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "datashard-version-hint-" + n.incrementAndGet());
      t.setDaemon(true); // a hint left unwritten at exit only costs readers a probe
      return t;
    });
  }

  /** @return a publisher when the catalog's properties turn it on, else null (hints written in the commit) */
  static HintPublisher fromProperties(java.util.Map<String, String> props) {
    return Boolean.parseBoolean(props.getOrDefault(ASYNC, "false").trim()) ? new HintPublisher() : null;
  }

  /**
   * Asks for the table's hint to name {@code version}; returns at once.
   *
   * @param versions the table's version files
   * @param version a version that exists
   */
  void publish(VersionFiles versions, int version) {
    // Slots are kept for the catalog's life (a few dozen bytes per table it committed to), so that a version asked
    // for late, after a newer one was written, is recognised as older and skipped.
    Slot slot = slots.computeIfAbsent(versions.tableLocation(), k -> new Slot());
    synchronized (slot) {
      if (version <= slot.wanted) {
        return;
      }
      slot.wanted = version;
      if (slot.draining) {
        return; // the writer on this table writes the newest wanted version next
      }
      slot.draining = true;
    }
    try {
      pool.execute(() -> drain(versions, slot));
    } catch (RejectedExecutionException closed) {
      drain(versions, slot); // closing: write it here
    }
  }

  private static void drain(VersionFiles versions, Slot slot) {
    while (true) {
      int version;
      synchronized (slot) {
        if (slot.wanted <= slot.written) {
          slot.draining = false;
          return;
        }
        version = slot.wanted;
      }
      versions.writeHint(version); // logs and carries on when the store refuses: the hint is advisory
      synchronized (slot) {
        slot.written = version;
      }
    }
  }

  /** Writes every pending hint (waiting up to 30 seconds), then stops the writer threads. */
  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("version hints still being written after {} s; readers will probe for the latest versions",
            CLOSE_WAIT_SECONDS);
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
