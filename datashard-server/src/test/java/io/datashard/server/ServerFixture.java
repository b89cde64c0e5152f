package io.datashard.server;

import io.datashard.s3.S3ProxyServer;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.rest.RESTCatalog;

/** Starts a {@link DataShardServer} in-process on 127.0.0.1 and a free port, and REST clients for it. */
final class ServerFixture implements AutoCloseable {
  static final String WRITER = "writer";
  static final String WRITER_SECRET = "writer-secret-0123456789";
  static final String READER = "reader";
  static final String READER_SECRET = "reader-secret-0123456789";
  static final byte[] SIGNING_KEY = "test-signing-key-0123456789abcdef".getBytes();

  final DataShardServer server;
  final Map<String, String> warehouseProperties;

  private ServerFixture(DataShardServer server, Map<String, String> warehouseProperties) {
    this.server = server;
    this.warehouseProperties = warehouseProperties;
  }

  /**
   * @param warehouseProperties catalog properties naming the warehouse (local or S3)
   * @return a started server with a read-write and a read-only principal
   */
  static ServerFixture start(Map<String, String> warehouseProperties) throws Exception {
    return start(warehouseProperties, true);
  }

  /** @param groupCommit whether the server coalesces table commits ({@link DataShardServer.Builder#coalesceCommits}) */
  static ServerFixture start(Map<String, String> warehouseProperties, boolean groupCommit) throws Exception {
    Map<String, String> props = new HashMap<>(warehouseProperties);
    props.put("datashard.use-environment", "false");
    DataShardServer s = DataShardServer.builder()
        .catalogProperties(props)
        .port(0)
        .credentials(Credentials.builder()
            .add(WRITER, Role.READ_WRITE, WRITER_SECRET)
            .add(READER, Role.READ_ONLY, READER_SECRET)
            .build())
        .tokenSigner(new TokenSigner(SIGNING_KEY, java.time.Clock.systemUTC()))
        .coalesceCommits(groupCommit)
        .build()
        .start();
    return new ServerFixture(s, props);
  }

  /** @return properties for an S3 warehouse at a prefix of the running S3Proxy */
  static Map<String, String> s3(S3ProxyServer s3, String prefix) {
    return s3.catalogProperties(s3.endpoint(), prefix);
  }

  /**
   * Client properties: the server's URI, OAuth2 client credentials, and a FileIO that writes the client's
   * manifests into the same warehouse (Iceberg's client writes data and manifests itself).
   */
  Map<String, String> clientProperties(String clientId, String secret) {
    Map<String, String> p = new HashMap<>(warehouseProperties);
    p.put(CatalogProperties.URI, server.uri().toString());
    p.put(CatalogProperties.FILE_IO_IMPL, "io.datashard.iceberg.StorageFileIO");
    if (clientId != null) {
      p.put("credential", clientId + ":" + secret);
    }
    return p;
  }

  /** @return a RESTCatalog client logged in as the read-write principal */
  RESTCatalog writerClient(String name, Map<String, String> additional) {
    Map<String, String> p = clientProperties(WRITER, WRITER_SECRET);
    p.putAll(additional);
    RESTCatalog c = new RESTCatalog();
    c.initialize(name, p);
    return c;
  }

  @Override
  public void close() throws java.io.IOException {
    server.close();
  }
}
