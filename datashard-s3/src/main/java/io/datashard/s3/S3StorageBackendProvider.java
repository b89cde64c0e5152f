package io.datashard.s3;

import io.datashard.storage.StorageBackend;
import io.datashard.storage.StorageBackendProvider;
import java.util.Map;

/** Makes {@code DATASHARD_STORAGE_TYPE=s3} choose {@link S3StorageBackend}; found through {@link java.util.ServiceLoader}. */
public final class S3StorageBackendProvider implements StorageBackendProvider {
  /** The storage type this provider serves. */
  public static final String STORAGE_TYPE = "s3";

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public S3StorageBackendProvider() {
  }

  @Override
  public String storageType() {
    return STORAGE_TYPE;
  }

  @Override
  public StorageBackend create(Map<String, String> environment) {
    return S3StorageBackend.fromEnvironment(environment);
  }
}
