package io.datashard.update;

import io.datashard.CommitConflictException;
import io.datashard.commit.RetryPolicy;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.TableMetadata;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.FileNotFoundInStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optimistic retry loop every operation commits through (docs/concurrency.md, "Retries and backoff"): build the
 * change on a base, hand it to the table's {@link TableOperations} (the exclusive create of the next version on a
 * file system, an update-table request on a REST catalog), and on a lost race refresh, rebuild on the new base and
 * try again with exponential backoff and full jitter, bounded by the table's retry properties. An unknown outcome
 * is resolved by refreshing and asking the attempt whether its change landed.
 */
public final class CommitLoop {
  private static final Logger LOG = LoggerFactory.getLogger(CommitLoop.class);

  /** Builds one attempt of a change. */
  public interface Attempt {
    /**
     * @param base the version to build on
     * @param attempt 1 for the first attempt
     * @return the metadata to publish as {@code base.version() + 1}, or {@code base} itself when there is
     *     nothing to change
     * @throws io.datashard.DataShardException when the change is no longer valid on this base (not retried)
     */
    TableMetadata build(TableMetadata base, int attempt);

    /** Called when the attempt lost the race, before the next one; release what it wrote. */
    default void lost(int attempt) {
    }

    /**
     * @return every file the attempt's metadata references that this operation wrote (data files, manifests,
     *     manifest lists); they are made durable together right before the commit
     */
    default java.util.Collection<String> written() {
      return java.util.List.of();
    }

    /**
     * After an attempt whose outcome the store could not report, tells whether it (or an earlier one) landed.
     *
     * @param latest the refreshed table
     * @return whether {@code latest} already contains this change (for snapshot-producing operations: its
     *     snapshot id); the default, false, retries the change
     */
    default boolean landed(TableMetadata latest) {
      return false;
    }
  }

  private CommitLoop() {
  }

  /**
   * @param ops the table
   * @param base the version to start from
   * @param what a short description for messages ("append", "schema update")
   * @param attempt builds each attempt
   * @return the committed metadata (or the base, when the change was a no-op)
   * @throws CommitConflictException when the retries ran out
   * @throws CommitOutcomeUnknownException when retries ran out after an attempt whose outcome stayed unknown;
   *     callers must then keep (not delete) what they wrote
   */
  public static Result run(TableOperations ops, TableMetadata base, String what, Attempt attempt) {
    RetryPolicy policy = RetryPolicy.of(base);
    long started = System.nanoTime();
    java.util.Set<String> durable = new java.util.HashSet<>();
    CommitOutcomeUnknownException unresolved = null;
    for (int n = 1; ; n++) {
      TableMetadata updated;
      try {
        updated = attempt.build(base, n);
      } catch (FileNotFoundInStorageException e) {
        // The base is stale and maintenance (snapshot expiry, compaction, a drop) already removed files it
        // references. Build on the latest version instead; if the base was the latest, the table is damaged.
        TableMetadata latest = ops.refresh();
        if (latest.version() == base.version()) {
          throw e;
        }
        LOG.debug("table {}: {} built on stale v{} whose files are gone ({}); rebuilding on v{}", ops.tableName(),
            what, base.version(), e.getMessage(), latest.version());
        if (n > policy.numRetries()) {
          throw e;
        }
        base = latest; // counts as an attempt, so a table whose files keep vanishing cannot loop forever
        continue;
      }
      if (updated == base) {
        return new Result(base, n);
      }
      java.util.List<String> toSync = new java.util.ArrayList<>();
      for (String f : attempt.written()) {
        if (durable.add(f)) {
          toSync.add(f);
        }
      }
      ops.storage().sync(toSync);
      TableMetadata committed;
      try {
        committed = ops.commit(base, updated);
      } catch (CommitOutcomeUnknownException e) {
        unresolved = e;
        committed = null;
      }
      if (committed != null) {
        if (n > 1) {
          LOG.debug("table {}: {} committed as v{} after {} attempts", ops.tableName(), what, committed.version(), n);
        }
        return new Result(committed, n);
      }
      if (unresolved != null) {
        // The version file may exist (or still appear): check whether our change is in the latest version, and
        // never delete what an attempt wrote, since a late landing would reference it.
        TableMetadata latest;
        try {
          latest = ops.refresh();
        } catch (RuntimeException e) {
          throw new CommitOutcomeUnknownException("table " + ops.tableName() + ": cannot tell whether the " + what
              + " was committed: the store failed while checking (" + e.getMessage() + ")", e);
        }
        if (attempt.landed(latest)) {
          LOG.info("table {}: {} with an unknown outcome was found committed", ops.tableName(), what);
          return new Result(latest, n);
        }
      } else {
        attempt.lost(n);
      }
      long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
      if (n > policy.numRetries() || elapsedMillis > policy.totalTimeoutMillis()) {
        if (unresolved != null) {
          throw new CommitOutcomeUnknownException("table " + ops.tableName() + ": " + what + " not committed after "
              + n + " attempts, and the store did not say whether an earlier attempt took effect; its files are "
              + "kept (orphan-file removal reclaims them if it did not)", unresolved);
        }
        throw new CommitConflictException("table " + ops.tableName() + ": " + what + " not committed after " + n
            + " attempts in " + elapsedMillis + " ms; other writers kept committing first (raise "
            + "commit.retry.num-retries / commit.retry.total-timeout-ms, or batch changes)", n);
      }
      policy.sleepBeforeRetry(n);
      base = ops.refresh();
    }
  }

  /**
   * @param metadata the committed metadata
   * @param attempts how many attempts it took
   */
  public record Result(TableMetadata metadata, int attempts) {
  }
}
