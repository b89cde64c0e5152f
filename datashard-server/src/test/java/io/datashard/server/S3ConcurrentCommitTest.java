package io.datashard.server;

import io.datashard.Warehouse;
import io.datashard.s3.S3ProxyServer;
import io.datashard.s3.S3StorageBackend;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ConcurrentCommitScenarios} on S3 (an in-process S3Proxy). */
class S3ConcurrentCommitTest extends ConcurrentCommitScenarios {
  private static S3ProxyServer s3;
  private final String prefix = "concurrent-" + UUID.randomUUID();

  @BeforeAll
  static void startS3() {
    s3 = S3ProxyServer.start();
  }

  @AfterAll
  static void stopS3() {
    s3.close();
  }

  @Override
  protected Map<String, String> warehouseProperties() {
    return ServerFixture.s3(s3, prefix);
  }

  @Override
  protected Warehouse libraryWarehouse(Map<String, String> props, String namespace) {
    return Warehouse.of(new S3StorageBackend(s3.configBuilder().prefix(prefix + "/" + namespace).build()));
  }

  @Override
  protected int appendsPerWriter() {
    return 6;
  }
}
