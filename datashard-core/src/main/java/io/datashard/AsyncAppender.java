package io.datashard;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Appends without waiting for each commit: every batch handed over is validated, written and committed on the
 * appender's own writer threads, and the caller gets a future that completes with the snapshot holding its rows
 * (or with the reason they were not committed). Batches that are written while another commit of the table is in
 * flight are committed together (group commit, docs/concurrency.md), so a producer that keeps several batches in
 * flight needs far fewer commits than batches.
 *
 * <p><b>Bounded in memory.</b> The appender holds at most {@code maxPendingRows} rows that are handed over but not
 * yet committed (a single batch larger than the bound is admitted alone). {@link #append} blocks the caller while
 * the bound is reached (back-pressure, as a bounded buffer does); {@link #offer} never blocks and returns empty
 * instead, and {@link #ready()} tells a non-blocking producer when to offer again.
 *
 * <p>Each batch is all-or-nothing and independent: a batch with a bad record fails its own future with a
 * {@link RecordValidationException} and commits nothing; other batches are not affected. {@link #close()} waits
 * for every batch handed over to finish (committed or failed); batches handed over after close are refused.
 *
 * <pre>{@code
 * try (AsyncAppender appender = table.newAsyncAppender()) {
 *   for (List<Map<String, Object>> batch : source) {
 *     appender.append(batch).whenComplete((snapshot, error) -> acknowledge(batch, snapshot, error));
 *   }
 * } // waits for the last commits
 * }</pre>
 */
public interface AsyncAppender extends AutoCloseable {

  /**
   * Hands a batch over, waiting while the appender holds {@code maxPendingRows} uncommitted rows.
   *
   * @param records maps from column name to value (or {@link Row}s); the list must not change afterwards
   * @return completes with the snapshot that holds the batch, or exceptionally with the reason it was not committed
   *     (a {@link RecordValidationException}, a {@link CommitConflictException}, a storage failure)
   * @throws IllegalStateException when the appender is closed
   */
  CompletableFuture<Snapshot> append(List<? extends Map<String, ?>> records);

  /**
   * Hands a batch over only if there is room for it now; never blocks.
   *
   * @param records as for {@link #append}
   * @return the batch's future, or empty when the appender is at its bound (see {@link #ready()})
   * @throws IllegalStateException when the appender is closed
   */
  Optional<CompletableFuture<Snapshot>> offer(List<? extends Map<String, ?>> records);

  /** @return completes as soon as the appender holds fewer rows than its bound (at once if it does now) */
  CompletableFuture<Void> ready();

  /** @return rows handed over and not yet committed or failed */
  long pendingRows();

  /** Waits until every batch handed over so far has been committed or has failed. */
  void flush();

  /** Waits for every batch handed over ({@link #flush()}), then stops the writer threads. */
  @Override
  void close();
}
