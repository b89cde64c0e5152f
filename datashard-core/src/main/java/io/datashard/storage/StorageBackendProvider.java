package io.datashard.storage;

import java.util.Map;

/**
 * Service-provider interface that lets a backend module (such as {@code datashard-s3}) be chosen by the
 * {@code DATASHARD_STORAGE_TYPE} environment variable without the core depending on it. Implementations are
 * found with {@link java.util.ServiceLoader}.
 */
public interface StorageBackendProvider {
  /** @return the storage type this provider serves, e.g. {@code s3} */
  String storageType();

  /**
   * @param environment the {@code DATASHARD_*} settings (environment variables or an equivalent map)
   * @return a configured backend
   */
  StorageBackend create(Map<String, String> environment);
}
