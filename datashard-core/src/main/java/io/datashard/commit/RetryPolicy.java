package io.datashard.commit;

import io.datashard.TableProperties;
import io.datashard.metadata.TableMetadata;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, bounded by a number of retries and a total time, read from table
 * properties ({@link TableProperties#COMMIT_NUM_RETRIES} and friends). Full jitter spreads competing writers
 * apart so that, under contention, roughly one of them wins each round instead of all colliding again.
 *
 * @param numRetries retries after the first attempt
 * @param minWaitMillis upper bound of the first wait
 * @param maxWaitMillis cap of any wait
 * @param totalTimeoutMillis time budget of all attempts together
 */
public record RetryPolicy(int numRetries, long minWaitMillis, long maxWaitMillis, long totalTimeoutMillis) {

  /** @return the policy configured by the table's properties */
  public static RetryPolicy of(TableMetadata metadata) {
    return new RetryPolicy(
        Math.max(0, metadata.intProperty(TableProperties.COMMIT_NUM_RETRIES,
            TableProperties.COMMIT_NUM_RETRIES_DEFAULT)),
        Math.max(1, metadata.longProperty(TableProperties.COMMIT_MIN_RETRY_WAIT_MS,
            TableProperties.COMMIT_MIN_RETRY_WAIT_MS_DEFAULT)),
        Math.max(1, metadata.longProperty(TableProperties.COMMIT_MAX_RETRY_WAIT_MS,
            TableProperties.COMMIT_MAX_RETRY_WAIT_MS_DEFAULT)),
        Math.max(0, metadata.longProperty(TableProperties.COMMIT_TOTAL_RETRY_TIME_MS,
            TableProperties.COMMIT_TOTAL_RETRY_TIME_MS_DEFAULT)));
  }

  /**
   * @param retry 1 for the first retry, 2 for the second...
   * @return milliseconds to wait: uniformly random in [0, min(max, min * 2^(retry-1))]
   */
  public long backoffMillis(int retry) {
    long ceiling = backoffCeilingMillis(retry);
    return ceiling == Long.MAX_VALUE ? ThreadLocalRandom.current().nextLong(Long.MAX_VALUE)
        : ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  /**
   * @param retry 1 for the first retry, 2 for the second... (values below 1 count as 1)
   * @return the largest wait {@link #backoffMillis} may return: {@code min(max, min * 2^(retry-1))}, without
   *     overflowing for large settings
   */
  public long backoffCeilingMillis(int retry) {
    int shift = retry <= 1 ? 0 : Math.min(62, retry - 1);
    long min = Math.max(0, minWaitMillis);
    long max = Math.max(0, maxWaitMillis);
    long doubled = min > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : min << shift;
    return Math.min(max, doubled);
  }

  /** Sleeps for the backoff of a retry; restores the interrupt flag if interrupted. */
  public void sleepBeforeRetry(int retry) {
    try {
      Thread.sleep(backoffMillis(retry));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.datashard.DataShardException("interrupted while waiting to retry a commit", e);
    }
  }
}
