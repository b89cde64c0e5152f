package io.datashard.parquet;

import io.datashard.storage.CountingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Path;

/** Local storage for this package's tests (no fsync), counting the bytes readers fetch. */
final class TestLocalStorage extends CountingStorageBackend {
  TestLocalStorage(Path root) {
    super(new LocalStorageBackend(root, false));
  }
}
