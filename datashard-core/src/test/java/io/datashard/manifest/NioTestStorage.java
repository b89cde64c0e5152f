package io.datashard.manifest;

import io.datashard.storage.CountingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Path;

/** Local storage for this package's tests (no fsync), with helpers to reach the files directly. */
final class NioTestStorage extends CountingStorageBackend {
  private final LocalStorageBackend local;

  NioTestStorage(Path root) {
    this(new LocalStorageBackend(root, false));
  }

  private NioTestStorage(LocalStorageBackend local) {
    super(local);
    this.local = local;
  }

  Path path(String location) {
    return local.toPath(location);
  }

  String location(String relative) {
    return root() + "/" + relative;
  }
}
