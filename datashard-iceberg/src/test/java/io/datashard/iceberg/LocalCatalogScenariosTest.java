package io.datashard.iceberg;

import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.StorageBackend;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** {@link CatalogScenarios} on local disk. */
class LocalCatalogScenariosTest extends CatalogScenarios {
  @TempDir
  Path dir;

  @Override
  protected StorageBackend newStorage() {
    return new LocalStorageBackend(dir.resolve(UUID.randomUUID().toString()));
  }

  @Override
  protected int appendsPerWriter() {
    return 12;
  }
}
