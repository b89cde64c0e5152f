package io.datashard.s3;

import io.datashard.StaleHandleScenarios;
import io.datashard.Warehouse;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link StaleHandleScenarios} on S3 (an in-process S3Proxy): the protocol is the same on both backends. */
class S3StaleHandleTest extends StaleHandleScenarios {
  @RegisterExtension
  static final S3ProxyExtension server = new S3ProxyExtension();

  @Override
  protected Warehouse newWarehouse() {
    return Warehouse.of(new S3StorageBackend(server.configBuilder(server.endpoint())
        .prefix("stale-" + UUID.randomUUID()).build()));
  }
}
