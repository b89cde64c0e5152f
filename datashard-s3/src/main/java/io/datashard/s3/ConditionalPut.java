package io.datashard.s3;

import io.datashard.storage.CommitOutcomeUnknownException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The commit primitive on S3: {@code PutObject} with {@code If-None-Match: *}, and what it takes to trust it. Per
 * bucket, a probe finds out once whether the store honours the header ({@link S3Config.ConditionalWriteMode#AUTO});
 * a store that does not makes commits fail, unless the user opted into check-then-put for a single writer.
 *
 * <p>Unlike other requests, the conditional put is never retried blindly: a retry after an attempt whose outcome is
 * unknown (a timeout, a reset after the request was sent) that then finds the object present cannot tell whether
 * this writer created it, and says so with a {@link CommitOutcomeUnknownException}.
 */
final class ConditionalPut {
  private static final Logger LOG = LoggerFactory.getLogger(ConditionalPut.class);

  /** Key name (below the warehouse prefix) of the objects written by the conditional-write probe. */
  static final String PROBE_PREFIX = ".datashard-probe-";

  private final S3Config config;
  private final S3Client s3;
  private final SseHeaders sse;
  private final S3Errors errors;
  private final S3Retry retry;
  private final Predicate<String> exists;
  private final Map<String, Boolean> supportByBucket = new ConcurrentHashMap<>();
  private final AtomicBoolean unsafeWarningLogged = new AtomicBoolean();

  ConditionalPut(S3Config config, S3Client s3, SseHeaders sse, S3Errors errors, S3Retry retry,
      Predicate<String> exists) {
    this.config = config;
    this.s3 = s3;
    this.sse = sse;
    this.errors = errors;
    this.retry = retry;
    this.exists = exists;
  }

  /**
   * Creates the object only if nothing exists at {@code location}.
   *
   * @return true if this call created it, false if it already existed
   * @throws CommitOutcomeUnknownException when an attempt may have created it but no answer says so
   * @throws ConditionalWritesUnsupportedException when the store cannot do it and unsafe mode is off
   */
  boolean createExclusive(String location, byte[] content) {
    S3Location loc = S3Location.parse(location);
    String key = loc.objectKey(location);
    if (!usable(loc.bucket())) {
      return checkThenPut(location, loc.bucket(), key, content);
    }
    PutObjectRequest request = sse.putRequest(loc.bucket(), key).ifNoneMatch("*").build();
    SdkException ambiguous = null;
    for (int attempt = 1; ; attempt++) {
      SdkException failure = attempt(request, content);
      if (failure == null) {
        return true;
      }
      int status = S3Errors.status(failure);
      String code = S3Errors.errorCode(failure);
      if (status == 412 || "PreconditionFailed".equals(code)) {
        if (ambiguous != null) {
          throw new CommitOutcomeUnknownException("exclusive create of " + location + " found the file present after an"
              + " earlier attempt with an unknown outcome (" + errors.describe(ambiguous) + "); read it back to find out",
              ambiguous);
        }
        return false;
      }
      if (status == 501 || "NotImplemented".equals(code)) {
        supportByBucket.put(loc.bucket(), Boolean.FALSE);
        if (config.conditionalWrites() == S3Config.ConditionalWriteMode.UNSAFE_SINGLE_WRITER && ambiguous == null) {
          return checkThenPut(location, loc.bucket(), key, content);
        }
        throw unsupported("answered " + status + " " + code + " to PutObject with If-None-Match: *");
      }
      boolean notProcessed = status == 409 || "ConditionalRequestConflict".equals(code) || S3Errors.notSent(failure);
      if (!notProcessed && !S3Errors.isRetryable(failure)) {
        if (ambiguous != null) {
          throw new CommitOutcomeUnknownException("exclusive create of " + location + " failed after an earlier attempt"
              + " with an unknown outcome (" + errors.describe(ambiguous) + ")", failure);
        }
        throw errors.translate("create", location, failure);
      }
      if (!notProcessed) {
        ambiguous = failure; // the request may have been applied
      }
      if (attempt >= config.maxAttempts()) {
        throw new CommitOutcomeUnknownException("exclusive create of " + location + " did not complete after " + attempt
            + " attempts (" + errors.describe(failure) + ")"
            + (ambiguous == null ? "" : "; an attempt may have created it"), failure);
      }
      LOG.debug("exclusive create of {} attempt {} failed ({}), retrying", location, attempt, errors.describe(failure));
      retry.backoff(attempt);
    }
  }

  /** One conditional put; null when it succeeded, else the failure (a response cut short counts as one). */
  private SdkException attempt(PutObjectRequest request, byte[] content) {
    try {
      retry.checkOpen();
      s3.putObject(request, RequestBody.fromBytes(content));
      return null;
    } catch (SdkException e) {
      return e;
    } catch (java.io.UncheckedIOException e) {
      return S3Retry.cutShort(e); // the response broke off after the request was sent: ambiguous, like a reset
    }
  }

  /** Check-then-put: only used in unsafe single-writer mode against stores without conditional writes. */
  private boolean checkThenPut(String location, String bucket, String key, byte[] content) {
    if (unsafeWarningLogged.compareAndSet(false, true)) {
      LOG.warn("{} does not support conditional writes; committing with check-then-put because {}=unsafe-single-writer."
          + " Two processes committing to the same table at once can lose a commit.", errors.endpointDescription(),
          S3Config.ENV_CONDITIONAL_WRITES);
    }
    if (exists.test(location)) {
      return false;
    }
    PutObjectRequest request = sse.putRequest(bucket, key).build();
    retry.call("create", location, () -> s3.putObject(request, RequestBody.fromBytes(content)));
    return true;
  }

  /**
   * Whether commits may use {@code If-None-Match: *} on this bucket; probes once per bucket in AUTO and
   * UNSAFE_SINGLE_WRITER modes.
   *
   * @return true to use conditional puts, false to fall back to check-then-put (unsafe mode only)
   * @throws ConditionalWritesUnsupportedException when the store lacks the feature and unsafe mode is off
   */
  private boolean usable(String bucket) {
    if (config.conditionalWrites() == S3Config.ConditionalWriteMode.REQUIRED) {
      return true;
    }
    Boolean supported = supportByBucket.get(bucket);
    if (supported == null) {
      synchronized (supportByBucket) {
        supported = supportByBucket.get(bucket);
        if (supported == null) {
          supported = probe(bucket);
          supportByBucket.put(bucket, supported);
        }
      }
    }
    if (supported) {
      return true;
    }
    if (config.conditionalWrites() == S3Config.ConditionalWriteMode.UNSAFE_SINGLE_WRITER) {
      return false;
    }
    throw unsupported("does not honour If-None-Match: * on PutObject");
  }

  /** Writes a unique probe object twice with If-None-Match: *; a store that honours it refuses the second. */
  boolean probe(String bucket) {
    String base = bucket.equals(config.bucket()) && !config.prefix().isEmpty() ? config.prefix() + "/" : "";
    String key = base + PROBE_PREFIX + UUID.randomUUID();
    String location = "s3://" + bucket + "/" + key;
    PutObjectRequest request = sse.putRequest(bucket, key).ifNoneMatch("*").build();
    byte[] body = "datashard conditional-write probe".getBytes(StandardCharsets.UTF_8);
    try {
      for (int round = 1; round <= 2; round++) {
        try {
          retry.retrying(() -> s3.putObject(request, RequestBody.fromBytes(body)));
        } catch (SdkException e) {
          int status = S3Errors.status(e);
          String code = S3Errors.errorCode(e);
          if (status == 412 || status == 409 || "PreconditionFailed".equals(code)) {
            LOG.debug("{} honours If-None-Match (probe {})", errors.endpointDescription(), status);
            return true;
          }
          if (status == 501 || "NotImplemented".equals(code)) {
            LOG.debug("{} rejects If-None-Match: {} {}", errors.endpointDescription(), status, code);
            return false;
          }
          throw errors.translate("conditional-write probe", location, e);
        }
      }
      LOG.debug("{} ignores If-None-Match: a second conditional put of {} succeeded", errors.endpointDescription(),
          location);
      return false;
    } finally {
      try {
        retry.retrying(() -> s3.deleteObject(r -> r.bucket(bucket).key(key)));
      } catch (SdkException e) {
        LOG.debug("could not delete probe object {}: {}", location, errors.describe(e));
      }
    }
  }

  private ConditionalWritesUnsupportedException unsupported(String what) {
    return new ConditionalWritesUnsupportedException(errors.endpointDescription() + " " + what + ", so DataShard"
        + " cannot commit safely: conditional writes (PutObject with If-None-Match: *) are the commit primitive. Use a"
        + " store that supports them (AWS S3, MinIO, Cloudflare R2, recent Ceph RGW; see docs/s3.md), or, only if"
        + " exactly one process ever writes to these tables, set " + S3Config.ENV_CONDITIONAL_WRITES
        + "=unsafe-single-writer.");
  }
}
