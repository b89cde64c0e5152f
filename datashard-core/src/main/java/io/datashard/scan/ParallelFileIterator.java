package io.datashard.scan;

import io.datashard.CloseableIterator;
import io.datashard.DataShardException;
import io.datashard.Row;
import io.datashard.metadata.DataFile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads up to N data files at once and returns their rows in plan order, exactly as sequential reading would.
 *
 * <p>Each in-flight file is read by one task of a pool private to this iterator into its own small bounded
 * queue of row batches; the consumer drains the oldest file's queue, and a new file starts only when one
 * finishes. So at most N files are open and at most N x ({@value #QUEUE_BATCHES} + 1) x {@value #BATCH_ROWS}
 * rows are buffered, however large the files. The pool never has more tasks than threads, so the file the
 * consumer waits on is always being read. Closing cancels the tasks and closes their files.
 */
final class ParallelFileIterator implements CloseableIterator<Row> {
  static final int BATCH_ROWS = 1024;
  static final int QUEUE_BATCHES = 4;
  private static final Object END = new Object();
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final Iterator<DataFile> pending;
  private final FileReads reads;
  private final ExecutorService pool;
  private final Deque<BlockingQueue<Object>> window = new ArrayDeque<>();
  private final int threads;
  private volatile boolean closed;
  private List<Row> batch = List.of();
  private int index;

  ParallelFileIterator(List<DataFile> files, FileReads reads, int threads) {
    this.pending = files.iterator();
    this.reads = reads;
    this.threads = Math.min(threads, files.size());
    int poolId = POOLS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "datashard-scan-" + poolId + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.pool = Executors.newFixedThreadPool(this.threads, factory);
    while (window.size() < this.threads && pending.hasNext()) {
      submit(pending.next());
    }
  }

  private void submit(DataFile file) {
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
    window.addLast(queue);
    pool.execute(() -> readInto(file, queue));
  }

  private void readInto(DataFile file, BlockingQueue<Object> queue) {
    try (CloseableIterator<Row> rows = reads.open(file)) {
      List<Row> b = new ArrayList<>(BATCH_ROWS);
      while (!closed && rows.hasNext()) {
        b.add(rows.next());
        if (b.size() == BATCH_ROWS) {
          queue.put(b);
          b = new ArrayList<>(BATCH_ROWS);
        }
      }
      if (!b.isEmpty() && !closed) {
        queue.put(b);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closed: nobody is waiting
      return;
    } catch (RuntimeException | Error e) {
      if (!closed) {
        queue.clear(); // the consumer fails on this file anyway; make room for the failure
        queue.offer(e);
      }
      return;
    }
    // only after the file is closed (its counts published), so a finished scan has a complete report
    try {
      queue.put(END);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    while (index >= batch.size()) {
      BlockingQueue<Object> head = window.peekFirst();
      if (head == null) {
        return false;
      }
      Object item;
      try {
        item = head.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new DataShardException("interrupted while waiting for rows", e);
      }
      if (item == END) {
        window.removeFirst();
        if (pending.hasNext()) {
          submit(pending.next());
        }
      } else if (item instanceof RuntimeException) {
        close();
        throw (RuntimeException) item;
      } else if (item instanceof Error) {
        close();
        throw (Error) item;
      } else {
        @SuppressWarnings("unchecked")
        List<Row> b = (List<Row>) item;
        batch = b;
        index = 0;
      }
    }
    return true;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return batch.get(index++);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (BlockingQueue<Object> q : window) {
      q.clear(); // unblock producers waiting to put
    }
    pool.shutdownNow();
    window.clear();
    batch = List.of();
  }
}
