package io.datashard.server;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code datashard serve} command line. */
@Command(name = "datashard serve", mixinStandardHelpOptions = true, version = "datashard serve 0.1.0-SNAPSHOT",
    description = "Serve a DataShard warehouse as an Apache Iceberg REST catalog (no database; see docs/catalog.md).",
    footerHeading = "%nEnvironment:%n",
    footer = {
        "  DATASHARD_SERVER_TOKEN_SECRET  key that signs OAuth2 tokens; give all servers of a warehouse the same",
        "  DATASHARD_SERVER_TLS_PASSWORD  password of the --tls-keystore",
        "  DATASHARD_S3_ENDPOINT, DATASHARD_S3_REGION, DATASHARD_S3_ACCESS_KEY, ... (see docs/s3.md)"})
public final class ServeCommand implements Callable<Integer> {
  @Option(names = {"-w", "--warehouse"}, required = true, paramLabel = "LOCATION",
      description = "A local directory or s3://bucket/prefix")
  String warehouse;

  @Option(names = "--port", defaultValue = "8181", description = "Port (default ${DEFAULT-VALUE}; 0: any free)")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default "
      + "${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Principals, one a line: 'name read-only|read-write secret'")
  Path tokenFile;

  @Option(names = "--remote-signing", description = "Sign engines' S3 requests for the tables they may access "
      + "(Iceberg's s3.remote-signing-enabled), so engines need no S3 credentials; S3 warehouses only")
  boolean remoteSigning;

  @Option(names = "--insecure-no-auth", description = "Switch authentication off (every caller may write)")
  boolean insecure;

  @Option(names = "--token-ttl", defaultValue = "3600", paramLabel = "SECONDS",
      description = "Lifetime of OAuth2 tokens (default ${DEFAULT-VALUE})")
  long tokenTtl;

  @Option(names = "--tls-keystore", paramLabel = "FILE",
      description = "PKCS12 key store: serve HTTPS (password from DATASHARD_SERVER_TLS_PASSWORD)")
  Path tlsKeyStore;

  @Option(names = "--max-request-bytes", defaultValue = "16777216",
      description = "Largest request body (default ${DEFAULT-VALUE})")
  long maxRequestBytes;

  @Option(names = "--idle-timeout", defaultValue = "30000", paramLabel = "MILLIS",
      description = "Idle connection timeout (default ${DEFAULT-VALUE})")
  long idleTimeout;

  @Option(names = "--no-group-commit", description = "Commit every table update on its own instead of publishing "
      + "the commits to one table that arrive together as one version")
  boolean noGroupCommit;

  @Override
  public Integer call() throws Exception {
    DataShardServer.Builder b = DataShardServer.builder()
        .warehouse(warehouse).port(port).bind(bind).tokenTtlSeconds(tokenTtl)
        .maxRequestBytes(maxRequestBytes).idleTimeoutMillis(idleTimeout);
    if (insecure) {
      if (tokenFile != null) {
        System.err.println("datashard serve: --insecure-no-auth and --token-file exclude each other");
        return 2;
      }
      b.insecureNoAuth();
    } else if (tokenFile != null) {
      b.credentials(Credentials.load(tokenFile));
    } else {
      System.err.println("datashard serve: authentication is on by default: give --token-file FILE, or "
          + "--insecure-no-auth to switch it off");
      return 2;
    }
    if (tlsKeyStore != null) {
      b.tls(tlsKeyStore, System.getenv(DataShardServer.TLS_PASSWORD_ENV));
    }
    b.remoteSigning(remoteSigning).coalesceCommits(!noGroupCommit);
    DataShardServer server = b.build().start();
    System.err.println("datashard serve: listening at " + server.uri() + " (Ctrl-C or SIGTERM stops it)");
    server.join();
    return 0;
  }
}
