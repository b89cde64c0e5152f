package io.datashard.storage;

import java.net.URI;
import java.time.Duration;

/**
 * A capability of object-store backends: a URL that reads one file without credentials for a limited time (an S3
 * presigned {@code GET}). Local disk has no such thing and does not implement it. Decorators
 * ({@link ForwardingStorageBackend}) are looked through by {@link #of(StorageBackend)}.
 */
public interface PresigningBackend {

  /**
   * @param location a file of this backend
   * @param ttl how long the URL works, more than zero and at most the store's limit (7 days on S3)
   * @return a {@code GET} URL for the whole file
   * @throws io.datashard.DataShardException when the file cannot be presigned (for example, SSE-C encryption needs
   *     the customer key on every read, which a URL cannot carry)
   */
  URI presignGet(String location, Duration ttl);

  /**
   * @param backend a backend, possibly wrapped in decorators
   * @return the backend's presigning capability, or null when it has none (local disk)
   */
  static PresigningBackend of(StorageBackend backend) {
    StorageBackend b = backend;
    while (true) {
      if (b instanceof PresigningBackend p) {
        return p;
      }
      if (b instanceof ForwardingStorageBackend f) {
        b = f.delegate();
      } else {
        return null;
      }
    }
  }
}
