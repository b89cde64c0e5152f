package io.datashard.encryption;

import java.nio.charset.StandardCharsets;
import org.apache.parquet.crypto.DecryptionKeyRetriever;
import org.apache.parquet.crypto.FileDecryptionProperties;
import org.apache.parquet.crypto.KeyAccessDeniedException;

/**
 * What a reader needs to decrypt one data file: parquet-java's decryption properties (the footer and column keys,
 * derived on demand from the file's unwrapped data key) and, for messages, the table and master key id. Immutable;
 * {@link #toString()} never shows a key.
 */
public final class FileDecryption {
  private final String table;
  private final String masterKeyId;
  private final byte[] dataKey;

  FileDecryption(String table, String masterKeyId, byte[] dataKey) {
    this.table = table;
    this.masterKeyId = masterKeyId;
    this.dataKey = dataKey.clone();
  }

  /** @return the table the file belongs to */
  public String table() {
    return table;
  }

  /** @return the master key id the file's data key is wrapped with */
  public String masterKeyId() {
    return masterKeyId;
  }

  /** @return fresh parquet-java decryption properties for one file open (footer integrity checked) */
  public FileDecryptionProperties properties() {
    DecryptionKeyRetriever retriever = label -> {
      String s = label == null ? "" : new String(label, StandardCharsets.UTF_8);
      if (!s.startsWith(FileEncryptor.LABEL_PREFIX)) {
        throw new KeyAccessDeniedException("the file names a key DataShard did not write (not a "
            + FileEncryptor.LABEL_PREFIX + " label)");
      }
      return FileEncryptor.derive(dataKey, label);
    };
    return FileDecryptionProperties.builder().withKeyRetriever(retriever).build();
  }

  @Override
  public String toString() {
    return "FileDecryption{table=" + table + ", masterKeyId=" + masterKeyId + "}";
  }
}
