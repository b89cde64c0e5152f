package io.datashard.s3;

import io.datashard.StorageException;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.FileInfo;
import io.datashard.storage.FileNotFoundInStorageException;
import io.datashard.storage.InputFile;
import io.datashard.storage.OutputFile;
import io.datashard.storage.RangeCache;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link StorageBackend} for AWS S3 and S3-compatible stores.
 *
 * <p>Metadata objects (small files, listings, the commit primitive) go through the AWS SDK v2 synchronous
 * client; the commit primitive {@link #createExclusive} is {@code PutObject} with {@code If-None-Match: *}.
 * Parquet data files are streamed through Hadoop S3A ({@link #newInputFile}, {@link #newOutputFile}),
 * one S3A file system per bucket and backend, created on first use. With the classic read stream (the default)
 * the ranges of data files that scans read are kept in a {@link RangeCache} bounded by
 * {@link S3Config#readMemoryLimitBytes()} ({@link #readCache()}), so repeated scans read them from memory.
 *
 * <p>Transient failures (throttling, 5xx, connection resets, timeouts) of idempotent operations are retried
 * with exponential backoff and full jitter; permanent ones fail at once with a {@link StorageException}
 * whose message says what to fix. No message contains a secret.
 *
 * <p>Thread-safe. Close it to release connections.
 */
public final class S3StorageBackend implements StorageBackend, io.datashard.storage.PresigningBackend {
  private static final Logger LOG = LoggerFactory.getLogger(S3StorageBackend.class);

  /** Key name (below the warehouse prefix) of the objects written by the conditional-write probe. */
  static final String PROBE_PREFIX = ".datashard-probe-";

  private final S3Config config;
  private final S3Client s3;
  private final SseHeaders sse;
  private final S3Errors errors;
  private final S3Retry retry;
  private final Map<String, Boolean> conditionalWriteSupport = new ConcurrentHashMap<>();
  private final Map<String, FileSystem> fileSystems = new ConcurrentHashMap<>();
  private final Map<String, Boolean> verifiedBuckets = new ConcurrentHashMap<>();
  private final AtomicBoolean unsafeWarningLogged = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Built on the first presign: most backends never presign. */
  private final java.util.concurrent.atomic.AtomicReference<software.amazon.awssdk.services.s3.presigner.S3Presigner>
      presigner = new java.util.concurrent.atomic.AtomicReference<>();
  /** Ranges of data files read, with the classic stream; null when off or when the analytics stream caches. */
  private final RangeCache readCache;

  /**
   * Creates a backend with its own HTTP connection pool.
   *
   * @param config the settings
   */
  public S3StorageBackend(S3Config config) {
    this.config = config;
    this.sse = new SseHeaders(config);
    this.errors = new S3Errors(config);
    this.retry = new S3Retry(config, errors, this::checkOpen);
    this.s3 = S3Clients.build(config);
    this.readCache = config.readStream() == S3Config.ReadStream.CLASSIC && config.readMemoryLimitBytes() > 0
        ? new RangeCache(config.readMemoryLimitBytes()) : null;
    LOG.info("S3 storage backend at {} ({})", config.root(), config);
  }

  /**
   * Creates a backend from {@code DATASHARD_S3_*} variables.
   *
   * @param env the variables, typically {@code System.getenv()}
   * @return the backend
   */
  public static S3StorageBackend fromEnvironment(Map<String, String> env) {
    return new S3StorageBackend(S3Config.fromEnvironment(env));
  }

  /** @return the settings */
  public S3Config config() {
    return config;
  }

  @Override
  public String root() {
    return config.root();
  }

  @Override
  public byte[] readAll(String location) {
    S3Location loc = S3Location.parse(location);
    GetObjectRequest request = sse.getRequest(loc.bucket(), loc.objectKey(location)).build();
    return call("read", location, () -> s3.getObjectAsBytes(request).asByteArray());
  }

  @Override
  public void writeAll(String location, byte[] content) {
    S3Location loc = S3Location.parse(location);
    PutObjectRequest request = putRequest(loc.bucket(), loc.objectKey(location)).build();
    call("write", location, () -> s3.putObject(request, RequestBody.fromBytes(content)));
  }

  @Override
  public boolean exists(String location) {
    return head(location) != null;
  }

  /**
   * @param location an object location
   * @return its size in bytes
   * @throws FileNotFoundInStorageException when it does not exist
   */
  public long length(String location) {
    return headExisting(location).contentLength();
  }

  /** One HEAD of an object that must exist: its length and entity tag. */
  HeadObjectResponse headExisting(String location) {
    HeadObjectResponse head = head(location);
    if (head == null) {
      throw new FileNotFoundInStorageException(location);
    }
    return head;
  }

  private HeadObjectResponse head(String location) {
    S3Location loc = S3Location.parse(location);
    HeadObjectRequest request = sse.headRequest(loc.bucket(), loc.objectKey(location)).build();
    try {
      return retrying(() -> s3.headObject(request));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        checkBucketExists(loc.bucket(), location);
        return null;
      }
      throw translate("check", location, e);
    } catch (SdkException e) {
      throw translate("check", location, e);
    }
  }

  /**
   * A HEAD answer of 404 has no body, so "no such key" and "no such bucket" look the same. The first time a
   * bucket answers 404, ask about the bucket itself (one request per bucket and backend), so that a missing
   * bucket fails loudly instead of looking like an empty warehouse.
   */
  private void checkBucketExists(String bucket, String location) {
    if (verifiedBuckets.containsKey(bucket)) {
      return;
    }
    try {
      retrying(() -> s3.headBucket(r -> r.bucket(bucket)));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw translate("check", location, S3Exception.builder().statusCode(404)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchBucket").build()).build());
      }
      throw translate("check", location, e);
    } catch (SdkException e) {
      throw translate("check", location, e);
    }
    verifiedBuckets.put(bucket, Boolean.TRUE);
  }

  @Override
  public void delete(String location) {
    S3Location loc = S3Location.parse(location);
    String key = loc.objectKey(location);
    call("delete", location, () -> s3.deleteObject(r -> r.bucket(loc.bucket()).key(key)));
  }

  @Override
  public List<FileInfo> list(String prefix) {
    S3Location loc = S3Location.parse(prefix);
    List<FileInfo> files = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Request request = ListObjectsV2Request.builder()
          .bucket(loc.bucket()).prefix(loc.directoryPrefix()).maxKeys(config.listPageSize())
          .continuationToken(token).build();
      ListObjectsV2Response page = call("list", prefix, () -> s3.listObjectsV2(request));
      for (S3Object o : page.contents()) {
        if (o.key().endsWith("/")) {
          continue; // a directory marker, not a file
        }
        files.add(new FileInfo(loc.s3Uri(o.key()), o.size(), o.lastModified() == null ? 0L : o.lastModified().toEpochMilli()));
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return files;
  }

  @Override
  public List<String> listDirectories(String prefix) {
    S3Location loc = S3Location.parse(prefix);
    List<String> dirs = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Request request = ListObjectsV2Request.builder()
          .bucket(loc.bucket()).prefix(loc.directoryPrefix()).delimiter("/").maxKeys(config.listPageSize())
          .continuationToken(token).build();
      ListObjectsV2Response page = call("list", prefix, () -> s3.listObjectsV2(request));
      for (CommonPrefix p : page.commonPrefixes()) {
        String k = p.prefix();
        dirs.add(loc.s3Uri(k.endsWith("/") ? k.substring(0, k.length() - 1) : k));
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return dirs;
  }

  // ---------------------------------------------------------------------------------------------------------
  // The commit primitive

  @Override
  public boolean createExclusive(String location, byte[] content) {
    S3Location loc = S3Location.parse(location);
    String key = loc.objectKey(location);
    if (!conditionalWritesUsable(loc.bucket())) {
      return createCheckThenPut(location, loc.bucket(), key, content);
    }
    PutObjectRequest request = putRequest(loc.bucket(), key).ifNoneMatch("*").build();
    SdkException ambiguous = null;
    for (int attempt = 1; ; attempt++) {
      checkOpen();
      SdkException failure;
      try {
        s3.putObject(request, RequestBody.fromBytes(content));
        return true;
      } catch (SdkException e) {
        failure = e;
      } catch (java.io.UncheckedIOException e) {
        failure = cutShort(e); // the response broke off after the request was sent: ambiguous, like a reset
      }
      int status = status(failure);
      String code = errorCode(failure);
      if (status == 412 || "PreconditionFailed".equals(code)) {
        if (ambiguous != null) {
          throw new CommitOutcomeUnknownException("exclusive create of " + location + " found the file present after an"
              + " earlier attempt with an unknown outcome (" + describe(ambiguous) + "); read it back to find out", ambiguous);
        }
        return false;
      }
      if (status == 501 || "NotImplemented".equals(code)) {
        conditionalWriteSupport.put(loc.bucket(), Boolean.FALSE);
        if (config.conditionalWrites() == S3Config.ConditionalWriteMode.UNSAFE_SINGLE_WRITER && ambiguous == null) {
          return createCheckThenPut(location, loc.bucket(), key, content);
        }
        throw unsupported("answered " + status + " " + code + " to PutObject with If-None-Match: *");
      }
      boolean notProcessed = status == 409 || "ConditionalRequestConflict".equals(code) || notSent(failure);
      if (!notProcessed && !isRetryable(failure)) {
        if (ambiguous != null) {
          throw new CommitOutcomeUnknownException("exclusive create of " + location + " failed after an earlier attempt"
              + " with an unknown outcome (" + describe(ambiguous) + ")", failure);
        }
        throw translate("create", location, failure);
      }
      if (!notProcessed) {
        ambiguous = failure; // the request may have been applied
      }
      if (attempt >= config.maxAttempts()) {
        throw new CommitOutcomeUnknownException("exclusive create of " + location + " did not complete after " + attempt
            + " attempts (" + describe(failure) + ")" + (ambiguous == null ? "" : "; an attempt may have created it"), failure);
      }
      LOG.debug("exclusive create of {} attempt {} failed ({}), retrying", location, attempt, describe(failure));
      backoff(attempt);
    }
  }

  /** Check-then-put: only used in unsafe single-writer mode against stores without conditional writes. */
  private boolean createCheckThenPut(String location, String bucket, String key, byte[] content) {
    if (unsafeWarningLogged.compareAndSet(false, true)) {
      LOG.warn("{} does not support conditional writes; committing with check-then-put because {}=unsafe-single-writer."
          + " Two processes committing to the same table at once can lose a commit.", endpointDescription(),
          S3Config.ENV_CONDITIONAL_WRITES);
    }
    if (exists(location)) {
      return false;
    }
    PutObjectRequest request = putRequest(bucket, key).build();
    call("create", location, () -> s3.putObject(request, RequestBody.fromBytes(content)));
    return true;
  }

  /**
   * Whether commits may use {@code If-None-Match: *} on this bucket; probes once per bucket in AUTO and
   * UNSAFE_SINGLE_WRITER modes.
   *
   * @return true to use conditional puts, false to fall back to check-then-put (unsafe mode only)
   * @throws ConditionalWritesUnsupportedException when the store lacks the feature and unsafe mode is off
   */
  private boolean conditionalWritesUsable(String bucket) {
    if (config.conditionalWrites() == S3Config.ConditionalWriteMode.REQUIRED) {
      return true;
    }
    Boolean supported = conditionalWriteSupport.get(bucket);
    if (supported == null) {
      synchronized (conditionalWriteSupport) {
        supported = conditionalWriteSupport.get(bucket);
        if (supported == null) {
          supported = probeConditionalWrites(bucket);
          conditionalWriteSupport.put(bucket, supported);
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
  boolean probeConditionalWrites(String bucket) {
    String base = bucket.equals(config.bucket()) && !config.prefix().isEmpty() ? config.prefix() + "/" : "";
    String key = base + PROBE_PREFIX + UUID.randomUUID();
    String location = "s3://" + bucket + "/" + key;
    PutObjectRequest request = putRequest(bucket, key).ifNoneMatch("*").build();
    byte[] body = "datashard conditional-write probe".getBytes(StandardCharsets.UTF_8);
    try {
      for (int round = 1; round <= 2; round++) {
        try {
          retrying(() -> s3.putObject(request, RequestBody.fromBytes(body)));
        } catch (SdkException e) {
          int status = status(e);
          String code = errorCode(e);
          if (status == 412 || status == 409 || "PreconditionFailed".equals(code)) {
            LOG.debug("{} honours If-None-Match (probe {})", endpointDescription(), status);
            return true;
          }
          if (status == 501 || "NotImplemented".equals(code)) {
            LOG.debug("{} rejects If-None-Match: {} {}", endpointDescription(), status, code);
            return false;
          }
          throw translate("conditional-write probe", location, e);
        }
      }
      LOG.debug("{} ignores If-None-Match: a second conditional put of {} succeeded", endpointDescription(), location);
      return false;
    } finally {
      try {
        retrying(() -> s3.deleteObject(r -> r.bucket(bucket).key(key)));
      } catch (SdkException e) {
        LOG.debug("could not delete probe object {}: {}", location, describe(e));
      }
    }
  }

  private ConditionalWritesUnsupportedException unsupported(String what) {
    return new ConditionalWritesUnsupportedException(endpointDescription() + " " + what + ", so DataShard cannot"
        + " commit safely: conditional writes (PutObject with If-None-Match: *) are the commit primitive. Use a store"
        + " that supports them (AWS S3, MinIO, Cloudflare R2, recent Ceph RGW; see docs/s3.md), or, only if exactly"
        + " one process ever writes to these tables, set " + S3Config.ENV_CONDITIONAL_WRITES + "=unsafe-single-writer.");
  }

  // ---------------------------------------------------------------------------------------------------------
  // Data files through S3A

  @Override
  public InputFile newInputFile(String location) {
    return cached(new S3AInputFile(this, location, -1L));
  }

  /**
   * @return the cache of data-file ranges read through this backend (classic read stream with a non-zero
   *     {@link S3Config#readMemoryLimitBytes()}), or empty
   */
  public Optional<RangeCache> readCache() {
    return Optional.ofNullable(readCache);
  }

  /** Data files (immutable, uniquely named) read through the range cache; everything else directly. */
  private InputFile cached(S3AInputFile file) {
    return readCache != null && file.location().endsWith(".parquet") ? readCache.wrap(file) : file;
  }

  /**
   * A handle for reading a file whose length is already known (from a manifest). The classic read stream then
   * makes no HEAD request; the analytics stream makes one on the first read of each object (it needs the
   * entity tag) and remembers it.
   *
   * @param location the file
   * @param length its length in bytes
   * @return the handle
   */
  @Override
  public InputFile newInputFile(String location, long length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length + " for " + location);
    }
    return cached(new S3AInputFile(this, location, length));
  }

  @Override
  public OutputFile newOutputFile(String location) {
    S3Location.parse(location).objectKey(location);
    return new S3AOutputFile(this, location);
  }

  /** @return the S3A file system of a bucket, created on first use */
  FileSystem fileSystem(String bucket) {
    checkOpen();
    return fileSystems.computeIfAbsent(bucket, b -> {
      try {
        return FileSystem.newInstance(URI.create("s3a://" + b + "/"), S3AConfigurations.hadoopConfiguration(config));
      } catch (IOException | RuntimeException e) {
        throw new StorageException("cannot start the S3A file system for bucket " + b + " at " + endpointDescription()
            + ": " + Redaction.redact(String.valueOf(e.getMessage()), config), e);
      }
    });
  }

  // ---------------------------------------------------------------------------------------------------------
  // Requests, retries and errors

  private PutObjectRequest.Builder putRequest(String bucket, String key) {
    return sse.putRequest(bucket, key);
  }

  private <T> T retrying(Supplier<T> request) {
    return retry.retrying(request);
  }

  private static SdkException cutShort(java.io.UncheckedIOException e) {
    return S3Retry.cutShort(e);
  }

  private void backoff(int attempt) {
    retry.backoff(attempt);
  }

  private static int status(SdkException e) {
    return S3Errors.status(e);
  }

  private static String errorCode(SdkException e) {
    return S3Errors.errorCode(e);
  }

  private static boolean isRetryable(SdkException e) {
    return S3Errors.isRetryable(e);
  }

  private static boolean notSent(SdkException e) {
    return S3Errors.notSent(e);
  }

  private String describe(SdkException e) {
    return errors.describe(e);
  }

  String endpointDescription() {
    return errors.endpointDescription();
  }

  /** Turns an SDK failure into a StorageException that tells the user what to fix. */
  StorageException translate(String op, String location, SdkException e) {
    return errors.translate(op, location, e);
  }

  /** Runs an idempotent request with retries; translates the final failure. */
  private <T> T call(String op, String location, Supplier<T> request) {
    try {
      return retrying(request);
    } catch (SdkException e) {
      throw translate(op, location, e);
    }
  }

  /**
   * A presigned {@code GET} of one object, signed locally with the backend's credentials (no request is sent). With
   * session credentials the URL stops working when the session does, whatever the TTL.
   *
   * @throws io.datashard.DataShardException with SSE-C (every read needs the customer key, which a URL cannot carry)
   *     or a TTL outside (0, 7 days]
   */
  @Override
  public URI presignGet(String location, java.time.Duration ttl) {
    checkOpen();
    return S3Presigners.presignGet(config, presigner, location, ttl);
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new StorageException("the S3 storage backend for " + config.root() + " is closed");
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (FileSystem fs : fileSystems.values()) {
      try {
        fs.close();
      } catch (IOException | RuntimeException e) {
        LOG.debug("closing the S3A file system failed: {}", Redaction.redact(String.valueOf(e.getMessage()), config));
      }
    }
    fileSystems.clear();
    S3Presigners.close(presigner);
    if (readCache != null) {
      readCache.clear();
    }
    s3.close();
  }

  @Override
  public String toString() {
    return "S3StorageBackend{" + config + "}";
  }
}
