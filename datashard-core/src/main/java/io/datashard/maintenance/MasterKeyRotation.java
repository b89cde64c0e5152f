package io.datashard.maintenance;

import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.ValidationException;
import io.datashard.encryption.EncryptionSettings;
import io.datashard.encryption.KeyMetadata;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.update.KeyRewrap;
import io.datashard.manifest.TableFiles;
import io.datashard.update.TableInternals;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rotation of an encrypted table's master key without rewriting data (docs/encryption.md, "Rotating the master
 * key"): new files are wrapped with the new key from the first commit on, and the data keys of existing files are
 * re-wrapped in new manifests. Older snapshots keep listing the keys as they were wrapped then: keep the old master
 * key until those snapshots are expired.
 *
 * Internal: users call {@link Table#rotateMasterKey(String)} and {@link Table#masterKeysInUse()}.
 */
public final class MasterKeyRotation {
  private MasterKeyRotation() {
  }

  /**
   * Sets {@value EncryptionSettings#KEY_ID} to the new master key (one commit), then re-wraps every live data
   * file's data key with it (a second commit that changes no data). Both steps retry on conflicts; running it
   * again re-wraps what a concurrent writer committed with the old key meanwhile, and otherwise does nothing.
   *
   * @param table an encrypted table of a warehouse with key management that knows both master keys
   * @param newMasterKeyId the new master key's id
   * @return the rotation's snapshot and count
   * @throws ValidationException when the table is not encrypted
   * @throws io.datashard.encryption.KeyManagementException naming the key id when a key cannot be used; data
   *     keys re-wrapped before the failure are not committed, and nothing is lost (the old key still works)
   */
  public static io.datashard.KeyRotation rotate(Table table, String newMasterKeyId) {
    if (newMasterKeyId == null || newMasterKeyId.isBlank()) {
      throw new ValidationException("the new master key id must not be empty");
    }
    TableInternals t = TableInternals.of(table);
    if (EncryptionSettings.fromProperties(t.operations().refresh().properties()) == null) {
      throw new ValidationException("table " + table.name() + " is not encrypted (" + EncryptionSettings.KEY_ID
          + " is not set): there is no master key to rotate");
    }
    // Wrapping a throw-away key first checks the new master key is usable before anything is committed.
    t.files().keys().checkMasterKey(newMasterKeyId.trim());
    table.updateProperties().set(EncryptionSettings.KEY_ID, newMasterKeyId.trim()).commit();
    KeyRewrap rewrap = new KeyRewrap(t.operations(), t.files(), newMasterKeyId.trim());
    Snapshot s = rewrap.commit();
    table.refresh();
    return new io.datashard.KeyRotation(s, rewrap.rewrappedFiles());
  }

  /**
   * @param table a table
   * @return per master key id, how many live data files of the current snapshot have their key wrapped by it
   *     ({@code ""} counts plaintext files); empty for an empty table
   */
  public static Map<String, Long> masterKeysInUse(Table table) {
    TableInternals t = TableInternals.of(table);
    TableFiles files = t.files();
    Map<String, Long> out = new TreeMap<>();
    Snapshot current = t.operations().refresh().currentSnapshot();
    if (current == null) {
      return out;
    }
    for (ManifestFile m : files.manifests(current.manifestListLocation())) {
      if (m.content() != ManifestFile.CONTENT_DATA) {
        continue;
      }
      for (ManifestEntry e : files.entries(m)) {
        if (e.isLive()) {
          out.merge(keyId(e.file()), 1L, Long::sum);
        }
      }
    }
    return out;
  }

  private static String keyId(DataFile f) {
    ByteBuffer km = f.keyMetadata();
    if (km == null) {
      return "";
    }
    return KeyMetadata.isDataShard(km) ? KeyMetadata.parse(km).masterKeyId() : "(foreign key metadata)";
  }
}
