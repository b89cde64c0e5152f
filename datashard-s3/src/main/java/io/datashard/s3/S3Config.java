package io.datashard.s3;

import io.datashard.DataShardException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable settings of an {@link S3StorageBackend}: where the bucket is, how to authenticate, how to encrypt
 * and how to talk to stores that are only partly S3-compatible.
 *
 * <p>Build one with {@link #builder()} or read it from {@code DATASHARD_S3_*} variables with
 * {@link #fromEnvironment(Map)}. Secrets (the secret key, the session token and the SSE-C customer key) are
 * never part of {@link #toString()}.
 */
public final class S3Config {

  /** Server-side encryption applied to every object written. */
  public enum SseMode {
    /** No encryption header is sent (the bucket's default encryption still applies). */
    NONE,
    /** {@code x-amz-server-side-encryption: AES256}, keys managed by the store. */
    SSE_S3,
    /** {@code x-amz-server-side-encryption: aws:kms} with an optional KMS key id. */
    SSE_KMS,
    /** Customer-provided key sent with every request (also reads); needs TLS. */
    SSE_C
  }

  /** When request checksums are computed and response checksums validated. */
  public enum ChecksumMode {
    /** The AWS SDK default: CRC checksums on every upload (aws-chunked trailers on plain HTTP). */
    WHEN_SUPPORTED,
    /** Only when an operation requires one; plain bodies without trailers. For stores that reject CRC trailers. */
    WHEN_REQUIRED
  }

  /** How the commit primitive relies on {@code PutObject} with {@code If-None-Match: *}. */
  public enum ConditionalWriteMode {
    /** Detect support once per backend (probe); refuse to commit when the store ignores or rejects it. */
    AUTO,
    /** Assume support without probing; a store that answers 501 still makes commits fail. */
    REQUIRED,
    /**
     * Use conditional writes when the store supports them, otherwise fall back to check-then-put, which is
     * only safe when exactly one process ever commits to a table. Opt-in.
     */
    UNSAFE_SINGLE_WRITER
  }

  /** Environment variable: endpoint URL or host[:port]; unset for AWS S3. */
  public static final String ENV_ENDPOINT = "DATASHARD_S3_ENDPOINT";
  /** Environment variable: access key id; unset for the AWS default credential chain. */
  public static final String ENV_ACCESS_KEY = "DATASHARD_S3_ACCESS_KEY";
  /** Environment variable: secret access key. */
  public static final String ENV_SECRET_KEY = "DATASHARD_S3_SECRET_KEY";
  /** Environment variable: session token for temporary credentials. */
  public static final String ENV_SESSION_TOKEN = "DATASHARD_S3_SESSION_TOKEN";
  /** Environment variable: bucket name. */
  public static final String ENV_BUCKET = "DATASHARD_S3_BUCKET";
  /** Environment variable: region (default {@code us-east-1}). */
  public static final String ENV_REGION = "DATASHARD_S3_REGION";
  /** Environment variable: key prefix of the warehouse inside the bucket. */
  public static final String ENV_PREFIX = "DATASHARD_S3_PREFIX";
  /** Environment variable: {@code true}/{@code false}, path-style addressing. */
  public static final String ENV_PATH_STYLE = "DATASHARD_S3_PATH_STYLE";
  /** Environment variable: {@code true}/{@code false}, TLS (for endpoints given without scheme). */
  public static final String ENV_SSL = "DATASHARD_S3_SSL";
  /** How data files are read through Hadoop S3A. */
  public enum ReadStream {
    /**
     * The classic S3A stream (the default), opened with the Parquet read policy: ranged GETs of exactly what is
     * asked (footer, then each row group's projected column chunks, fetched in parallel by vectored reads), no
     * HEAD when the length is known. In front of it DataShard keeps its own cache of the ranges read
     * ({@link io.datashard.storage.RangeCache}, bounded by {@link S3Config#readMemoryLimitBytes()}, shared by
     * the backend's scans), so repeated scans of the same files are served from memory; small files are fetched
     * whole and footers in one request. No background threads: a failure (including running out of heap)
     * surfaces in the reading thread.
     */
    CLASSIC,
    /**
     * The AWS Analytics Accelerator stream, Hadoop 3.4.3's own default: Parquet-aware prefetching, small objects
     * fetched whole in one request, ranges coalesced, and an in-memory block cache shared by the reads of one
     * backend (bounded by {@link S3Config#readMemoryLimitBytes()}; DataShard's own range cache is then off). The
     * first read of each object costs one HEAD (cached for a day). But with
     * analytics-accelerator 1.3.1 a scan whose heap runs out can block forever instead of failing (measured: a
     * 10-million-row scan in a 160 MiB heap hung in the stream's block wait; CLASSIC finished it with 122 MiB
     * live). Opt in where heaps are generous.
     */
    ANALYTICS
  }

  /** Environment variable: {@code none}, {@code sse-s3}, {@code sse-kms} or {@code sse-c}. */
  public static final String ENV_SSE = "DATASHARD_S3_SSE";
  /** Environment variable: KMS key id or ARN for {@code sse-kms}. */
  public static final String ENV_SSE_KMS_KEY_ID = "DATASHARD_S3_SSE_KMS_KEY_ID";
  /** Environment variable: base64 of the 256-bit customer key for {@code sse-c}. */
  public static final String ENV_SSE_C_KEY = "DATASHARD_S3_SSE_C_KEY";
  /** Environment variable: {@code true} allows SSE-C over plain HTTP to a loopback endpoint (tests). */
  public static final String ENV_ALLOW_INSECURE_SSE_C = "DATASHARD_S3_ALLOW_INSECURE_SSE_C";
  /** Environment variable: {@code when_supported} or {@code when_required}. */
  public static final String ENV_CHECKSUM_MODE = "DATASHARD_S3_CHECKSUM_MODE";
  /** Environment variable: {@code auto}, {@code required} or {@code unsafe_single_writer}. */
  public static final String ENV_CONDITIONAL_WRITES = "DATASHARD_S3_CONDITIONAL_WRITES";
  /** Environment variable: maximum attempts per request for transient errors (default 6). */
  public static final String ENV_MAX_ATTEMPTS = "DATASHARD_S3_MAX_ATTEMPTS";
  /** Environment variable: {@code classic} (default) or {@code analytics}, the S3A stream data files are read with. */
  public static final String ENV_READ_STREAM = "DATASHARD_S3_READ_STREAM";
  /**
   * Environment variable: memory in MiB for caching data read from S3 (DataShard's range cache with the classic
   * stream, the prefetched blocks of the analytics stream); {@code 0} turns the classic stream's cache off.
   */
  public static final String ENV_READ_MEMORY_MB = "DATASHARD_S3_READ_MEMORY_MB";
  /** Environment variable read as a fallback for bucket and prefix: {@code s3://bucket/prefix}. */
  public static final String ENV_WAREHOUSE = "DATASHARD_WAREHOUSE";

  /** The bucket (required). */
  static final S3Setting<String> BUCKET = S3Setting.text("bucket", ENV_BUCKET, "(required)",
      "bucket; falls back to the bucket in `DATASHARD_WAREHOUSE=s3://bucket/prefix`");
  static final S3Setting<String> PREFIX = S3Setting.text("prefix", ENV_PREFIX, "empty",
      "key prefix of the warehouse; leading and trailing `/` are ignored");
  static final S3Setting<String> ENDPOINT = S3Setting.text("endpoint", ENV_ENDPOINT, "AWS",
      "`https://host[:port]`, `http://…`, or `host[:port]` (TLS unless the host is loopback)");
  static final S3Setting<String> REGION = S3Setting.text("region", ENV_REGION, "`us-east-1`",
      "signing region (`auto` for R2)");
  static final S3Setting<String> ACCESS_KEY = S3Setting.text("accessKey", ENV_ACCESS_KEY, "default chain",
      "access key id of static credentials; set both keys or neither");
  static final S3Setting<String> SECRET_KEY = S3Setting.text("secretKey", ENV_SECRET_KEY, "default chain",
      "secret access key of static credentials; never logged");
  static final S3Setting<String> SESSION_TOKEN = S3Setting.text("sessionToken", ENV_SESSION_TOKEN, "none",
      "session token for temporary credentials; never logged");
  static final S3Setting<Boolean> PATH_STYLE = S3Setting.bool("pathStyle", ENV_PATH_STYLE, null,
      "`true` for custom endpoints, `false` for AWS", "path-style addressing");
  static final S3Setting<Boolean> SSL = S3Setting.bool("ssl", ENV_SSL, null,
      "`true` (except loopback endpoints without scheme)", "TLS on or off; must agree with an explicit scheme");
  static final S3Setting<SseMode> SSE = S3Setting.choice("sseMode", ENV_SSE, SseMode.class, SseMode.NONE, "`none`",
      "`none`, `sse-s3`, `sse-kms`, `sse-c`");
  static final S3Setting<String> SSE_KMS_KEY_ID = S3Setting.text("sseKmsKeyId", ENV_SSE_KMS_KEY_ID,
      "store default key", "KMS key id or ARN for `sse-kms`");
  static final S3Setting<String> SSE_C_KEY = S3Setting.text("sseCustomerKey", ENV_SSE_C_KEY, "none",
      "base64 of a 256-bit key for `sse-c`; never logged");
  static final S3Setting<Boolean> ALLOW_INSECURE_SSE_C = S3Setting.bool("allowInsecureSseC",
      ENV_ALLOW_INSECURE_SSE_C, false, "`false`",
      "allow SSE-C over plain HTTP, to a loopback endpoint only (test servers)");
  static final S3Setting<ChecksumMode> CHECKSUM_MODE = S3Setting.choice("checksumMode", ENV_CHECKSUM_MODE,
      ChecksumMode.class, null, "`when_supported` for AWS, `when_required` otherwise",
      "`when_required` sends no CRC trailers or aws-chunked bodies");
  static final S3Setting<ConditionalWriteMode> CONDITIONAL_WRITES = S3Setting.choice("conditionalWrites",
      ENV_CONDITIONAL_WRITES, ConditionalWriteMode.class, ConditionalWriteMode.AUTO, "`auto`",
      "`auto`, `required`, `unsafe-single-writer` (see above)");
  static final S3Setting<Integer> MAX_ATTEMPTS = S3Setting.integer("maxAttempts", ENV_MAX_ATTEMPTS, 6,
      "attempts per request for transient errors (also S3A's retry limit)");
  static final S3Setting<ReadStream> READ_STREAM = S3Setting.choice("readStream", ENV_READ_STREAM, ReadStream.class,
      ReadStream.CLASSIC, "`classic`", "S3A stream for data files: `classic` (exact ranged GETs, vectored, behind"
          + " DataShard's range cache) or `analytics` (prefetching, small files fetched whole, its own block cache;"
          + " see below)");
  static final S3Setting<Long> READ_MEMORY = S3Setting.mebibytes("readMemoryLimitBytes", ENV_READ_MEMORY_MB, -1L,
      "1/8 of the heap, 32-512", "memory for caching data files read: the range cache with `classic` (`0` turns it"
          + " off), the prefetched and cached blocks with `analytics` (at least 16)");
  static final S3Setting<Duration> BASE_RETRY_DELAY = S3Setting.duration("baseRetryDelay", Duration.ofMillis(100),
      "first retry delay; doubles per attempt, with full jitter");
  static final S3Setting<Duration> MAX_RETRY_DELAY = S3Setting.duration("maxRetryDelay", Duration.ofSeconds(5),
      "largest retry delay");
  static final S3Setting<Duration> CONNECTION_TIMEOUT = S3Setting.duration("connectionTimeout",
      Duration.ofSeconds(10), "TCP connect timeout");
  static final S3Setting<Duration> SOCKET_TIMEOUT = S3Setting.duration("socketTimeout", Duration.ofSeconds(60),
      "socket read timeout");
  static final S3Setting<Integer> MAX_CONNECTIONS = S3Setting.builderInteger("maxConnections", 64,
      "size of the HTTP connection pool");
  static final S3Setting<Integer> LIST_PAGE_SIZE = S3Setting.builderInteger("listPageSize", 1000,
      "keys per ListObjectsV2 page (1..1000)");

  private static final List<S3Setting<?>> SETTINGS = List.of(BUCKET, PREFIX, ENDPOINT, REGION, ACCESS_KEY, SECRET_KEY,
      SESSION_TOKEN, PATH_STYLE, SSL, SSE, SSE_KMS_KEY_ID, SSE_C_KEY, ALLOW_INSECURE_SSE_C, CHECKSUM_MODE,
      CONDITIONAL_WRITES, MAX_ATTEMPTS, READ_STREAM, READ_MEMORY, BASE_RETRY_DELAY, MAX_RETRY_DELAY,
      CONNECTION_TIMEOUT, SOCKET_TIMEOUT, MAX_CONNECTIONS, LIST_PAGE_SIZE);

  private static final long MIN_READ_MEMORY = 16L << 20;

  /** What the builder was given, kept for {@link #toBuilder()}. */
  private final Map<S3Setting<?>, Object> given;
  private final URI endpoint;
  private final String region;
  private final String bucket;
  private final String prefix;
  private final boolean pathStyle;
  private final boolean ssl;
  private final ChecksumMode checksumMode;
  private final long readMemoryLimitBytes;

  private S3Config(Builder b) {
    this.given = Map.copyOf(b.values);
    String bucketName = b.get(BUCKET);
    if (bucketName == null || bucketName.isBlank()) {
      throw new DataShardException("S3 bucket is not set: set " + ENV_BUCKET + " (or S3Config.builder().bucket(..))");
    }
    this.bucket = bucketName.trim();
    String regionName = b.get(REGION);
    this.region = regionName == null || regionName.isBlank() ? "us-east-1" : regionName.trim();
    this.prefix = normalizePrefix(b.get(PREFIX));
    if ((b.get(ACCESS_KEY) == null) != (b.get(SECRET_KEY) == null)) {
      throw new DataShardException("S3 credentials are incomplete: set both " + ENV_ACCESS_KEY + " and " + ENV_SECRET_KEY
          + ", or neither to use the AWS default credential chain");
    }
    this.endpoint = resolveEndpoint(b.get(ENDPOINT), b.get(SSL));
    this.ssl = endpoint == null || "https".equals(endpoint.getScheme());
    Boolean pathStyleGiven = b.get(PATH_STYLE);
    this.pathStyle = pathStyleGiven != null ? pathStyleGiven : endpoint != null && !isAmazonHost(endpoint.getHost());
    checkEncryption(b.get(SSE), b.get(SSE_KMS_KEY_ID), b.get(SSE_C_KEY), b.get(ALLOW_INSECURE_SSE_C));
    ChecksumMode checksum = b.get(CHECKSUM_MODE);
    this.checksumMode = checksum != null ? checksum
        : endpoint == null || isAmazonHost(endpoint.getHost()) ? ChecksumMode.WHEN_SUPPORTED : ChecksumMode.WHEN_REQUIRED;
    if (b.get(MAX_ATTEMPTS) < 1) {
      throw new DataShardException("S3 max attempts must be at least 1, got " + b.get(MAX_ATTEMPTS));
    }
    if (b.get(MAX_CONNECTIONS) < 1) {
      throw new DataShardException("S3 max connections must be at least 1, got " + b.get(MAX_CONNECTIONS));
    }
    if (b.get(LIST_PAGE_SIZE) < 1 || b.get(LIST_PAGE_SIZE) > 1000) {
      throw new DataShardException("S3 list page size must be within 1..1000, got " + b.get(LIST_PAGE_SIZE));
    }
    long memory = b.get(READ_MEMORY);
    if (memory == 0 && b.get(READ_STREAM) == ReadStream.ANALYTICS) {
      throw new DataShardException("the analytics read stream cannot run without memory: set " + ENV_READ_MEMORY_MB
          + " to at least " + (MIN_READ_MEMORY >> 20) + " (MiB), or leave it unset for the default");
    }
    if (memory > 0 && memory < MIN_READ_MEMORY || memory < -1) {
      throw new DataShardException("the S3 read memory limit must be 0 (no cache) or at least " + (MIN_READ_MEMORY >> 20)
          + " MiB, got " + memory + " bytes");
    }
    this.readMemoryLimitBytes = memory >= 0 ? memory : defaultReadMemory();
  }

  private void checkEncryption(SseMode mode, String kmsKeyId, String customerKey, boolean allowInsecure) {
    if (mode != SseMode.SSE_KMS && kmsKeyId != null) {
      throw new DataShardException("an SSE-KMS key id is set but the SSE mode is " + mode + ": set " + ENV_SSE + "=sse-kms");
    }
    if (mode != SseMode.SSE_C) {
      if (customerKey != null) {
        throw new DataShardException("an SSE-C customer key is set but the SSE mode is " + mode + ": set " + ENV_SSE
            + "=sse-c");
      }
      return;
    }
    if (customerKey == null) {
      throw new DataShardException("SSE-C needs a customer key: set " + ENV_SSE_C_KEY + " to the base64 of a 256-bit key");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(customerKey);
    } catch (IllegalArgumentException e) {
      throw new DataShardException("the SSE-C customer key (" + ENV_SSE_C_KEY + ") is not valid base64");
    }
    if (key.length != 32) {
      throw new DataShardException("the SSE-C customer key (" + ENV_SSE_C_KEY + ") must be 256 bits (32 bytes), got "
          + key.length + " bytes");
    }
    if (!ssl && !(allowInsecure && isLoopback(endpoint.getHost()))) {
      throw new DataShardException("SSE-C sends the encryption key with every request and is refused without TLS: use an"
          + " https endpoint (" + ENV_ENDPOINT + ", " + ENV_SSL + "=true)");
    }
  }

  /** An eighth of the heap, within 32..512 MiB: cached data never crowds out the application. */
  private static long defaultReadMemory() {
    return Math.max(32L << 20, Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8));
  }

  /**
   * Every setting, in the order of docs/s3.md's table: its environment variable (if any), default and meaning.
   *
   * @return the settings
   */
  public static List<S3Setting<?>> settings() {
    return SETTINGS;
  }

  /** @return a new builder with defaults */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder initialized with the values this configuration was built from */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.values.putAll(given);
    return b;
  }

  /**
   * Reads the configuration from {@code DATASHARD_S3_*} variables (see {@link #settings()} and docs/s3.md). Unset
   * or blank variables take their defaults. Without {@code DATASHARD_S3_BUCKET}, bucket and prefix come from
   * {@code DATASHARD_WAREHOUSE=s3://bucket/prefix}.
   *
   * @param env the variables, typically {@code System.getenv()}
   * @return the configuration
   * @throws DataShardException when a variable is missing or malformed; the message names the variable
   */
  public static S3Config fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    for (S3Setting<?> setting : SETTINGS) {
      String text = setting.variable() == null ? null : get(env, setting.variable());
      if (text != null) {
        b.values.put(setting, setting.parse(text));
      }
    }
    String warehouse = get(env, ENV_WAREHOUSE);
    if (b.get(BUCKET) == null && warehouse != null && (warehouse.startsWith("s3://") || warehouse.startsWith("s3a://"))) {
      String rest = warehouse.substring(warehouse.indexOf("://") + 3);
      int slash = rest.indexOf('/');
      b.bucket(slash < 0 ? rest : rest.substring(0, slash));
      if (b.get(PREFIX) == null && slash >= 0) {
        b.prefix(rest.substring(slash + 1));
      }
    }
    return b.build();
  }

  private static String get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private <T> T value(S3Setting<T> setting) {
    Object v = given.get(setting);
    return v == null ? setting.defaultValue() : setting.type().cast(v);
  }

  private static String normalizePrefix(String p) {
    if (p == null) {
      return "";
    }
    String s = p.trim();
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  private static URI resolveEndpoint(String endpoint, Boolean ssl) {
    if (endpoint == null || endpoint.isBlank()) {
      if (Boolean.FALSE.equals(ssl)) {
        throw new DataShardException(ENV_SSL + "=false needs an endpoint (" + ENV_ENDPOINT + "); AWS S3 is reached over TLS");
      }
      return null;
    }
    String e = endpoint.trim();
    while (e.endsWith("/")) {
      e = e.substring(0, e.length() - 1);
    }
    URI uri;
    if (e.contains("://")) {
      uri = URI.create(e);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new DataShardException(ENV_ENDPOINT + " must use http:// or https://, got '" + endpoint + "'");
      }
      if (ssl != null && ssl != "https".equals(uri.getScheme())) {
        throw new DataShardException(ENV_SSL + "=" + ssl + " contradicts the scheme of " + ENV_ENDPOINT + " '" + endpoint + "'");
      }
    } else {
      URI probe = URI.create("http://" + e);
      boolean useSsl = ssl != null ? ssl : !isLoopback(probe.getHost());
      uri = URI.create((useSsl ? "https://" : "http://") + e);
    }
    if (uri.getHost() == null) {
      throw new DataShardException(ENV_ENDPOINT + " is not a valid URL or host[:port]: '" + endpoint + "'");
    }
    return uri;
  }

  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if ("localhost".equalsIgnoreCase(h)) {
      return true;
    }
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false; // never resolve names here
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static boolean isAmazonHost(String host) {
    return host != null && (host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn"));
  }

  /** @return the endpoint with scheme, or null for AWS S3's regional endpoint */
  public URI endpoint() {
    return endpoint;
  }

  /** @return the region */
  public String region() {
    return region;
  }

  /** @return the bucket */
  public String bucket() {
    return bucket;
  }

  /** @return the key prefix of the warehouse, without leading or trailing slash; empty for the bucket root */
  public String prefix() {
    return prefix;
  }

  /** @return the warehouse root {@code s3://bucket[/prefix]} */
  public String root() {
    return prefix.isEmpty() ? "s3://" + bucket : "s3://" + bucket + "/" + prefix;
  }

  /** @return the access key id, or null for the default credential chain */
  public String accessKey() {
    return value(ACCESS_KEY);
  }

  /** @return the secret key, or null; never log it */
  public String secretKey() {
    return value(SECRET_KEY);
  }

  /** @return the session token, or null; never log it */
  public String sessionToken() {
    return value(SESSION_TOKEN);
  }

  /** @return whether static credentials are configured */
  public boolean hasStaticCredentials() {
    return value(ACCESS_KEY) != null;
  }

  /** @return whether path-style addressing ({@code endpoint/bucket/key}) is used */
  public boolean pathStyle() {
    return pathStyle;
  }

  /** @return whether TLS is used */
  public boolean ssl() {
    return ssl;
  }

  /** @return the server-side encryption mode */
  public SseMode sseMode() {
    return value(SSE);
  }

  /** @return the KMS key id for SSE-KMS, or null for the store's default key */
  public String sseKmsKeyId() {
    return value(SSE_KMS_KEY_ID);
  }

  /** @return the base64 SSE-C customer key, or null; never log it */
  public String sseCustomerKey() {
    return value(SSE_C_KEY);
  }

  /** @return whether SSE-C may be used without TLS against a loopback endpoint */
  public boolean allowInsecureSseC() {
    return value(ALLOW_INSECURE_SSE_C);
  }

  /** @return the checksum mode */
  public ChecksumMode checksumMode() {
    return checksumMode;
  }

  /** @return the conditional-write mode */
  public ConditionalWriteMode conditionalWrites() {
    return value(CONDITIONAL_WRITES);
  }

  /** @return maximum attempts per request for transient errors */
  public int maxAttempts() {
    return value(MAX_ATTEMPTS);
  }

  /**
   * The longest one call of the backend may take, its retries included ({@code StorageBackend.longestCall}): every
   * attempt up to the connection timeout plus the socket timeout (the SDK's own retries are off; the backend's are
   * counted), with the largest retry delay between attempts. 445 s (7.4 minutes) at the defaults: 6 attempts of
   * 10 s + 60 s, 5 s apart.
   *
   * @return the bound
   */
  public Duration longestCall() {
    int attempts = Math.max(1, maxAttempts());
    return connectionTimeout().plus(socketTimeout()).multipliedBy(attempts)
        .plus(maxRetryDelay().multipliedBy(attempts - 1L));
  }

  /** @return the first retry delay (doubles per attempt, with full jitter) */
  public Duration baseRetryDelay() {
    return value(BASE_RETRY_DELAY);
  }

  /** @return the largest retry delay */
  public Duration maxRetryDelay() {
    return value(MAX_RETRY_DELAY);
  }

  /** @return the TCP connect timeout */
  public Duration connectionTimeout() {
    return value(CONNECTION_TIMEOUT);
  }

  /** @return the socket read timeout */
  public Duration socketTimeout() {
    return value(SOCKET_TIMEOUT);
  }

  /** @return the size of the HTTP connection pool */
  public int maxConnections() {
    return value(MAX_CONNECTIONS);
  }

  /** @return keys per ListObjectsV2 page (1..1000) */
  public int listPageSize() {
    return value(LIST_PAGE_SIZE);
  }

  /** @return the S3A stream data files are read with */
  public ReadStream readStream() {
    return value(READ_STREAM);
  }

  /**
   * @return bytes of data files the backend may hold in memory for reads (per backend): the range cache's bound
   *     with the classic stream (0: no cache), the prefetched blocks' bound with the analytics stream
   */
  public long readMemoryLimitBytes() {
    return readMemoryLimitBytes;
  }

  @Override
  public String toString() {
    String accessKey = accessKey();
    return "S3Config{endpoint=" + (endpoint == null ? "aws" : endpoint)
        + ", region=" + region
        + ", bucket=" + bucket
        + ", prefix=" + prefix
        + ", credentials=" + (accessKey == null ? "default-chain" : "static(accessKey=" + maskAccessKey(accessKey)
            + ", secretKey=****" + (sessionToken() == null ? "" : ", sessionToken=****") + ")")
        + ", pathStyle=" + pathStyle
        + ", ssl=" + ssl
        + ", sse=" + sseMode() + (sseKmsKeyId() == null ? "" : "(kmsKeyId=" + sseKmsKeyId() + ")")
        + (sseCustomerKey() == null ? "" : "(customerKey=****)")
        + ", checksumMode=" + checksumMode
        + ", conditionalWrites=" + conditionalWrites()
        + ", maxAttempts=" + maxAttempts()
        + ", readStream=" + readStream() + ", readMemory=" + (readMemoryLimitBytes >> 20) + "MiB"
        + "}";
  }

  /** Shows only the first four characters of an access key id (they name the key type, not the key). */
  static String maskAccessKey(String accessKey) {
    return accessKey.length() <= 4 ? "****" : accessKey.substring(0, 4) + "****";
  }

  /** Mutable builder of {@link S3Config}; not thread-safe. */
  public static final class Builder {
    private final Map<S3Setting<?>, Object> values = new HashMap<>();

    private Builder() {
    }

    private Builder set(S3Setting<?> setting, Object value) {
      if (value == null) {
        values.remove(setting);
      } else {
        values.put(setting, value);
      }
      return this;
    }

    private <T> T get(S3Setting<T> setting) {
      Object v = values.get(setting);
      return v == null ? setting.defaultValue() : setting.type().cast(v);
    }

    /**
     * @param endpoint {@code http(s)://host[:port]} or {@code host[:port]} (TLS unless loopback or
     *     {@link #ssl(boolean)} says otherwise); null for AWS S3
     * @return this
     */
    public Builder endpoint(String endpoint) {
      return set(ENDPOINT, endpoint);
    }

    /** @param region the region, {@code us-east-1} by default @return this */
    public Builder region(String region) {
      return set(REGION, region);
    }

    /** @param bucket the bucket (required) @return this */
    public Builder bucket(String bucket) {
      return set(BUCKET, bucket);
    }

    /** @param prefix the warehouse key prefix inside the bucket @return this */
    public Builder prefix(String prefix) {
      return set(PREFIX, prefix);
    }

    /**
     * Static credentials; without them the AWS default credential chain applies.
     *
     * @param accessKey access key id
     * @param secretKey secret access key
     * @return this
     */
    public Builder credentials(String accessKey, String secretKey) {
      set(ACCESS_KEY, accessKey);
      return set(SECRET_KEY, secretKey);
    }

    /** @param sessionToken session token of temporary credentials, or null @return this */
    public Builder sessionToken(String sessionToken) {
      return set(SESSION_TOKEN, sessionToken);
    }

    /** @param pathStyle path-style addressing; default true for custom endpoints, false for AWS @return this */
    public Builder pathStyle(boolean pathStyle) {
      return set(PATH_STYLE, pathStyle);
    }

    /** @param ssl TLS on or off; default on, except for loopback endpoints given without scheme @return this */
    public Builder ssl(boolean ssl) {
      return set(SSL, ssl);
    }

    /** @param mode server-side encryption @return this */
    public Builder sseMode(SseMode mode) {
      return set(SSE, mode);
    }

    /** Shorthand for SSE-KMS with a key id (null: the store's default key). @param keyId key id or ARN @return this */
    public Builder sseKms(String keyId) {
      set(SSE, SseMode.SSE_KMS);
      return set(SSE_KMS_KEY_ID, keyId);
    }

    /** @param keyId KMS key id for SSE-KMS @return this */
    public Builder sseKmsKeyId(String keyId) {
      return set(SSE_KMS_KEY_ID, keyId);
    }

    /** Shorthand for SSE-C. @param base64Key base64 of a 256-bit key @return this */
    public Builder sseC(String base64Key) {
      set(SSE, SseMode.SSE_C);
      return set(SSE_C_KEY, base64Key);
    }

    /** @param base64Key base64 of a 256-bit SSE-C key @return this */
    public Builder sseCustomerKey(String base64Key) {
      return set(SSE_C_KEY, base64Key);
    }

    /** @param allow permit SSE-C over plain HTTP to a loopback test server @return this */
    public Builder allowInsecureSseC(boolean allow) {
      return set(ALLOW_INSECURE_SSE_C, allow);
    }

    /** @param mode checksum mode; default WHEN_SUPPORTED for AWS, WHEN_REQUIRED for other endpoints @return this */
    public Builder checksumMode(ChecksumMode mode) {
      return set(CHECKSUM_MODE, mode);
    }

    /** @param mode conditional-write mode, AUTO by default @return this */
    public Builder conditionalWrites(ConditionalWriteMode mode) {
      return set(CONDITIONAL_WRITES, mode);
    }

    /** @param maxAttempts attempts per request for transient errors (1 = no retry) @return this */
    public Builder maxAttempts(int maxAttempts) {
      return set(MAX_ATTEMPTS, maxAttempts);
    }

    /**
     * @param base first retry delay
     * @param max largest retry delay
     * @return this
     */
    public Builder retryDelays(Duration base, Duration max) {
      set(BASE_RETRY_DELAY, Objects.requireNonNull(base, "base"));
      return set(MAX_RETRY_DELAY, Objects.requireNonNull(max, "max"));
    }

    /**
     * @param connect TCP connect timeout
     * @param socket socket read timeout
     * @return this
     */
    public Builder timeouts(Duration connect, Duration socket) {
      set(CONNECTION_TIMEOUT, Objects.requireNonNull(connect, "connect"));
      return set(SOCKET_TIMEOUT, Objects.requireNonNull(socket, "socket"));
    }

    /** @param maxConnections HTTP connection pool size @return this */
    public Builder maxConnections(int maxConnections) {
      return set(MAX_CONNECTIONS, maxConnections);
    }

    /** @param listPageSize keys per list page, 1..1000 @return this */
    public Builder listPageSize(int listPageSize) {
      return set(LIST_PAGE_SIZE, listPageSize);
    }

    /** @param stream the S3A stream data files are read with, CLASSIC by default @return this */
    public Builder readStream(ReadStream stream) {
      return set(READ_STREAM, stream);
    }

    /**
     * @param bytes memory for caching data read from S3 (see {@link S3Config#readMemoryLimitBytes()}): at least
     *     16 MiB, 0 for no cache (classic stream only), or -1 for the default (an eighth of the heap, within
     *     32..512 MiB)
     * @return this
     */
    public Builder readMemoryLimitBytes(long bytes) {
      return set(READ_MEMORY, bytes);
    }

    /**
     * @return the configuration
     * @throws DataShardException when settings are missing or contradict each other
     */
    public S3Config build() {
      return new S3Config(this);
    }
  }
}
