package io.datashard.server;

import io.datashard.iceberg.DataShardCatalog;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code datashard serve}: an Apache Iceberg REST catalog server over a DataShard warehouse (local directory or
 * {@code s3://bucket/prefix}). Every table commit is the exclusive create of the next version file, as in the
 * library, so the server keeps no state: any number of servers, library writers and {@code catalog-impl} engines can
 * work on one warehouse at once. See {@code docs/catalog.md}, "REST server".
 *
 * <pre>{@code
 * DataShardServer server = DataShardServer.builder()
 *     .warehouse("/data/warehouse")
 *     .credentials(Credentials.load(Path.of("tokens.txt")))
 *     .port(8181)
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>Authentication is on by default: a server built without {@link Builder#credentials} or
 * {@link Builder#insecureNoAuth()} refuses to start.
 */
public final class DataShardServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataShardServer.class);

  /** Environment variable with the key that signs OAuth2 tokens (shared by servers that accept each other's). */
  public static final String TOKEN_SECRET_ENV = "DATASHARD_SERVER_TOKEN_SECRET";
  /** Environment variable with the password of the TLS key store. */
  public static final String TLS_PASSWORD_ENV = "DATASHARD_SERVER_TLS_PASSWORD";

  private final Builder config;
  private final DataShardCatalog catalog;
  private final boolean ownsCatalog;
  private final ServerMetrics metrics = new ServerMetrics();
  private final Server jetty;
  private final ServerConnector connector;

  private static RemoteSigning remoteSigning(DataShardCatalog catalog) {
    RemoteSigning r = RemoteSigning.forStorage(catalog.storage());
    if (r == null) {
      throw new io.datashard.DataShardException("remote signing needs a warehouse on S3; "
          + catalog.storage().root() + " is not");
    }
    return r;
  }

  private DataShardServer(Builder b) {
    this.config = b;
    if (b.catalog != null) {
      this.catalog = b.catalog;
      this.ownsCatalog = false;
    } else {
      Map<String, String> props = new HashMap<>(b.catalogProperties);
      // A commit is answered once its version exists; the advisory hint follows (docs/catalog.md, "Commits").
      props.putIfAbsent("datashard.version-hint.async", "true");
      if (b.warehouse != null) {
        props.put("warehouse", b.warehouse);
      }
      DataShardCatalog c = new DataShardCatalog();
      c.initialize("datashard", props);
      this.catalog = c;
      this.ownsCatalog = true;
    }
    Authenticator auth = b.insecure ? Authenticator.insecure()
        : Authenticator.of(b.credentials, b.signer != null ? b.signer : defaultSigner(), b.tokenTtlSeconds);

    QueuedThreadPool threads = new QueuedThreadPool(b.maxThreads, Math.min(8, b.maxThreads));
    threads.setName("datashard-server");
    this.jetty = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Encoded slashes and dot segments reach the handler, which refuses them with an Iceberg error body (400)
    // instead of Jetty's bare page; nothing is resolved against the file system by Jetty.
    http.setUriCompliance(UriCompliance.UNSAFE);
    http.setRequestHeaderSize(16 * 1024);
    ServerConnector c;
    if (b.tlsKeyStore != null) {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(b.tlsKeyStore.toAbsolutePath().toString());
      ssl.setKeyStoreType("PKCS12");
      ssl.setKeyStorePassword(b.tlsPassword);
      http.addCustomizer(new SecureRequestCustomizer(false));
      c = new ServerConnector(jetty, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    } else {
      c = new ServerConnector(jetty, new HttpConnectionFactory(http));
    }
    c.setHost(b.bind);
    c.setPort(b.port);
    c.setIdleTimeout(b.idleTimeoutMillis);
    this.connector = c;
    jetty.addConnector(c);
    GracefulHandler graceful = new GracefulHandler(new RestHandler(catalog, auth, metrics, b.maxRequestBytes,
        b.remoteSigning ? remoteSigning(catalog) : null, b.coalesceCommits));
    jetty.setHandler(graceful);
    jetty.setErrorHandler(new JsonErrorHandler());
    jetty.setStopTimeout(b.stopTimeoutMillis);
    jetty.setStopAtShutdown(true); // SIGTERM / Ctrl-C: stop gracefully (requests in flight finish)
    jetty.addEventListener(new LifeCycle.Listener() {
      @Override
      public void lifeCycleStopped(LifeCycle event) {
        LOG.info("stopped serving warehouse {}", catalog.storage().root());
      }
    });
  }

  private static TokenSigner defaultSigner() {
    String secret = System.getenv(TOKEN_SECRET_ENV);
    if (secret == null || secret.isEmpty()) {
      LOG.warn("{} is not set: OAuth2 tokens are signed with a random key and only this process accepts them",
          TOKEN_SECRET_ENV);
      return TokenSigner.random();
    }
    return new TokenSigner(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.time.Clock.systemUTC());
  }

  /** @return a builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts listening.
   *
   * @return this server
   * @throws Exception when the port cannot be bound or the key store cannot be read
   */
  public DataShardServer start() throws Exception {
    jetty.start();
    if (config.insecure) {
      LOG.warn("authentication is OFF (--insecure-no-auth): every caller can read, write and drop tables");
    }
    LOG.info("serving the Iceberg REST catalog for warehouse {} at {} (authentication {})",
        catalog.storage().root(), uri(), config.insecure ? "OFF" : "on");
    return this;
  }

  /** @return the port it listens on (the real one when 0 was asked for) */
  public int port() {
    return connector.getLocalPort();
  }

  /** @return the base URI clients use, e.g. {@code http://127.0.0.1:8181} */
  public URI uri() {
    return URI.create((config.tlsKeyStore != null ? "https" : "http") + "://" + hostForUri() + ":" + port());
  }

  private String hostForUri() {
    String h = config.bind;
    return h.contains(":") ? "[" + h + "]" : h;
  }

  /** @return the request counters */
  public ServerMetrics metrics() {
    return metrics;
  }

  /** @return the catalog it serves */
  public DataShardCatalog catalog() {
    return catalog;
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  /** Stops gracefully: no new requests, requests in flight finish (up to the stop timeout), then the catalog. */
  @Override
  public void close() throws IOException {
    try {
      jetty.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stopping");
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("could not stop the server", e);
    } finally {
      if (ownsCatalog) {
        catalog.close();
      }
    }
  }

  @Override
  public String toString() {
    return "DataShardServer{" + catalog + ", " + config.bind + ":" + config.port + ", auth="
        + (config.insecure ? "off" : "on") + ", tls=" + (config.tlsKeyStore != null) + "}";
  }

  /** Runs {@code datashard serve}; see {@link ServeCommand}. */
  public static void main(String[] args) {
    int code = new CommandLine(new ServeCommand()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Configures a {@link DataShardServer}. Secrets given to it never appear in {@link #toString()}. */
  public static final class Builder {
    private String warehouse;
    private final Map<String, String> catalogProperties = new HashMap<>();
    private DataShardCatalog catalog;
    private String bind = "127.0.0.1";
    private int port = 8181;
    private Credentials credentials;
    private TokenSigner signer;
    private long tokenTtlSeconds = 3600;
    private boolean insecure;
    private Path tlsKeyStore;
    private String tlsPassword;
    private long maxRequestBytes = 16L * 1024 * 1024;
    private long idleTimeoutMillis = 30_000;
    private long stopTimeoutMillis = 30_000;
    private int maxThreads = 64;
    private boolean remoteSigning;
    private boolean coalesceCommits = true;

    private Builder() {
    }

    /** @param location a local directory or {@code s3://bucket/prefix} (S3 settings from {@code DATASHARD_S3_*}) */
    public Builder warehouse(String location) {
      this.warehouse = location;
      return this;
    }

    /** @param props properties for the {@link DataShardCatalog} (see {@code docs/catalog.md}, "Configuration") */
    public Builder catalogProperties(Map<String, String> props) {
      this.catalogProperties.putAll(props);
      return this;
    }

    /** @param open a catalog to serve (not closed by the server); overrides warehouse and properties */
    public Builder catalog(DataShardCatalog open) {
      this.catalog = open;
      return this;
    }

    /** @param address the address to listen on (default {@code 127.0.0.1}) */
    public Builder bind(String address) {
      this.bind = Objects.requireNonNull(address);
      return this;
    }

    /** @param p the port (default 8181; 0 picks a free one) */
    public Builder port(int p) {
      this.port = p;
      return this;
    }

    /** @param c the principals that may call the server */
    public Builder credentials(Credentials c) {
      this.credentials = Objects.requireNonNull(c);
      return this;
    }

    /** @param s the signer of OAuth2 tokens (default: key from {@value #TOKEN_SECRET_ENV}, else random) */
    public Builder tokenSigner(TokenSigner s) {
      this.signer = s;
      return this;
    }

    /** @param seconds lifetime of OAuth2 tokens (default 3600) */
    public Builder tokenTtlSeconds(long seconds) {
      this.tokenTtlSeconds = seconds;
      return this;
    }

    /** Switches authentication off: every request acts as a read-write principal. */
    public Builder insecureNoAuth() {
      this.insecure = true;
      return this;
    }

    /**
     * @param keyStore a PKCS12 key store with the server's key and certificate
     * @param password its password
     */
    public Builder tls(Path keyStore, String password) {
      this.tlsKeyStore = keyStore;
      this.tlsPassword = password;
      return this;
    }

    /** @param bytes the largest request body accepted (default 16 MiB; larger: 413) */
    public Builder maxRequestBytes(long bytes) {
      this.maxRequestBytes = bytes;
      return this;
    }

    /** @param millis how long a connection may be idle, also while a request body is read (default 30 s) */
    public Builder idleTimeoutMillis(long millis) {
      this.idleTimeoutMillis = millis;
      return this;
    }

    /** @param millis how long a stop waits for requests in flight (default 30 s) */
    public Builder stopTimeoutMillis(long millis) {
      this.stopTimeoutMillis = millis;
      return this;
    }

    /** @param n the most request threads (default 64) */
    /**
     * Turns on Apache Iceberg's S3 remote signing: table load responses carry {@code s3.remote-signing-enabled}
     * and a per-table signer endpoint, and the server signs engines' S3 requests for objects inside the table
     * with the warehouse's credentials (reads only for read-only principals), so engines need no S3 credentials.
     * The warehouse must be on S3. See docs/catalog.md.
     *
     * @return this
     */
    public Builder remoteSigning(boolean on) {
      this.remoteSigning = on;
      return this;
    }

    /**
     * Group commit (on by default): the commits to one table that arrive while a version of it is being published
     * are published together as the next version, appends that built on an older snapshot moved onto the new head
     * as their client would on a retry (docs/concurrency.md, "Group commit in the REST server"). Off, every
     * request commits on its own through Iceberg's handler.
     *
     * @return this
     */
    public Builder coalesceCommits(boolean on) {
      this.coalesceCommits = on;
      return this;
    }

    public Builder maxThreads(int n) {
      this.maxThreads = n;
      return this;
    }

    /**
     * @return the server, not started
     * @throws IllegalStateException when neither credentials nor {@link #insecureNoAuth()} were given
     */
    public DataShardServer build() {
      if (!insecure && credentials == null) {
        throw new IllegalStateException("Authentication is on by default: give credentials (--token-file) or "
            + "switch it off explicitly (--insecure-no-auth)");
      }
      if (!insecure && credentials.size() == 0) {
        throw new IllegalStateException("The credentials name no principal");
      }
      if (tlsKeyStore != null && (tlsPassword == null || tlsPassword.isEmpty())) {
        throw new IllegalStateException("A TLS key store needs its password (" + TLS_PASSWORD_ENV + ")");
      }
      return new DataShardServer(this);
    }

    @Override
    public String toString() {
      return "Builder{warehouse=" + warehouse + ", bind=" + bind + ", port=" + port + ", insecure=" + insecure
          + ", tls=" + (tlsKeyStore != null) + "}";
    }
  }
}
