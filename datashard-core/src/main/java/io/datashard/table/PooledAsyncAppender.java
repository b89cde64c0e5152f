package io.datashard.table;

import io.datashard.AsyncAppender;
import io.datashard.Snapshot;
import io.datashard.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link AsyncAppender} implementation: a fixed pool of writer threads, each running an ordinary
 * {@link Table#appendRecords} per batch, so that concurrent batches meet in the table's {@link GroupCommit}; and a
 * count of pending rows guarded by one lock, which is the memory bound and the back-pressure.
 */
public final class PooledAsyncAppender implements AsyncAppender {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final Table table;
  private final long maxPendingRows;
  private final ExecutorService writers;
  private final Object lock = new Object();
  private final List<CompletableFuture<Void>> waitingForRoom = new ArrayList<>();
  private long pendingRows;
  private int pendingBatches;
  private boolean closed;

  /**
   * @param table the table to append to
   * @param writerThreads how many batches are written at once (at least 1)
   * @param maxPendingRows the memory bound: rows handed over and not yet committed (at least 1)
   */
  public PooledAsyncAppender(Table table, int writerThreads, long maxPendingRows) {
    if (writerThreads < 1 || maxPendingRows < 1) {
      throw new io.datashard.ValidationException("an async appender needs at least one writer thread and room for "
          + "one row; got " + writerThreads + " threads and " + maxPendingRows + " rows");
    }
    this.table = table;
    this.maxPendingRows = maxPendingRows;
    int pool = POOLS.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "datashard-async-append-" + pool + "-" + thread.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.writers = Executors.newFixedThreadPool(writerThreads, factory);
  }

  @Override
  public CompletableFuture<Snapshot> append(List<? extends Map<String, ?>> records) {
    List<? extends Map<String, ?>> batch = java.util.Objects.requireNonNull(records, "records");
    boolean interrupted = false;
    synchronized (lock) {
      while (!closed && !hasRoomFor(batch.size())) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
        return CompletableFuture.failedFuture(new IllegalStateException(
            "interrupted while waiting for room in the async appender of " + table.name()));
      }
      admit(batch.size());
    }
    return submit(batch);
  }

  @Override
  public Optional<CompletableFuture<Snapshot>> offer(List<? extends Map<String, ?>> records) {
    List<? extends Map<String, ?>> batch = java.util.Objects.requireNonNull(records, "records");
    synchronized (lock) {
      if (!closed && !hasRoomFor(batch.size())) {
        return Optional.empty();
      }
      admit(batch.size());
    }
    return Optional.of(submit(batch));
  }

  @Override
  public CompletableFuture<Void> ready() {
    synchronized (lock) {
      if (closed || pendingRows < maxPendingRows) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      waitingForRoom.add(f);
      return f;
    }
  }

  @Override
  public long pendingRows() {
    synchronized (lock) {
      return pendingRows;
    }
  }

  @Override
  public void flush() {
    boolean interrupted = false;
    synchronized (lock) {
      while (pendingBatches > 0) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          interrupted = true; // batches in flight must still be awaited: their callers rely on flush
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lock.notifyAll(); // producers blocked in append() see the appender closed
    }
    flush();
    writers.shutdown();
    try {
      writers.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    completeWaitingForRoom();
  }

  /** A batch fits when it keeps the pending rows within the bound, or when nothing else is pending. */
  private boolean hasRoomFor(int rows) {
    return pendingBatches == 0 || pendingRows + rows <= maxPendingRows;
  }

  private void admit(int rows) {
    if (closed) {
      throw new IllegalStateException("the async appender of " + table.name() + " is closed");
    }
    pendingRows += rows;
    pendingBatches++;
  }

  private CompletableFuture<Snapshot> submit(List<? extends Map<String, ?>> batch) {
    CompletableFuture<Snapshot> result = new CompletableFuture<>();
    writers.execute(() -> {
      try {
        Snapshot s = table.appendRecords(batch);
        release(batch.size());
        result.complete(s);
      } catch (Throwable t) {
        release(batch.size());
        result.completeExceptionally(t);
      }
    });
    return result;
  }

  private void release(int rows) {
    synchronized (lock) {
      pendingRows -= rows;
      pendingBatches--;
      lock.notifyAll();
    }
    completeWaitingForRoom();
  }

  private void completeWaitingForRoom() {
    List<CompletableFuture<Void>> ready;
    synchronized (lock) {
      if (!closed && pendingRows >= maxPendingRows) {
        return;
      }
      ready = new ArrayList<>(waitingForRoom);
      waitingForRoom.clear();
    }
    ready.forEach(f -> f.complete(null)); // outside the lock: callers' continuations may offer again
  }
}
