package io.datashard;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link StaleHandleScenarios} on local disk. */
class LocalStaleHandleTest extends StaleHandleScenarios {
  @TempDir
  Path dir;
  private int n;

  @Override
  protected Warehouse newWarehouse() {
    return Warehouse.local(dir.resolve("wh" + n++));
  }
}
