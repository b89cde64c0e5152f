package io.datashard.s3;

import io.datashard.StorageException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The retry loop of idempotent requests: transient failures (throttling, 5xx, broken connections, timeouts)
 * are retried with exponential backoff and equal jitter, up to {@link S3Config#maxAttempts()} attempts. The
 * SDK's own retries are off (see {@link S3Clients}): the commit primitive must never be retried blindly.
 */
final class S3Retry {
  private static final Logger LOG = LoggerFactory.getLogger(S3Retry.class);

  private final S3Config config;
  private final S3Errors errors;
  private final Runnable checkOpen;

  S3Retry(S3Config config, S3Errors errors, Runnable checkOpen) {
    this.config = config;
    this.errors = errors;
    this.checkOpen = checkOpen;
  }

  /** @throws StorageException when the backend is closed */
  void checkOpen() {
    checkOpen.run();
  }

  /** Runs an idempotent request, retrying transient failures; rethrows the last failure untranslated. */
  <T> T retrying(Supplier<T> request) {
    for (int attempt = 1; ; attempt++) {
      checkOpen.run();
      try {
        SdkException e;
        try {
          return request.get();
        } catch (java.io.UncheckedIOException io) {
          e = cutShort(io);
        }
        throw e;
      } catch (SdkException e) {
        if (attempt >= config.maxAttempts() || !(S3Errors.isRetryable(e) || S3Errors.notSent(e))) {
          throw e;
        }
        LOG.debug("S3 request attempt {} failed ({}), retrying", attempt, errors.describe(e));
        backoff(attempt);
      }
    }
  }

  /**
   * Runs an idempotent request with retries and turns the final failure into a {@link StorageException} that says
   * what to fix.
   *
   * @param op what is being done, for the message ("read", "list", ...)
   * @param location the object or prefix it is done to
   */
  <T> T call(String op, String location, Supplier<T> request) {
    try {
      return retrying(request);
    } catch (SdkException e) {
      throw errors.translate(op, location, e);
    }
  }

  /**
   * The SDK reports a response that broke off while it was being parsed as an {@link java.io.UncheckedIOException},
   * outside its own exception hierarchy; treat it as the I/O failure it is.
   */
  static SdkException cutShort(java.io.UncheckedIOException e) {
    return SdkClientException.builder().message("the response was cut short: " + e.getMessage()).cause(e.getCause())
        .build();
  }

  /** Sleeps before retry number {@code attempt}: exponential with equal jitter, capped. */
  void backoff(int attempt) {
    long base = config.baseRetryDelay().toMillis();
    long cap = config.maxRetryDelay().toMillis();
    long ceiling = Math.min(cap, base << Math.min(attempt - 1, 20));
    long sleep = ThreadLocalRandom.current().nextLong(ceiling / 2, Math.max(ceiling, 1) + 1); // "equal jitter"
    try {
      Thread.sleep(sleep);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting to retry an S3 request", e);
    }
  }
}
