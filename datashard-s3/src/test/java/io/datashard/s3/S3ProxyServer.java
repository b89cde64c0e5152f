package io.datashard.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.slf4j.LoggerFactory;

/**
 * An in-process S3 server (S3Proxy) on 127.0.0.1 and a free port, with one bucket, for tests and benchmarks.
 * Reusable from other modules through datashard-s3's test-jar.
 *
 * <pre>{@code
 * try (S3ProxyServer s3 = S3ProxyServer.start();
 *      S3StorageBackend backend = new S3StorageBackend(s3.configBuilder().prefix("wh").build())) { ... }
 * }</pre>
 */
public final class S3ProxyServer implements AutoCloseable {
  /** Access key the server accepts. */
  public static final String ACCESS_KEY = "datashard-test-access-key";
  /** Secret key the server accepts (a test value, not a real secret). */
  public static final String SECRET_KEY = "datashard-test-secret-key-0123456789";
  /** Region clients should sign for. */
  public static final String REGION = "us-east-1";

  private final S3Proxy proxy;
  private final BlobStore blobStore;
  private final String bucket;
  private final URI endpoint;

  private S3ProxyServer(Builder b) throws Exception {
    quietLogging();
    Properties props = new Properties();
    String provider;
    if (b.directory != null) {
      provider = "filesystem";
      props.setProperty("jclouds.filesystem.basedir", b.directory.toAbsolutePath().toString());
    } else {
      provider = "transient";
    }
    this.blobStore = BlobStores.create(provider, props);
    this.bucket = b.bucket;
    S3Proxy.Builder pb = S3Proxy.builder()
        .blobStore(blobStore)
        .endpoint(URI.create("http://127.0.0.1:0"))
        .ignoreUnknownHeaders(true)
        .jettyMaxThreads(b.maxThreads)
        .stopTimeout(0);
    if (b.authenticate) {
      pb.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY);
    } else {
      pb.awsAuthentication(AuthenticationType.NONE, null, null);
    }
    this.proxy = pb.build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(5);
    }
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    blobStore.createContainer(bucket);
  }

  /** @return a server with a transient (in-memory) store, authentication on, and bucket {@code test-bucket} */
  public static S3ProxyServer start() {
    return builder().start();
  }

  /** @return a builder */
  public static Builder builder() {
    return new Builder();
  }

  /** S3Proxy, Jetty and the SDK it embeds log at INFO/DEBUG by default under logback; keep them at WARN. */
  private static void quietLogging() {
    for (String name : new String[] {"org.gaul", "org.eclipse.jetty", "org.gaul.shaded", "software.amazon.awssdk"}) {
      org.slf4j.Logger logger = LoggerFactory.getLogger(name);
      if (logger instanceof ch.qos.logback.classic.Logger) {
        ((ch.qos.logback.classic.Logger) logger).setLevel(ch.qos.logback.classic.Level.WARN);
      }
    }
  }

  /** @return {@code http://127.0.0.1:port} */
  public URI endpoint() {
    return endpoint;
  }

  /** @return the port */
  public int port() {
    return endpoint.getPort();
  }

  /** @return the bucket created at start */
  public String bucket() {
    return bucket;
  }

  /** @return the underlying store, e.g. to create more buckets */
  public BlobStore blobStore() {
    return blobStore;
  }

  /** @return a config builder pointing at this server (path style, test credentials, its bucket) */
  public S3Config.Builder configBuilder() {
    return configBuilder(endpoint);
  }

  /**
   * @param via the endpoint clients use (this server's, or a proxy in front of it)
   * @param prefix the warehouse's key prefix in the bucket
   * @return the {@code DATASHARD_*} variables a user sets to put a warehouse there (a mutable copy)
   */
  public java.util.Map<String, String> environment(URI via, String prefix) {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("DATASHARD_STORAGE_TYPE", "s3");
    env.put("DATASHARD_S3_ENDPOINT", via.toString());
    env.put("DATASHARD_S3_BUCKET", bucket());
    env.put("DATASHARD_S3_PREFIX", prefix);
    env.put("DATASHARD_S3_ACCESS_KEY", ACCESS_KEY);
    env.put("DATASHARD_S3_SECRET_KEY", SECRET_KEY);
    return env;
  }

  /**
   * @param via the endpoint clients use (this server's, or a proxy in front of it)
   * @param prefix the warehouse's key prefix in the bucket
   * @return the catalog properties an engine, {@code DataShardCatalog} or {@code datashard serve} is given for a
   *     warehouse there: {@code warehouse} and the {@code s3.*} settings (immutable)
   */
  public java.util.Map<String, String> catalogProperties(URI via, String prefix) {
    return java.util.Map.of(
        "warehouse", "s3://" + bucket() + "/" + prefix,
        "s3.endpoint", via.toString(),
        "s3.region", REGION,
        "s3.access-key", ACCESS_KEY,
        "s3.secret-key", SECRET_KEY,
        "s3.path-style", "true");
  }

  /**
   * @param via an endpoint in front of this server (such as a {@link CountingS3Proxy})
   * @return a config builder for this server's bucket and credentials, reached through {@code via}
   */
  public S3Config.Builder configBuilder(URI via) {
    return S3Config.builder()
        .endpoint(via.toString())
        .region(REGION)
        .bucket(bucket)
        .credentials(ACCESS_KEY, SECRET_KEY)
        .pathStyle(true);
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop S3Proxy", e);
    } finally {
      blobStore.close();
    }
  }

  /** Options of {@link S3ProxyServer}. */
  public static final class Builder {
    private Path directory;
    private String bucket = "test-bucket";
    private boolean authenticate = true;
    private int maxThreads = 32;

    private Builder() {
    }

    /** @param dir keep objects in this directory (the {@code filesystem} store) instead of memory @return this */
    public Builder filesystem(Path dir) {
      this.directory = dir;
      return this;
    }

    /** @param bucket the bucket to create @return this */
    public Builder bucket(String bucket) {
      this.bucket = bucket;
      return this;
    }

    /** @param authenticate check AWS signatures (default true); off lets a proxy rewrite signed headers @return this */
    public Builder authenticate(boolean authenticate) {
      this.authenticate = authenticate;
      return this;
    }

    /** @param maxThreads Jetty worker threads @return this */
    public Builder maxThreads(int maxThreads) {
      this.maxThreads = maxThreads;
      return this;
    }

    /** @return a started server */
    public S3ProxyServer start() {
      try {
        return new S3ProxyServer(this);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("cannot start S3Proxy", e);
      }
    }
  }
}
