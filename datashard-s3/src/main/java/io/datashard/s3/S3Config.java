package io.datashard.s3;

import io.datashard.DataShardException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
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

  private final URI endpoint;
  private final String region;
  private final String bucket;
  private final String prefix;
  private final String accessKey;
  private final String secretKey;
  private final String sessionToken;
  private final boolean pathStyle;
  private final boolean ssl;
  private final SseMode sseMode;
  private final String sseKmsKeyId;
  private final String sseCustomerKey;
  private final boolean allowInsecureSseC;
  private final ChecksumMode checksumMode;
  private final ConditionalWriteMode conditionalWrites;
  private final int maxAttempts;
  private final Duration baseRetryDelay;
  private final Duration maxRetryDelay;
  private final Duration connectionTimeout;
  private final Duration socketTimeout;
  private final int maxConnections;
  private final int listPageSize;
  private final ReadStream readStream;
  private final long readMemoryLimitBytes;

  private S3Config(Builder b) {
    if (b.bucket == null || b.bucket.isBlank()) {
      throw new DataShardException("S3 bucket is not set: set " + ENV_BUCKET + " (or S3Config.builder().bucket(..))");
    }
    this.bucket = b.bucket.trim();
    this.region = b.region == null || b.region.isBlank() ? "us-east-1" : b.region.trim();
    this.prefix = normalizePrefix(b.prefix);
    if ((b.accessKey == null) != (b.secretKey == null)) {
      throw new DataShardException("S3 credentials are incomplete: set both " + ENV_ACCESS_KEY + " and " + ENV_SECRET_KEY
          + ", or neither to use the AWS default credential chain");
    }
    this.accessKey = b.accessKey;
    this.secretKey = b.secretKey;
    this.sessionToken = b.sessionToken;
    this.endpoint = resolveEndpoint(b.endpoint, b.ssl);
    this.ssl = endpoint == null || "https".equals(endpoint.getScheme());
    this.pathStyle = b.pathStyle != null ? b.pathStyle : endpoint != null && !isAmazonHost(endpoint.getHost());
    this.sseMode = b.sseMode == null ? SseMode.NONE : b.sseMode;
    this.sseKmsKeyId = b.sseKmsKeyId;
    this.sseCustomerKey = b.sseCustomerKey;
    this.allowInsecureSseC = b.allowInsecureSseC;
    if (sseMode != SseMode.SSE_KMS && sseKmsKeyId != null) {
      throw new DataShardException("an SSE-KMS key id is set but the SSE mode is " + sseMode + ": set " + ENV_SSE + "=sse-kms");
    }
    if (sseMode == SseMode.SSE_C) {
      if (sseCustomerKey == null) {
        throw new DataShardException("SSE-C needs a customer key: set " + ENV_SSE_C_KEY + " to the base64 of a 256-bit key");
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(sseCustomerKey);
      } catch (IllegalArgumentException e) {
        throw new DataShardException("the SSE-C customer key (" + ENV_SSE_C_KEY + ") is not valid base64");
      }
      if (key.length != 32) {
        throw new DataShardException("the SSE-C customer key (" + ENV_SSE_C_KEY + ") must be 256 bits (32 bytes), got "
            + key.length + " bytes");
      }
      if (!ssl && !(allowInsecureSseC && isLoopback(endpoint.getHost()))) {
        throw new DataShardException("SSE-C sends the encryption key with every request and is refused without TLS: use an"
            + " https endpoint (" + ENV_ENDPOINT + ", " + ENV_SSL + "=true)");
      }
    } else if (sseCustomerKey != null) {
      throw new DataShardException("an SSE-C customer key is set but the SSE mode is " + sseMode + ": set " + ENV_SSE + "=sse-c");
    }
    this.checksumMode = b.checksumMode != null ? b.checksumMode
        : endpoint == null || isAmazonHost(endpoint.getHost()) ? ChecksumMode.WHEN_SUPPORTED : ChecksumMode.WHEN_REQUIRED;
    this.conditionalWrites = b.conditionalWrites == null ? ConditionalWriteMode.AUTO : b.conditionalWrites;
    if (b.maxAttempts < 1) {
      throw new DataShardException("S3 max attempts must be at least 1, got " + b.maxAttempts);
    }
    this.maxAttempts = b.maxAttempts;
    this.baseRetryDelay = Objects.requireNonNull(b.baseRetryDelay, "baseRetryDelay");
    this.maxRetryDelay = Objects.requireNonNull(b.maxRetryDelay, "maxRetryDelay");
    this.connectionTimeout = Objects.requireNonNull(b.connectionTimeout, "connectionTimeout");
    this.socketTimeout = Objects.requireNonNull(b.socketTimeout, "socketTimeout");
    if (b.maxConnections < 1) {
      throw new DataShardException("S3 max connections must be at least 1, got " + b.maxConnections);
    }
    this.maxConnections = b.maxConnections;
    if (b.listPageSize < 1 || b.listPageSize > 1000) {
      throw new DataShardException("S3 list page size must be within 1..1000, got " + b.listPageSize);
    }
    this.listPageSize = b.listPageSize;
    this.readStream = b.readStream == null ? ReadStream.CLASSIC : b.readStream;
    if (b.readMemoryLimitBytes == 0 && readStream == ReadStream.ANALYTICS) {
      throw new DataShardException("the analytics read stream cannot run without memory: set " + ENV_READ_MEMORY_MB
          + " to at least " + (MIN_READ_MEMORY >> 20) + " (MiB), or leave it unset for the default");
    }
    if (b.readMemoryLimitBytes > 0 && b.readMemoryLimitBytes < MIN_READ_MEMORY || b.readMemoryLimitBytes < -1) {
      throw new DataShardException("the S3 read memory limit must be 0 (no cache) or at least " + (MIN_READ_MEMORY >> 20)
          + " MiB, got " + b.readMemoryLimitBytes + " bytes");
    }
    this.readMemoryLimitBytes = b.readMemoryLimitBytes >= 0 ? b.readMemoryLimitBytes : defaultReadMemory();
  }

  private static final long MIN_READ_MEMORY = 16L << 20;

  /** An eighth of the heap, within 32..512 MiB: cached data never crowds out the application. */
  private static long defaultReadMemory() {
    return Math.max(32L << 20, Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8));
  }

  /** @return a new builder with defaults */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder initialized with this configuration's values */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.endpoint = endpoint == null ? null : endpoint.toString();
    b.region = region;
    b.bucket = bucket;
    b.prefix = prefix;
    b.accessKey = accessKey;
    b.secretKey = secretKey;
    b.sessionToken = sessionToken;
    b.pathStyle = pathStyle;
    b.ssl = null;
    b.sseMode = sseMode;
    b.sseKmsKeyId = sseKmsKeyId;
    b.sseCustomerKey = sseCustomerKey;
    b.allowInsecureSseC = allowInsecureSseC;
    b.checksumMode = checksumMode;
    b.conditionalWrites = conditionalWrites;
    b.maxAttempts = maxAttempts;
    b.baseRetryDelay = baseRetryDelay;
    b.maxRetryDelay = maxRetryDelay;
    b.connectionTimeout = connectionTimeout;
    b.socketTimeout = socketTimeout;
    b.maxConnections = maxConnections;
    b.listPageSize = listPageSize;
    b.readStream = readStream;
    b.readMemoryLimitBytes = readMemoryLimitBytes;
    return b;
  }

  /**
   * Reads the configuration from {@code DATASHARD_S3_*} variables (see the {@code ENV_*} constants and
   * docs/s3.md). Unset or blank variables take their defaults.
   *
   * @param env the variables, typically {@code System.getenv()}
   * @return the configuration
   * @throws DataShardException when a variable is missing or malformed; the message names the variable
   */
  public static S3Config fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    b.endpoint(get(env, ENV_ENDPOINT));
    b.region(get(env, ENV_REGION));
    String bucket = get(env, ENV_BUCKET);
    String prefix = get(env, ENV_PREFIX);
    String warehouse = get(env, ENV_WAREHOUSE);
    if (bucket == null && warehouse != null && (warehouse.startsWith("s3://") || warehouse.startsWith("s3a://"))) {
      String rest = warehouse.substring(warehouse.indexOf("://") + 3);
      int slash = rest.indexOf('/');
      bucket = slash < 0 ? rest : rest.substring(0, slash);
      if (prefix == null && slash >= 0) {
        prefix = rest.substring(slash + 1);
      }
    }
    b.bucket(bucket);
    b.prefix(prefix);
    String ak = get(env, ENV_ACCESS_KEY);
    String sk = get(env, ENV_SECRET_KEY);
    if (ak != null || sk != null) {
      b.credentials(ak, sk);
    }
    b.sessionToken(get(env, ENV_SESSION_TOKEN));
    String pathStyle = get(env, ENV_PATH_STYLE);
    if (pathStyle != null) {
      b.pathStyle(parseBoolean(ENV_PATH_STYLE, pathStyle));
    }
    String ssl = get(env, ENV_SSL);
    if (ssl != null) {
      b.ssl(parseBoolean(ENV_SSL, ssl));
    }
    String sse = get(env, ENV_SSE);
    if (sse != null) {
      b.sseMode(parseEnum(ENV_SSE, sse, SseMode.class));
    }
    b.sseKmsKeyId(get(env, ENV_SSE_KMS_KEY_ID));
    b.sseCustomerKey(get(env, ENV_SSE_C_KEY));
    String insecure = get(env, ENV_ALLOW_INSECURE_SSE_C);
    if (insecure != null) {
      b.allowInsecureSseC(parseBoolean(ENV_ALLOW_INSECURE_SSE_C, insecure));
    }
    String checksum = get(env, ENV_CHECKSUM_MODE);
    if (checksum != null) {
      b.checksumMode(parseEnum(ENV_CHECKSUM_MODE, checksum, ChecksumMode.class));
    }
    String cw = get(env, ENV_CONDITIONAL_WRITES);
    if (cw != null) {
      b.conditionalWrites(parseEnum(ENV_CONDITIONAL_WRITES, cw, ConditionalWriteMode.class));
    }
    String stream = get(env, ENV_READ_STREAM);
    if (stream != null) {
      b.readStream(parseEnum(ENV_READ_STREAM, stream, ReadStream.class));
    }
    String memory = get(env, ENV_READ_MEMORY_MB);
    if (memory != null) {
      try {
        b.readMemoryLimitBytes(Long.parseLong(memory) << 20);
      } catch (NumberFormatException e) {
        throw new DataShardException(ENV_READ_MEMORY_MB + " must be an integer number of MiB, got '" + memory + "'");
      }
    }
    String attempts = get(env, ENV_MAX_ATTEMPTS);
    if (attempts != null) {
      try {
        b.maxAttempts(Integer.parseInt(attempts));
      } catch (NumberFormatException e) {
        throw new DataShardException(ENV_MAX_ATTEMPTS + " must be an integer, got '" + attempts + "'");
      }
    }
    return b.build();
  }

  private static String get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static boolean parseBoolean(String name, String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true": case "yes": case "1": case "on":
        return true;
      case "false": case "no": case "0": case "off":
        return false;
      default:
        throw new DataShardException(name + " must be true or false, got '" + value + "'");
    }
  }

  private static <E extends Enum<E>> E parseEnum(String name, String value, Class<E> type) {
    String norm = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(norm)) {
        return e;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw new DataShardException(name + " must be one of " + allowed + ", got '" + value + "'");
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
    return accessKey;
  }

  /** @return the secret key, or null; never log it */
  public String secretKey() {
    return secretKey;
  }

  /** @return the session token, or null; never log it */
  public String sessionToken() {
    return sessionToken;
  }

  /** @return whether static credentials are configured */
  public boolean hasStaticCredentials() {
    return accessKey != null;
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
    return sseMode;
  }

  /** @return the KMS key id for SSE-KMS, or null for the store's default key */
  public String sseKmsKeyId() {
    return sseKmsKeyId;
  }

  /** @return the base64 SSE-C customer key, or null; never log it */
  public String sseCustomerKey() {
    return sseCustomerKey;
  }

  /** @return whether SSE-C may be used without TLS against a loopback endpoint */
  public boolean allowInsecureSseC() {
    return allowInsecureSseC;
  }

  /** @return the checksum mode */
  public ChecksumMode checksumMode() {
    return checksumMode;
  }

  /** @return the conditional-write mode */
  public ConditionalWriteMode conditionalWrites() {
    return conditionalWrites;
  }

  /** @return maximum attempts per request for transient errors */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** @return the first retry delay (doubles per attempt, with full jitter) */
  public Duration baseRetryDelay() {
    return baseRetryDelay;
  }

  /** @return the largest retry delay */
  public Duration maxRetryDelay() {
    return maxRetryDelay;
  }

  /** @return the TCP connect timeout */
  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  /** @return the socket read timeout */
  public Duration socketTimeout() {
    return socketTimeout;
  }

  /** @return the size of the HTTP connection pool */
  public int maxConnections() {
    return maxConnections;
  }

  /** @return keys per ListObjectsV2 page (1..1000) */
  public int listPageSize() {
    return listPageSize;
  }

  /** @return the S3A stream data files are read with */
  public ReadStream readStream() {
    return readStream;
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
    return "S3Config{endpoint=" + (endpoint == null ? "aws" : endpoint)
        + ", region=" + region
        + ", bucket=" + bucket
        + ", prefix=" + prefix
        + ", credentials=" + (accessKey == null ? "default-chain" : "static(accessKey=" + maskAccessKey(accessKey)
            + ", secretKey=****" + (sessionToken == null ? "" : ", sessionToken=****") + ")")
        + ", pathStyle=" + pathStyle
        + ", ssl=" + ssl
        + ", sse=" + sseMode + (sseKmsKeyId == null ? "" : "(kmsKeyId=" + sseKmsKeyId + ")")
        + (sseCustomerKey == null ? "" : "(customerKey=****)")
        + ", checksumMode=" + checksumMode
        + ", conditionalWrites=" + conditionalWrites
        + ", maxAttempts=" + maxAttempts
        + ", readStream=" + readStream + ", readMemory=" + (readMemoryLimitBytes >> 20) + "MiB"
        + "}";
  }

  /** Shows only the first four characters of an access key id (they name the key type, not the key). */
  static String maskAccessKey(String accessKey) {
    return accessKey.length() <= 4 ? "****" : accessKey.substring(0, 4) + "****";
  }

  /** Mutable builder of {@link S3Config}; not thread-safe. */
  public static final class Builder {
    private String endpoint;
    private String region;
    private String bucket;
    private String prefix;
    private String accessKey;
    private String secretKey;
    private String sessionToken;
    private Boolean pathStyle;
    private Boolean ssl;
    private SseMode sseMode;
    private String sseKmsKeyId;
    private String sseCustomerKey;
    private boolean allowInsecureSseC;
    private ChecksumMode checksumMode;
    private ConditionalWriteMode conditionalWrites;
    private int maxAttempts = 6;
    private Duration baseRetryDelay = Duration.ofMillis(100);
    private Duration maxRetryDelay = Duration.ofSeconds(5);
    private Duration connectionTimeout = Duration.ofSeconds(10);
    private Duration socketTimeout = Duration.ofSeconds(60);
    private int maxConnections = 64;
    private int listPageSize = 1000;
    private ReadStream readStream;
    private long readMemoryLimitBytes = -1;

    private Builder() {
    }

    /**
     * @param endpoint {@code http(s)://host[:port]} or {@code host[:port]} (TLS unless loopback or
     *     {@link #ssl(boolean)} says otherwise); null for AWS S3
     * @return this
     */
    public Builder endpoint(String endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /** @param region the region, {@code us-east-1} by default @return this */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** @param bucket the bucket (required) @return this */
    public Builder bucket(String bucket) {
      this.bucket = bucket;
      return this;
    }

    /** @param prefix the warehouse key prefix inside the bucket @return this */
    public Builder prefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    /**
     * Static credentials; without them the AWS default credential chain applies.
     *
     * @param accessKey access key id
     * @param secretKey secret access key
     * @return this
     */
    public Builder credentials(String accessKey, String secretKey) {
      this.accessKey = accessKey;
      this.secretKey = secretKey;
      return this;
    }

    /** @param sessionToken session token of temporary credentials, or null @return this */
    public Builder sessionToken(String sessionToken) {
      this.sessionToken = sessionToken;
      return this;
    }

    /** @param pathStyle path-style addressing; default true for custom endpoints, false for AWS @return this */
    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /** @param ssl TLS on or off; default on, except for loopback endpoints given without scheme @return this */
    public Builder ssl(boolean ssl) {
      this.ssl = ssl;
      return this;
    }

    /** @param mode server-side encryption @return this */
    public Builder sseMode(SseMode mode) {
      this.sseMode = mode;
      return this;
    }

    /** Shorthand for SSE-KMS with a key id (null: the store's default key). @param keyId key id or ARN @return this */
    public Builder sseKms(String keyId) {
      this.sseMode = SseMode.SSE_KMS;
      this.sseKmsKeyId = keyId;
      return this;
    }

    /** @param keyId KMS key id for SSE-KMS @return this */
    public Builder sseKmsKeyId(String keyId) {
      this.sseKmsKeyId = keyId;
      return this;
    }

    /** Shorthand for SSE-C. @param base64Key base64 of a 256-bit key @return this */
    public Builder sseC(String base64Key) {
      this.sseMode = SseMode.SSE_C;
      this.sseCustomerKey = base64Key;
      return this;
    }

    /** @param base64Key base64 of a 256-bit SSE-C key @return this */
    public Builder sseCustomerKey(String base64Key) {
      this.sseCustomerKey = base64Key;
      return this;
    }

    /** @param allow permit SSE-C over plain HTTP to a loopback test server @return this */
    public Builder allowInsecureSseC(boolean allow) {
      this.allowInsecureSseC = allow;
      return this;
    }

    /** @param mode checksum mode; default WHEN_SUPPORTED for AWS, WHEN_REQUIRED for other endpoints @return this */
    public Builder checksumMode(ChecksumMode mode) {
      this.checksumMode = mode;
      return this;
    }

    /** @param mode conditional-write mode, AUTO by default @return this */
    public Builder conditionalWrites(ConditionalWriteMode mode) {
      this.conditionalWrites = mode;
      return this;
    }

    /** @param maxAttempts attempts per request for transient errors (1 = no retry) @return this */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * @param base first retry delay
     * @param max largest retry delay
     * @return this
     */
    public Builder retryDelays(Duration base, Duration max) {
      this.baseRetryDelay = base;
      this.maxRetryDelay = max;
      return this;
    }

    /**
     * @param connect TCP connect timeout
     * @param socket socket read timeout
     * @return this
     */
    public Builder timeouts(Duration connect, Duration socket) {
      this.connectionTimeout = connect;
      this.socketTimeout = socket;
      return this;
    }

    /** @param maxConnections HTTP connection pool size @return this */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    /** @param listPageSize keys per list page, 1..1000 @return this */
    public Builder listPageSize(int listPageSize) {
      this.listPageSize = listPageSize;
      return this;
    }

    /** @param stream the S3A stream data files are read with, CLASSIC by default @return this */
    public Builder readStream(ReadStream stream) {
      this.readStream = stream;
      return this;
    }

    /**
     * @param bytes memory for caching data read from S3 (see {@link S3Config#readMemoryLimitBytes()}): at least
     *     16 MiB, 0 for no cache (classic stream only), or -1 for the default (an eighth of the heap, within
     *     32..512 MiB)
     * @return this
     */
    public Builder readMemoryLimitBytes(long bytes) {
      this.readMemoryLimitBytes = bytes;
      return this;
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
