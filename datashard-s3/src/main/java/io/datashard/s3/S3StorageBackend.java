package io.datashard.s3;

import io.datashard.DataShardException;
import io.datashard.StorageException;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.FileInfo;
import io.datashard.storage.FileNotFoundInStorageException;
import io.datashard.storage.InputFile;
import io.datashard.storage.OutputFile;
import io.datashard.storage.RangeCache;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

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
public final class S3StorageBackend implements StorageBackend {
  private static final Logger LOG = LoggerFactory.getLogger(S3StorageBackend.class);

  /** Key name (below the warehouse prefix) of the objects written by the conditional-write probe. */
  static final String PROBE_PREFIX = ".datashard-probe-";

  private final S3Config config;
  private final S3Client s3;
  private final String sseCustomerKeyMd5;
  private final Map<String, Boolean> conditionalWriteSupport = new ConcurrentHashMap<>();
  private final Map<String, FileSystem> fileSystems = new ConcurrentHashMap<>();
  private final Map<String, Boolean> verifiedBuckets = new ConcurrentHashMap<>();
  private final AtomicBoolean unsafeWarningLogged = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Ranges of data files read, with the classic stream; null when off or when the analytics stream caches. */
  private final RangeCache readCache;

  /**
   * Creates a backend with its own HTTP connection pool.
   *
   * @param config the settings
   */
  public S3StorageBackend(S3Config config) {
    this.config = config;
    this.sseCustomerKeyMd5 = config.sseCustomerKey() == null ? null : md5Base64(config.sseCustomerKey());
    this.s3 = buildClient(config);
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

  private static S3Client buildClient(S3Config config) {
    boolean required = config.checksumMode() == S3Config.ChecksumMode.WHEN_REQUIRED;
    S3ClientBuilder b = S3Client.builder()
        .httpClientBuilder(ApacheHttpClient.builder()
            .maxConnections(config.maxConnections())
            .connectionTimeout(config.connectionTimeout())
            .socketTimeout(config.socketTimeout())
            // Metadata objects are small: waiting for "100 Continue" costs a round trip and buys nothing.
            .expectContinueEnabled(false))
        .region(Region.of(config.region()))
        .credentialsProvider(credentials(config))
        .forcePathStyle(config.pathStyle())
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(!required).build())
        .requestChecksumCalculation(required
            ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
        .responseChecksumValidation(required
            ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED)
        // Retries are ours: the commit primitive must never be retried blindly (a retried conditional put
        // after a lost response answers 412 for our own object).
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (config.endpoint() != null) {
      b.endpointOverride(config.endpoint());
    }
    return b.build();
  }

  private static AwsCredentialsProvider credentials(S3Config config) {
    if (!config.hasStaticCredentials()) {
      return DefaultCredentialsProvider.builder().build();
    }
    if (config.sessionToken() != null) {
      return StaticCredentialsProvider.create(
          AwsSessionCredentials.create(config.accessKey(), config.secretKey(), config.sessionToken()));
    }
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
  }

  @Override
  public String root() {
    return config.root();
  }

  @Override
  public byte[] readAll(String location) {
    S3Location loc = S3Location.parse(location);
    GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(loc.bucket()).key(loc.objectKey(location));
    if (config.sseMode() == S3Config.SseMode.SSE_C) {
      req.sseCustomerAlgorithm("AES256").sseCustomerKey(config.sseCustomerKey()).sseCustomerKeyMD5(sseCustomerKeyMd5);
    }
    GetObjectRequest request = req.build();
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
    HeadObjectRequest.Builder req = HeadObjectRequest.builder().bucket(loc.bucket()).key(loc.objectKey(location));
    if (config.sseMode() == S3Config.SseMode.SSE_C) {
      req.sseCustomerAlgorithm("AES256").sseCustomerKey(config.sseCustomerKey()).sseCustomerKeyMD5(sseCustomerKeyMd5);
    }
    HeadObjectRequest request = req.build();
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
    PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(bucket).key(key);
    switch (config.sseMode()) {
      case SSE_S3:
        b.serverSideEncryption(ServerSideEncryption.AES256);
        break;
      case SSE_KMS:
        b.serverSideEncryption(ServerSideEncryption.AWS_KMS);
        if (config.sseKmsKeyId() != null) {
          b.ssekmsKeyId(config.sseKmsKeyId());
        }
        break;
      case SSE_C:
        b.sseCustomerAlgorithm("AES256").sseCustomerKey(config.sseCustomerKey()).sseCustomerKeyMD5(sseCustomerKeyMd5);
        break;
      default:
        break;
    }
    return b;
  }

  /** Runs an idempotent request with retries; translates the final failure. */
  private <T> T call(String op, String location, Supplier<T> request) {
    try {
      return retrying(request);
    } catch (SdkException e) {
      throw translate(op, location, e);
    }
  }

  /** Runs an idempotent request, retrying transient failures; rethrows the last failure untranslated. */
  private <T> T retrying(Supplier<T> request) {
    for (int attempt = 1; ; attempt++) {
      checkOpen();
      try {
        SdkException e;
        try {
          return request.get();
        } catch (java.io.UncheckedIOException io) {
          e = cutShort(io);
        }
        throw e;
      } catch (SdkException e) {
        if (attempt >= config.maxAttempts() || !(isRetryable(e) || notSent(e))) {
          throw e;
        }
        LOG.debug("S3 request attempt {} failed ({}), retrying", attempt, describe(e));
        backoff(attempt);
      }
    }
  }

  /**
   * The SDK reports a response that broke off while it was being parsed as an {@link java.io.UncheckedIOException},
   * outside its own exception hierarchy; treat it as the I/O failure it is.
   */
  private static SdkException cutShort(java.io.UncheckedIOException e) {
    return SdkClientException.builder().message("the response was cut short: " + e.getMessage()).cause(e.getCause())
        .build();
  }

  private void backoff(int attempt) {
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

  static int status(SdkException e) {
    return e instanceof S3Exception ? ((S3Exception) e).statusCode() : 0;
  }

  static String errorCode(SdkException e) {
    if (e instanceof S3Exception && ((S3Exception) e).awsErrorDetails() != null) {
      return ((S3Exception) e).awsErrorDetails().errorCode();
    }
    return null;
  }

  /** Throttling, server errors, timeouts and broken connections; retrying an idempotent request is safe. */
  static boolean isRetryable(SdkException e) {
    if (e instanceof S3Exception) {
      int status = status(e);
      String code = errorCode(e);
      return status == 500 || status == 502 || status == 503 || status == 504 || status == 429
          || "SlowDown".equals(code) || "Throttling".equals(code) || "ThrottlingException".equals(code)
          || "RequestTimeout".equals(code) || "InternalError".equals(code);
    }
    if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
      return true;
    }
    if (e instanceof SdkClientException) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof UnknownHostException || t instanceof javax.net.ssl.SSLHandshakeException) {
          return false;
        }
        if (t instanceof IOException) {
          return true;
        }
      }
    }
    return false;
  }

  /** The request certainly did not reach the store (or was refused unprocessed), so it had no effect. */
  static boolean notSent(SdkException e) {
    int status = status(e);
    if (status == 503 || status == 429 || "SlowDown".equals(errorCode(e))) {
      return true;
    }
    if (e instanceof SdkClientException) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof ConnectException || t instanceof NoRouteToHostException
            || t instanceof org.apache.http.conn.ConnectTimeoutException) {
          return true;
        }
      }
    }
    return false;
  }

  private String describe(SdkException e) {
    if (e instanceof S3Exception) {
      return "HTTP " + status(e) + " " + errorCode(e);
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return Redaction.redact(root.getClass().getSimpleName() + ": " + root.getMessage(), config);
  }

  String endpointDescription() {
    return config.endpoint() == null ? "AWS S3 (region " + config.region() + ")" : "the S3 endpoint " + config.endpoint();
  }

  /** Turns an SDK failure into a StorageException that tells the user what to fix. */
  StorageException translate(String op, String location, SdkException e) {
    String accessKey = config.hasStaticCredentials() ? S3Config.maskAccessKey(config.accessKey()) : "from the default chain";
    S3Location loc = S3Location.parse(location);
    String message;
    if (e instanceof S3Exception) {
      int status = status(e);
      String code = errorCode(e);
      String awsMessage = ((S3Exception) e).awsErrorDetails() == null ? null : ((S3Exception) e).awsErrorDetails().errorMessage();
      if ("NoSuchKey".equals(code) || (status == 404 && code == null)) {
        return new FileNotFoundInStorageException(location);
      }
      if ("NoSuchBucket".equals(code)) {
        message = "S3 bucket '" + loc.bucket() + "' does not exist at " + endpointDescription()
            + ": create it, or fix " + S3Config.ENV_BUCKET + (config.endpoint() == null ? "" : " / " + S3Config.ENV_ENDPOINT);
      } else if ("InvalidAccessKeyId".equals(code)) {
        message = endpointDescription() + " does not know the access key id " + accessKey + ": check "
            + S3Config.ENV_ACCESS_KEY + " and that " + S3Config.ENV_ENDPOINT + " points at the right store";
      } else if ("SignatureDoesNotMatch".equals(code)) {
        message = endpointDescription() + " rejected the request signature for access key " + accessKey
            + ": the secret key is wrong (check " + S3Config.ENV_SECRET_KEY + "), or " + S3Config.ENV_REGION
            + " or the system clock is off";
      } else if ("ExpiredToken".equals(code) || "TokenRefreshRequired".equals(code) || "InvalidToken".equals(code)) {
        message = "the S3 session credentials have expired or are invalid: refresh them ("
            + S3Config.ENV_SESSION_TOKEN + " or the default credential chain)";
      } else if ("AuthorizationHeaderMalformed".equals(code) || "PermanentRedirect".equals(code) || status == 301) {
        String region = ((S3Exception) e).awsErrorDetails() == null ? null
            : ((S3Exception) e).awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region").orElse(null);
        message = "bucket '" + loc.bucket() + "' is not in region " + config.region()
            + (region == null ? "" : " but in " + region) + ": set " + S3Config.ENV_REGION;
      } else if ("RequestTimeTooSkewed".equals(code)) {
        message = "the system clock differs too much from " + endpointDescription() + "'s: synchronise the clock (NTP)";
      } else if ("AccessDenied".equals(code) || status == 403) {
        message = "access denied to " + op + " " + location + " (access key " + accessKey + "): grant s3:GetObject,"
            + " s3:PutObject, s3:DeleteObject and s3:ListBucket on the bucket and prefix, and check bucket policy and"
            + " KMS key permissions";
      } else if ("XAmzContentSHA256Mismatch".equals(code) || "BadDigest".equals(code) || "InvalidDigest".equals(code)
          || (awsMessage != null && awsMessage.toLowerCase(java.util.Locale.ROOT).contains("checksum"))) {
        message = endpointDescription() + " rejected the request's checksum (HTTP " + status + " " + code + ") for "
            + op + " " + location + ": some S3-compatible stores do not accept the checksums the AWS SDK sends; set "
            + S3Config.ENV_CHECKSUM_MODE + "=when_required";
      } else if (code != null && code.startsWith("InvalidBucketName")) {
        message = "'" + loc.bucket() + "' is not a valid bucket name: fix " + S3Config.ENV_BUCKET;
      } else {
        message = "S3 " + op + " of " + location + " failed: HTTP " + status + " " + code
            + (awsMessage == null ? "" : ": " + awsMessage);
      }
      return new StorageException(Redaction.redact(message, config), e);
    }
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      root = t;
      if (t instanceof UnknownHostException) {
        message = "cannot resolve the host of " + endpointDescription() + ": check " + S3Config.ENV_ENDPOINT;
        return new StorageException(Redaction.redact(message, config), e);
      }
      if (t instanceof ConnectException) {
        message = "cannot connect to " + endpointDescription() + " to " + op + " " + location
            + ": is the store running, and are " + S3Config.ENV_ENDPOINT + " and " + S3Config.ENV_SSL + " right?";
        return new StorageException(Redaction.redact(message, config), e);
      }
    }
    String text = String.valueOf(e.getMessage());
    if (text.contains("Unable to load credentials")) {
      message = "no S3 credentials found: set " + S3Config.ENV_ACCESS_KEY + " and " + S3Config.ENV_SECRET_KEY
          + ", or configure the AWS default credential chain (AWS_ACCESS_KEY_ID, ~/.aws/credentials, instance role)";
    } else {
      message = "S3 " + op + " of " + location + " failed: " + text
          + (root == e ? "" : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")");
    }
    return new StorageException(Redaction.redact(message, config), e);
  }

  private static String md5Base64(String base64Key) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(Base64.getDecoder().decode(base64Key)));
    } catch (NoSuchAlgorithmException e) {
      throw new DataShardException("MD5 is not available in this JVM", e);
    }
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
