package io.datashard.encryption;

import io.datashard.Warehouse;
import java.nio.file.Path;

/** {@link EncryptionScenarios} on local disk. */
class LocalEncryptionTest extends EncryptionScenarios {
  private Path root;

  @Override
  protected Warehouse newWarehouse() {
    root = temp.resolve("warehouse");
    return Warehouse.local(root);
  }

  @Override
  protected Warehouse reopen(Warehouse warehouse) {
    return Warehouse.local(root);
  }
}
