package io.datashard.storage;

import java.time.Duration;

/**
 * A backend whose calls count as applied the moment they return ({@link StorageBackend#longestCall} zero), so that
 * tests can remove tombstones after a fraction of a second: only with a base age as short
 * ({@code Warehouse.withBaseMaxAge}). Everything else is the wrapped backend's.
 */
public final class InstantCallsStorage extends ForwardingStorageBackend {
  /** @param delegate the backend to wrap (closed with this one) */
  public InstantCallsStorage(StorageBackend delegate) {
    super(delegate);
  }

  @Override
  public Duration longestCall() {
    return Duration.ZERO;
  }
}
