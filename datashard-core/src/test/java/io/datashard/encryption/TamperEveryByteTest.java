package io.datashard.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Row;
import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.metadata.DataFile;
import io.datashard.storage.StorageBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.datashard.PartitionSpec;

/**
 * A bit flipped at every third byte, and the top bit of every byte of the tail (the footer's length prefix
 * included), of an encrypted data file (encrypted footer, every column encrypted) either
 * fails the read with {@link DataFileDecryptionException} (including flips in length prefixes that make parquet-java
 * ask for gigabytes, and in the trailing footer length and magic) or changes nothing the reader uses: the rows that
 * come back are always the rows that were written.
 */
class TamperEveryByteTest {
  @TempDir
  Path temp;

  @Test
  void everyFlippedByteFailsOrChangesNoRow() {
    Path root = temp.resolve("warehouse");
    Path keystore = temp.resolve("keys.p12");
    Pkcs12KeyStore.generateKey(keystore, EncryptionScenarios.PASSWORD, "k1");
    Pkcs12KeyStore keys = Pkcs12KeyStore.open(keystore, EncryptionScenarios.PASSWORD);
    Warehouse encrypted = Warehouse.local(root).withKeyManagement(keys);
    Table t = encrypted.createTable("every", EncryptionScenarios.SCHEMA, PartitionSpec.unpartitioned(),
        Map.of(EncryptionSettings.KEY_ID, "k1"));
    t.appendRecords(EncryptionScenarios.rows(0, 20));
    List<Row> expected = t.scan().toList();
    DataFile f = EncryptionScenarios.liveFiles(t).get(0);
    StorageBackend storage = encrypted.storage();
    byte[] original = storage.readAll(f.location());
    Map<String, Integer> outcomes = new TreeMap<>();
    List<Integer> unread = new ArrayList<>();
    for (int at = 0; at < original.length; at += at < original.length - 64 ? 3 : 1) {
      byte[] bytes = original.clone();
      boolean tail = at >= original.length - 64;
      // in the tail the top bit: in the footer module's length prefix it makes parquet-java ask for up to 2 GiB
      bytes[at] ^= tail ? (byte) 0x80 : 0x01;
      storage.writeAll(f.location(), bytes);
      try (Warehouse wh = Warehouse.local(root)) {
        List<Row> rows = wh.withKeyManagement(keys).loadTable("every").scan().toList();
        assertThat(rows).as("byte %d of %d", at, original.length).isEqualTo(expected);
        unread.add(at);
        outcomes.merge("unchanged rows", 1, Integer::sum);
      } catch (DataFileDecryptionException e) {
        outcomes.merge("failed authentication", 1, Integer::sum);
      }
    }
    storage.writeAll(f.location(), original);
    // Unchanged rows come from bytes a scan does not use: the leading magic, module length prefixes, and the column
    // and offset indexes (read only by page-index filtering, which DataShard does not do).
    assertThat(outcomes.get("failed authentication")).as(outcomes + "; unchanged at " + unread)
        .isGreaterThan(original.length / 3 / 2);
  }
}
