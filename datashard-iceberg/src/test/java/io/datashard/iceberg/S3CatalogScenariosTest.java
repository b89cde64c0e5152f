package io.datashard.iceberg;

import io.datashard.s3.S3ProxyServer;
import io.datashard.s3.S3StorageBackend;
import io.datashard.storage.StorageBackend;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link CatalogScenarios} on S3 (an in-process S3Proxy). */
class S3CatalogScenariosTest extends CatalogScenarios {
  private static S3ProxyServer server;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Override
  protected StorageBackend newStorage() {
    return new S3StorageBackend(server.configBuilder().prefix("mixed-" + UUID.randomUUID()).build());
  }

  @Override
  protected int appendsPerWriter() {
    return 6;
  }
}
