package io.datashard.s3;

import io.datashard.StorageException;
import io.datashard.storage.FileInfo;
import io.datashard.storage.FileNotFoundInStorageException;
import io.datashard.storage.InputFile;
import io.datashard.storage.OutputFile;
import io.datashard.storage.RangeCache;
import io.datashard.storage.StorageBackend;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
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
 * <p>This class holds the SDK client and the requests on metadata objects; the parts with their own concerns
 * live beside it: the commit primitive and its probe ({@code ConditionalPut}), data files through S3A
 * ({@code S3ADataFiles}), the retry loop ({@code S3Retry}), error translation ({@code S3Errors}), encryption
 * headers ({@code SseHeaders}), client construction ({@code S3Clients}) and presigning ({@code S3Presigners}).
 *
 * <p>Transient failures (throttling, 5xx, connection resets, timeouts) of idempotent operations are retried
 * with exponential backoff and full jitter; permanent ones fail at once with a {@link StorageException}
 * whose message says what to fix. No message contains a secret.
 *
 * <p>Thread-safe. Close it to release connections.
 */
public final class S3StorageBackend implements StorageBackend, io.datashard.storage.PresigningBackend {
  private static final Logger LOG = LoggerFactory.getLogger(S3StorageBackend.class);

  private final S3Config config;
  private final S3Client s3;
  private final SseHeaders sse;
  private final S3Errors errors;
  private final S3Retry retry;
  private final ConditionalPut conditionalPut;
  private final S3ADataFiles dataFiles;
  private final Map<String, Boolean> verifiedBuckets = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Built on the first presign: most backends never presign. */
  private final java.util.concurrent.atomic.AtomicReference<software.amazon.awssdk.services.s3.presigner.S3Presigner>
      presigner = new java.util.concurrent.atomic.AtomicReference<>();

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
    this.conditionalPut = new ConditionalPut(config, s3, sse, errors, retry, this::exists);
    this.dataFiles = new S3ADataFiles(config, errors, retry, this::headExisting);
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
    PutObjectRequest request = sse.putRequest(loc.bucket(), loc.objectKey(location)).build();
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
      return retry.retrying(() -> s3.headObject(request));
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
      retry.retrying(() -> s3.headBucket(r -> r.bucket(bucket)));
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
  // The commit primitive and data files: each in its own class

  @Override
  public boolean createExclusive(String location, byte[] content) {
    return conditionalPut.createExclusive(location, content);
  }

  @Override
  public InputFile newInputFile(String location) {
    return dataFiles.newInputFile(location, -1L);
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
    return dataFiles.newInputFile(location, length);
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return dataFiles.newOutputFile(location);
  }

  /**
   * @return the cache of data-file ranges read through this backend (classic read stream with a non-zero
   *     {@link S3Config#readMemoryLimitBytes()}), or empty
   */
  public Optional<RangeCache> readCache() {
    return dataFiles.readCache();
  }

  /** Turns an SDK failure into a StorageException that tells the user what to fix. */
  StorageException translate(String op, String location, SdkException e) {
    return errors.translate(op, location, e);
  }

  private <T> T call(String op, String location, Supplier<T> request) {
    return retry.call(op, location, request);
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

  /** @return {@link S3Config#longestCall()} */
  @Override
  public java.time.Duration longestCall() {
    return config.longestCall();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    dataFiles.close();
    S3Presigners.close(presigner);
    s3.close();
  }

  @Override
  public String toString() {
    return "S3StorageBackend{" + config + "}";
  }
}
