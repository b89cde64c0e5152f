package io.datashard.iceberg;

import io.datashard.s3.S3ProxyExtension;
import io.datashard.storage.StorageBackend;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CatalogScenarios} on S3 (an in-process S3Proxy). */
class S3CatalogScenariosTest extends CatalogScenarios {
  @RegisterExtension
  static final S3ProxyExtension server = new S3ProxyExtension();

  @Override
  protected StorageBackend newStorage() {
    return server.backend("mixed-" + UUID.randomUUID());
  }

  @Override
  protected int appendsPerWriter() {
    return 6;
  }
}
