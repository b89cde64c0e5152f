package io.datashard.encryption;

import io.datashard.metadata.DataFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.crypto.ColumnEncryptionProperties;
import org.apache.parquet.crypto.FileEncryptionProperties;
import org.apache.parquet.crypto.ParquetCipher;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Encrypts the data files of one write (an append, a compaction, a row-level rewrite) of an encrypted table:
 * envelope encryption with a fresh 256-bit data key per file, wrapped by the table's master key, and Parquet
 * modular encryption (AES-GCM) with a footer key and one key per encrypted column, each derived from the data key
 * with HKDF-SHA256. Thread-safe; one instance serves every file of the write.
 *
 * <p>The wrapped data key goes to the file's {@code key_metadata} in the manifest, never into the file: the file
 * holds only labels naming which derived key each module uses. Re-wrapping the data key with another master key
 * (rotation) therefore rewrites manifests, not data files.
 */
public final class FileEncryptor {
  /** Prefix of the key labels stored in the Parquet file ({@code key_metadata} of the footer and columns). */
  static final String LABEL_PREFIX = "datashard:v1:";
  static final String FOOTER_LABEL = LABEL_PREFIX + "footer";
  static final String COLUMN_LABEL = LABEL_PREFIX + "column:";
  static final int DATA_KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String table;
  private final KeyManagementClient keys;
  private final EncryptionSettings settings;
  private final Set<Integer> encryptedIds;

  FileEncryptor(String table, KeyManagementClient keys, EncryptionSettings settings, Set<Integer> encryptedIds) {
    this.table = table;
    this.keys = keys;
    this.settings = settings;
    this.encryptedIds = Set.copyOf(encryptedIds);
  }

  /** @return the master key id new files are wrapped with */
  public String masterKeyId() {
    return settings.masterKeyId();
  }

  /** @return the ids of the encrypted fields (bounds of these never reach a manifest) */
  public Set<Integer> encryptedFieldIds() {
    return encryptedIds;
  }

  /**
   * Generates and wraps the data key of one new file.
   *
   * @param fileSchema the file's Parquet schema (with field ids)
   * @return the file's Parquet encryption properties and key metadata
   * @throws KeyManagementException naming the table and master key when wrapping fails
   */
  public FileKeys newFile(MessageType fileSchema) {
    byte[] dataKey = new byte[DATA_KEY_BYTES];
    RANDOM.nextBytes(dataKey);
    try {
      byte[] wrapped = TableKeys.call(table, settings.masterKeyId(), "wrap a new data key",
          () -> keys.wrapKey(dataKey, settings.masterKeyId()));
      Map<ColumnPath, ColumnEncryptionProperties> columns = new LinkedHashMap<>();
      for (ColumnDescriptor c : fileSchema.getColumns()) {
        if (encrypted(fileSchema, c.getPath())) {
          ColumnPath path = ColumnPath.get(c.getPath());
          byte[] label = (COLUMN_LABEL + path.toDotString()).getBytes(StandardCharsets.UTF_8);
          columns.put(path, ColumnEncryptionProperties.builder(path)
              .withKey(derive(dataKey, label)).withKeyMetaData(label).build());
        }
      }
      byte[] footerLabel = FOOTER_LABEL.getBytes(StandardCharsets.UTF_8);
      FileEncryptionProperties.Builder b = FileEncryptionProperties.builder(derive(dataKey, footerLabel))
          .withFooterKeyMetadata(footerLabel)
          .withAlgorithm(ParquetCipher.AES_GCM_V1)
          .withEncryptedColumns(columns);
      if (settings.plaintextFooter()) {
        b.withPlaintextFooter();
      }
      return new FileKeys(b.build(), new KeyMetadata(settings.masterKeyId(), wrapped), encryptedIds);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  private boolean encrypted(MessageType schema, String[] path) {
    Type t = schema;
    for (String part : path) {
      t = t.asGroupType().getType(part);
      if (t.getId() != null && encryptedIds.contains(t.getId().intValue())) {
        return true;
      }
    }
    return false;
  }

  /** @return the AES key a label names, derived from the file's data key */
  static byte[] derive(byte[] dataKey, byte[] label) {
    return Hkdf.derive(dataKey, label, DATA_KEY_BYTES);
  }

  @Override
  public String toString() {
    return "FileEncryptor{table=" + table + ", masterKeyId=" + settings.masterKeyId() + ", columns="
        + encryptedIds.size() + "}";
  }

  /** The keys of one file: parquet-java's encryption properties and what the manifest stores. */
  public static final class FileKeys {
    private final FileEncryptionProperties properties;
    private final KeyMetadata keyMetadata;
    private final Set<Integer> encryptedIds;

    FileKeys(FileEncryptionProperties properties, KeyMetadata keyMetadata, Set<Integer> encryptedIds) {
      this.properties = properties;
      this.keyMetadata = keyMetadata;
      this.encryptedIds = encryptedIds;
    }

    /** @return parquet-java's encryption properties for the file */
    public FileEncryptionProperties properties() {
      return properties;
    }

    /** @return the key metadata the manifest stores */
    public KeyMetadata keyMetadata() {
      return keyMetadata;
    }

    /**
     * @param file the finished file's description
     * @return the same with its key metadata, and without lower/upper bounds of encrypted columns (value, null and
     *     NaN counts and sizes are kept)
     */
    public DataFile seal(DataFile file) {
      return file.toBuilder().keyMetadata(keyMetadata.toBytes())
          .lowerBounds(withoutEncrypted(file.lowerBounds())).upperBounds(withoutEncrypted(file.upperBounds()))
          .build();
    }

    private Map<Integer, ByteBuffer> withoutEncrypted(Map<Integer, ByteBuffer> bounds) {
      if (bounds == null) {
        return null;
      }
      Map<Integer, ByteBuffer> out = new HashMap<>(bounds);
      out.keySet().removeAll(encryptedIds);
      return out;
    }

    @Override
    public String toString() {
      return "FileKeys{" + keyMetadata + "}";
    }
  }
}
