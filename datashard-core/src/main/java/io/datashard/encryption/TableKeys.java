package io.datashard.encryption;

import io.datashard.metadata.DataFile;
import io.datashard.metadata.TableMetadata;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The encryption side of one table handle: makes the {@link FileEncryptor} of a write from the table's properties
 * and the {@link FileDecryption} of a data file from its manifest {@code key_metadata}, through the warehouse's
 * {@link KeyManagementClient} (none when the warehouse has no key management). Unwrapped data keys are cached per
 * handle (at most {@value #CACHE_SIZE}), so a scan that reads a file again does not call the key service again.
 * Thread-safe.
 */
public final class TableKeys {
  static final int CACHE_SIZE = 1024;

  private final String table;
  private final KeyManagementClient client;
  private final Map<ByteBuffer, byte[]> unwrapped = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteBuffer, byte[]> eldest) {
      if (size() > CACHE_SIZE) {
        Arrays.fill(eldest.getValue(), (byte) 0);
        return true;
      }
      return false;
    }
  };

  /**
   * @param table the table's name (for messages)
   * @param client the key-management client, or null when the warehouse has none
   */
  public TableKeys(String table, KeyManagementClient client) {
    this.table = table;
    this.client = client;
  }

  /** @return the table name used in messages */
  public String table() {
    return table;
  }

  /** @return the key-management client, or null */
  public KeyManagementClient client() {
    return client;
  }

  /**
   * @param metadata the table version a write builds on
   * @return the write's encryptor, or null when the table's properties do not ask for encryption
   * @throws KeyManagementException when they do and no key-management client is configured
   * @throws io.datashard.ValidationException for invalid encryption properties
   */
  public FileEncryptor encryptor(TableMetadata metadata) {
    EncryptionSettings settings = EncryptionSettings.fromProperties(metadata.properties());
    if (settings == null) {
      return null;
    }
    requireClient(settings.masterKeyId(), "write");
    return new FileEncryptor(table, client, settings, settings.encryptedFieldIds(metadata.schema(), metadata.specs()));
  }

  /**
   * @param file a data or delete file from a manifest
   * @return how to decrypt it, or null when it is not encrypted (no {@code key_metadata})
   * @throws KeyManagementException naming the table and master key id when the key cannot be had: no client, the
   *     master key unknown to it, a wrong key, or key metadata in a format DataShard does not write
   */
  public FileDecryption decryption(DataFile file) {
    ByteBuffer raw = file.keyMetadata();
    if (raw == null) {
      return null;
    }
    KeyMetadata km;
    try {
      km = KeyMetadata.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new KeyManagementException(null, "table " + table + ": data file " + file.location()
          + " has key metadata DataShard cannot use: " + e.getMessage());
    }
    return new FileDecryption(table, km.masterKeyId(), dataKey(km, file.location()));
  }

  /**
   * @param km a file's key metadata
   * @param location the file (for messages)
   * @return the unwrapped data key
   */
  byte[] dataKey(KeyMetadata km, String location) {
    ByteBuffer cacheKey = km.toBytes();
    synchronized (unwrapped) {
      byte[] hit = unwrapped.get(cacheKey);
      if (hit != null) {
        return hit.clone();
      }
    }
    requireClient(km.masterKeyId(), "read data file " + location);
    byte[] key = call(table, km.masterKeyId(), "unwrap the data key of " + location,
        () -> client.unwrapKey(km.wrappedKey(), km.masterKeyId()));
    if (key.length != FileEncryptor.DATA_KEY_BYTES) {
      throw new KeyManagementException(km.masterKeyId(), "table " + table + ": master key '" + km.masterKeyId()
          + "' unwrapped the data key of " + location + " to " + key.length + " bytes, not "
          + FileEncryptor.DATA_KEY_BYTES + " (wrong key?)");
    }
    synchronized (unwrapped) {
      unwrapped.put(cacheKey, key.clone());
    }
    return key;
  }

  /**
   * Re-wraps a file's data key with another master key (rotation); the data key itself does not change.
   *
   * @param file a file with DataShard key metadata
   * @param newMasterKeyId the master key to wrap with
   * @return the new key metadata
   * @throws KeyManagementException naming the table and the key ids when unwrapping or wrapping fails
   */
  public ByteBuffer rewrap(DataFile file, String newMasterKeyId) {
    KeyMetadata km = KeyMetadata.parse(file.keyMetadata());
    byte[] key = dataKey(km, file.location());
    try {
      requireClient(newMasterKeyId, "re-wrap data keys");
      byte[] wrapped = call(table, newMasterKeyId, "wrap the data key of " + file.location(),
          () -> client.wrapKey(key, newMasterKeyId));
      return new KeyMetadata(newMasterKeyId, wrapped).toBytes();
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * Checks that the client can wrap with a master key (by wrapping a throw-away key), before a rotation commits.
   *
   * @param masterKeyId the master key
   * @throws KeyManagementException naming the table and the key when it cannot
   */
  public void checkMasterKey(String masterKeyId) {
    requireClient(masterKeyId, "rotate to it");
    call(table, masterKeyId, "wrap a data key", () -> client.wrapKey(new byte[FileEncryptor.DATA_KEY_BYTES],
        masterKeyId));
  }

  private void requireClient(String masterKeyId, String action) {
    if (client == null) {
      throw new KeyManagementException(masterKeyId, "table " + table + " is encrypted with master key '"
          + masterKeyId + "', and this warehouse has no key-management client to " + action + ": configure one "
          + "(DATASHARD_KEYSTORE and DATASHARD_KEYSTORE_PASSWORD, DATASHARD_KMS=aws, or "
          + "Warehouse.withKeyManagement; docs/encryption.md)");
    }
  }

  /**
   * Runs a key-service call, turning its failures into a {@link KeyManagementException} that names the table and
   * the master key.
   */
  static byte[] call(String table, String masterKeyId, String action, Supplier<byte[]> call) {
    try {
      return call.get();
    } catch (KeyManagementException e) {
      throw new KeyManagementException(masterKeyId, "table " + table + ": cannot " + action + " with master key '"
          + masterKeyId + "': " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new KeyManagementException(masterKeyId, "table " + table + ": cannot " + action + " with master key '"
          + masterKeyId + "': " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }
  }

  @Override
  public String toString() {
    return "TableKeys{table=" + table + ", client=" + (client == null ? "none" : client.describe()) + "}";
  }
}
