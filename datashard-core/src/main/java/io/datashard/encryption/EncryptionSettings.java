package io.datashard.encryption;

import io.datashard.Field;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.ValidationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A table's encryption settings, read from its properties. Immutable. The property names carry a
 * {@code datashard.} prefix on purpose: Apache Iceberg's own {@code encryption.key-id} switches on Iceberg's
 * encryption, whose key metadata format differs from DataShard's (docs/encryption.md).
 *
 * @param masterKeyId the master key new data files' keys are wrapped with ({@value #KEY_ID})
 * @param columns the columns to encrypt, as given ({@value #COLUMNS}); empty means every column
 * @param plaintextFooter whether the Parquet footer stays readable without keys ({@value #FOOTER})
 */
public record EncryptionSettings(String masterKeyId, List<String> columns, boolean plaintextFooter) {
  /** Table property: the master key id; setting it encrypts every data file written from then on. */
  public static final String KEY_ID = "datashard.encryption.key-id";
  /** Table property: comma-separated columns to encrypt (dotted paths for nested fields); default: all columns. */
  public static final String COLUMNS = "datashard.encryption.columns";
  /** Table property: {@code encrypted} (default) or {@code plaintext}: whether the Parquet footer is encrypted. */
  public static final String FOOTER = "datashard.encryption.footer";

  /** Copies the column list. */
  public EncryptionSettings {
    columns = List.copyOf(columns);
  }

  /**
   * @param properties table properties
   * @return the settings, or null when the table is not encrypted ({@value #KEY_ID} unset)
   * @throws ValidationException for an invalid footer mode
   */
  public static EncryptionSettings fromProperties(Map<String, String> properties) {
    String keyId = properties.get(KEY_ID);
    if (keyId == null || keyId.isBlank()) {
      return null;
    }
    List<String> columns = new ArrayList<>();
    String c = properties.get(COLUMNS);
    if (c != null) {
      for (String part : c.split(",")) {
        if (!part.isBlank()) {
          columns.add(part.trim());
        }
      }
    }
    String footer = properties.getOrDefault(FOOTER, "encrypted").trim().toLowerCase(Locale.ROOT);
    if (!footer.equals("encrypted") && !footer.equals("plaintext")) {
      throw new ValidationException("table property " + FOOTER + " must be 'encrypted' or 'plaintext', got '"
          + footer + "'");
    }
    return new EncryptionSettings(keyId.trim(), columns, footer.equals("plaintext"));
  }

  /**
   * @param schema the schema being written
   * @param specs the table's partition specs: a partition source may not be encrypted, since partition values
   *     are stored in plaintext in manifests and paths
   * @return the ids of every encrypted field, the descendants of encrypted structs, lists and maps included
   * @throws ValidationException for an unknown column or an encrypted partition source
   */
  public Set<Integer> encryptedFieldIds(Schema schema, Collection<PartitionSpec> specs) {
    Set<Integer> ids = new LinkedHashSet<>();
    if (columns.isEmpty()) {
      for (Field f : schema.fields()) {
        addWithChildren(f, ids);
      }
    } else {
      for (String name : columns) {
        Field f = schema.findField(name);
        if (f == null) {
          throw new ValidationException("table property " + COLUMNS + " names column '" + name
              + "', which the schema does not have; columns are " + schema.columnNames());
        }
        addWithChildren(f, ids);
      }
    }
    for (PartitionSpec spec : specs) {
      for (PartitionField pf : spec.fields()) {
        if (ids.contains(pf.sourceId()) && !"void".equals(pf.transform())) {
          throw new ValidationException("column '" + schema.findColumnName(pf.sourceId()) + "' is encrypted ("
              + KEY_ID + ", " + COLUMNS + ") and is the source of partition field '" + pf.name()
              + "': partition values are stored in plaintext in manifests and file paths. Leave it out of "
              + COLUMNS + " or partition by another column");
        }
      }
    }
    return ids;
  }

  private static void addWithChildren(Field f, Set<Integer> ids) {
    ids.add(f.id());
    for (Field child : f.type().fields()) {
      addWithChildren(child, ids);
    }
  }
}
