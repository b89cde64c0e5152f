package io.datashard.rest;

import io.datashard.Warehouse;
import io.datashard.s3.S3ProxyExtension;
import io.datashard.s3.S3ProxyServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RestCatalogScenarios} on Apache Iceberg's reference REST catalog with the warehouse on S3 (an in-process
 * S3Proxy): the catalog writes its metadata with Iceberg's own {@code S3FileIO}, the DataShard library writes data
 * files with its S3 backend and credentials from the environment.
 */
class ReferenceRestCatalogS3Test extends RestCatalogScenarios {
  @RegisterExtension
  static final S3ProxyExtension s3 = new S3ProxyExtension();

  @TempDir
  Path dir;

  private ReferenceCatalogServer server;

  @BeforeEach
  void start() throws Exception {
    server = ReferenceCatalogServer.start(dir.resolve("catalog.db"), Map.of(
        "warehouse", "s3://" + s3.bucket() + "/reference-" + UUID.randomUUID(),
        "io-impl", "org.apache.iceberg.aws.s3.S3FileIO",
        "s3.endpoint", s3.endpoint().toString(),
        "s3.path-style-access", "true",
        "s3.access-key-id", S3ProxyServer.ACCESS_KEY,
        "s3.secret-access-key", S3ProxyServer.SECRET_KEY,
        "client.region", S3ProxyServer.REGION));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Override
  Warehouse rest() {
    return Warehouse.rest(server.uri(), Map.of(), RestS3Test.clientEnvironment(s3));
  }

  @Override
  String catalogUri() {
    return server.uri();
  }

  @Override
  Catalog backendCatalog() {
    return server.backend();
  }
}
